/**
 * Assigns work with costs `costs` (a generate call's prompts: parallel-generate.ts) to `lanes` lanes (lane 0
 * the main thread, the others gradient workers) by longest processing time first: the costliest item goes to the
 * least loaded lane, ties to the lower lane. Returns each lane's item indices, ascending. Which lane computes an
 * item never changes its bits, so the assignment only moves work.
 */
export function assignLanes(costs: readonly number[], lanes: number): number[][] {
  const load = new Array<number>(lanes).fill(0);
  const out: number[][] = Array.from({ length: lanes }, () => []);
  const order = costs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  for (const i of order) {
    let best = 0;
    for (let lane = 1; lane < lanes; lane++) if (load[lane] < load[best]) best = lane;
    load[best] += costs[i];
    out[best].push(i);
  }
  for (const run of out) run.sort((a, b) => a - b);
  return out;
}
