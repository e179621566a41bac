/**
 * Splits micro-batches with costs `costs` into `lanes` contiguous runs of near-equal total cost (the first run
 * for the main thread, the others for gradient workers): returns each lane's first micro-batch index, plus the
 * end. Contiguous runs keep the gradient sum in micro-batch order whatever the worker count. A lane may be empty
 * when there are fewer micro-batches than lanes.
 */
export function splitLanes(costs: readonly number[], lanes: number): number[] {
  const total = costs.reduce((a, b) => a + b, 0);
  const starts = [0];
  let sum = 0;
  let i = 0;
  for (let lane = 1; lane < lanes; lane++) {
    const target = (total * lane) / lanes;
    // Advance while taking the next micro-batch brings this cut closer to its share.
    while (i < costs.length && Math.abs(sum + costs[i] - target) <= Math.abs(sum - target)) sum += costs[i++];
    starts.push(i);
  }
  starts.push(costs.length);
  return starts;
}
