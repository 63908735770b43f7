/**
 * The size of V8's young generation (the new space: two semi-spaces) in the Strata process.
 *
 * V8 grows the new space while objects survive it, up to 16 MiB per semi-space on a 64-bit machine (Node 20): a
 * start (every module's code and schemas survive) takes it there, and a large publish then touches all 32 MiB,
 * which stay resident. A publish's garbage is its body's base64 text, 64 KiB at a time, and the socket buffers it
 * was read into, freed by the same scavenge: a larger semi-space only lets more of both pile up before it runs.
 * Measured on a 50 MB publish (Node 20): 16 MiB semi-spaces take 5 scavenges (about 4 ms of pauses), 4 MiB ones
 * 21 (about 14 ms), 1 MiB ones 86 (50-70 ms); the peak RSS of the benchmark falls by about 30 MiB at 4 MiB.
 *
 * `--max-semi-space-size` is read once, when the process starts, and `node dist/server.js` passes none; the growth
 * factor (`--semi-space-growth-factor`) is read at each growth. So the new space is held at its initial size
 * (1 MiB per semi-space) while the app loads, then left to grow to CAP_BYTES and no further: after each
 * collection the factor is set to what reaches the cap from the present size (1 once there; V8 may also shrink
 * the new space when allocation is slow, and it may then grow back). A process started with node flags of its
 * own for the young generation is left to them.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The largest semi-space. */
const CAP_BYTES = 4 << 20;

const OWN_FLAGS = /^--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor)(=|$)/;

let state: 'free' | 'held' | 'capped' = 'free';
let factor = 2;

function setGrowthFactor(f: number): void {
  if (f === factor) return;
  factor = f;
  setFlagsFromString(`--semi-space-growth-factor=${f}`);
}

/** Capacity of one semi-space now. */
function semiSpaceBytes(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return space ? space.space_used_size + space.space_available_size : CAP_BYTES;
}

function sizedByNodeFlags(): boolean {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return args.some((a) => OWN_FLAGS.test(a.replace(/_/g, '-')));
}

/** Keeps the new space at its present size (call first thing, before the app's modules load). */
export function holdYoungGeneration(): void {
  if (state !== 'free' || sizedByNodeFlags()) return;
  state = 'held';
  setGrowthFactor(1);
}

/** Lets the new space grow up to CAP_BYTES per semi-space, and no further (after holdYoungGeneration). */
export function capYoungGeneration(): void {
  if (state !== 'held') return;
  state = 'capped';
  const fit = () => setGrowthFactor(Math.max(1, Math.round(CAP_BYTES / semiSpaceBytes())));
  fit();
  // Called after each collection (an observer of gc entries keeps no process alive).
  new PerformanceObserver(fit).observe({ entryTypes: ['gc'] });
}
