import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * V8's background helpers that a process with a gradient pool turns off: concurrent marking, parallel scavenges,
 * concurrent sweeping and background optimising compiles. With one busy thread they run on an idle core; once the
 * pool's threads take every core they compete with them. Measured with `pnpm bench workers` (quickstart's SRL
 * step, 2 cores): they took 125-139 CPU-ms per 390 ms update on 1 worker and 196-212 per 300-376 ms update on 2
 * (the main thread did not get slower without them), and 2 workers ran a step 1.11-1.24x faster than 1 with them,
 * 1.59x without. The same work then runs on the thread that allocates, between its own work.
 */
export const QUIET_V8_FLAGS = ['--no-concurrent-marking', '--no-parallel-scavenge', '--no-concurrent-sweeping', '--no-concurrent-recompilation'];

let quieted = false;

/**
 * Sets QUIET_V8_FLAGS for this process, once; returns whether this call set them. V8's flags are process-wide:
 * worker isolates started afterwards read them when they are created. The calling isolate first finishes any
 * garbage collection under way (a full collection, synchronously), so no cycle started under the old flags ends
 * under the new ones: a precaution (V8 aborts the process when `--no-parallel-marking` is set in mid-cycle, which is
 * why that flag is not here; these four were never seen to, with or without it). `SRL_V8_HELPERS=keep` leaves
 * V8's defaults.
 */
export function quietV8Helpers(): boolean {
  if (quieted || process.env.SRL_V8_HELPERS === 'keep') return false;
  quieted = true;
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  v8.setFlagsFromString('--no-expose-gc');
  gc();
  for (const flag of QUIET_V8_FLAGS) v8.setFlagsFromString(flag);
  return true;
}
