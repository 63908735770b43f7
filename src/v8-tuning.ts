/**
 * How V8 runs the Strata process (`npm start`, `strata`, `node dist/server.js`, the image; not Strata in another
 * program's process): two of its settings are held while Strata starts and released once it listens (the second at
 * its first request that is not a probe), a third is set as it starts and a fourth once it listens. The settings used
 * are read by V8 as it goes, so they can be changed from here; `node dist/server.js` passes no node flags. A process
 * started with node flags of its own for a setting is left to them.
 *
 * The young generation (the new space: two semi-spaces). V8 grows it while objects survive it, up to 16 MiB per
 * semi-space on a 64-bit machine (Node 20): a start (every module's code and schemas survive) takes it there, and a
 * large publish then touches all 32 MiB, which stay resident. A publish's garbage is its body's base64 text, 64 KiB
 * at a time, and the socket buffers it was read into, freed by the same scavenge: a larger semi-space only lets more
 * of both pile up before it runs. Measured on a 50 MB publish (Node 20): 16 MiB semi-spaces take 5 scavenges (about
 * 4 ms of pauses), 4 MiB ones 21 (about 14 ms), 1 MiB ones 86 (50-70 ms); the benchmark's peak RSS falls by about
 * 40 MiB at 4 MiB, and by 6 more at 2 MiB (`npm run bench -- --quick`, three runs side by side: 96-99 against
 * 103-105 MiB, 50 MB publishes 270-352 against 267-341 ms, no slower). `--max-semi-space-size` is read only as the process starts, the growth factor
 * (`--semi-space-growth-factor`) at each growth: the new space is held at its initial size (1 MiB per semi-space)
 * while Strata starts, then left to grow to YOUNG_CAP_BYTES and no further (after each collection the factor is set
 * to what reaches the cap from the present size, 1 once there; V8 may also shrink the new space when allocation is
 * slow, and it may then grow back).
 *
 * The optimizing compiler (TurboFan, `--turbofan`, read at each tiering decision). A start runs its code once, yet
 * its loops (Node's module loader, the CommonJS export lexer, route declaration) make V8 optimize some thirty
 * functions; the first optimization pages the compiler's code in (about 3 MiB) and the compile jobs leave their
 * working memory in the worker threads' malloc arenas, which nothing returns: idle RSS 70 against 80 MiB (Node 20,
 * medians of five starts). It is off until Strata's first request that is not a health probe, on after (see
 * releaseAfterStart): code that is hot while serving is optimized as it always was.
 *
 * Baseline code (Sparkplug, `--always-sparkplug`, read as each function is first compiled; set once Strata listens).
 * V8 interprets a function's bytecode until its calls have spent a budget, then compiles it to baseline code, and
 * optimizes it later still. Sparkplug compiles bytecode in one pass, cheaply, and its code runs the same bytecodes
 * without the interpreter's dispatch. A publish runs a few hundred functions for the first time, so its first few
 * hundred requests ran mostly in the interpreter. With the setting, a function first called once Strata listens (the
 * routes, serializers and store the requests run) gets baseline code at that first call. Main-thread instructions
 * per 1 KB publish (callgrind), over the first 20 after start: 6,542k without it, 5,695k with it; over publishes
 * 300-500, when V8 has optimized the hot path: 1,186k and 1,191k (all threads 2,357k and 2,460k). Fresh starts,
 * medians of the first 20 1 KB publishes: 2.41 against 1.59 ms (ten starts each), 2.75 against 1.58 (six). Set as
 * the process starts, it also compiles the code every module runs once as it loads: idle RSS 70.0-70.4 against 68
 * MiB (2 MiB more of V8's code).
 *
 * The old generation's growth (`--heap-growing-percent`, read at each full collection; set once, as the process
 * starts). After a full collection V8 lets the old generation grow to a multiple of what survived before it collects
 * again, and with a small heap and little pausing that multiple is up to 4. What a large publish leaves there is
 * mostly the wrappers of its 64 KiB socket chunks and staged blocks, promoted by the small young generation above;
 * each holds its bytes outside the heap until a full collection, so RSS rose without bound in sight: 20 MB publishes
 * one after another, 87 MiB after 10, 100 after 80 and still rising, with one full collection since the start.
 * Growth of 1.5 times collects every 9 MB or so: 86-88 after 10, 91-92 after 80 and level from 60 on (two runs); a
 * full collection of this heap takes 3-10 ms on the main thread, one every few seconds of back-to-back 20 MB publishes.
 */
import type { IncomingMessage, Server } from 'node:http';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The largest semi-space. */
const YOUNG_CAP_BYTES = 2 << 20;

/** Node flags that set what a setting here sets. */
const YOUNG_FLAGS = /^--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor)(=|$)/;
const COMPILER_FLAGS = /^--(no-)?(turbofan|opt|jitless|max-opt|always-turbofan|always-opt)(=|$)/;
const OLD_FLAGS = /^--heap-growing-percent(=|$)/;
/** `--jitless` and `--max-opt` bound the tiers, Sparkplug's included. */
const BASELINE_FLAGS = /^--(no-)?(sparkplug|always-sparkplug|jitless|max-opt)(=|$)/;
/** The old generation grows to 1.5 times what survived the last full collection, then is collected. */
const OLD_GROWING_PERCENT = 50;

let state: 'free' | 'held' | 'released' = 'free';
let youngHeld = false;
let compilerHeld = false;
let factor = 2;

function setGrowthFactor(f: number): void {
  if (f === factor) return;
  factor = f;
  setFlagsFromString(`--semi-space-growth-factor=${f}`);
}

/** Capacity of one semi-space now. */
function semiSpaceBytes(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return space ? space.space_used_size + space.space_available_size : YOUNG_CAP_BYTES;
}

function setByNodeFlags(flags: RegExp): boolean {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return args.some((a) => flags.test(a.replace(/_/g, '-')));
}

/** Holds the settings for the start: call first thing, before Strata's modules load. */
export function holdDuringStart(): void {
  if (state !== 'free') return;
  state = 'held';
  youngHeld = !setByNodeFlags(YOUNG_FLAGS);
  if (youngHeld) setGrowthFactor(1);
  compilerHeld = !setByNodeFlags(COMPILER_FLAGS);
  if (compilerHeld) setFlagsFromString('--no-turbofan');
  if (!setByNodeFlags(OLD_FLAGS)) setFlagsFromString(`--heap-growing-percent=${OLD_GROWING_PERCENT}`);
}

/**
 * Releases them once Strata has started (after holdDuringStart). With `server`, the optimizing compiler is released
 * later, at the server's first request that is not a probe, before that request runs: functions the start ran often
 * (Node's argument validators among them) have spent their budget by then, and a health probe calls some of them,
 * which V8 then optimized at once. That paged its optimizing compiler in, 3.5 MiB of the node binary's code, which
 * stayed resident: a Strata that has answered only probes (a docker-compose healthcheck) is at 68.2-68.6 MiB instead
 * of 72.2-72.3 (medians of six and eight starts, after one probe and after 20 more). The rest is released at once:
 * a probe runs much of the request path a publish runs (Fastify's), which must get its baseline code then. With all
 * of it released at the first other request, the first 20 1 KB publishes after a start took a median of 1.93 against
 * 1.61 ms (ten starts each); as here, 1.50 against 1.50 (20 starts each). All measured on Node 20. Node 24 (the
 * image's) also runs V8's middle tier, Maglev (Node 22 turned it off in 22.9.0, its changelog says), which
 * `--no-turbofan` does not hold; what these settings save there is not measured (this machine has Node 20 only).
 */
export function releaseAfterStart(server?: Server, isProbe?: (url: string) => boolean): void {
  if (state !== 'held') return;
  state = 'released';
  if (compilerHeld && server && isProbe) {
    const first = (request: IncomingMessage) => {
      if (isProbe(request.url ?? '')) return;
      server.off('request', first);
      setFlagsFromString('--turbofan');
    };
    server.prependListener('request', first);
  } else if (compilerHeld) {
    setFlagsFromString('--turbofan');
  }
  // Nothing to hold while starting: the setting only begins here.
  if (!setByNodeFlags(BASELINE_FLAGS)) setFlagsFromString('--always-sparkplug');
  if (youngHeld) {
    const fit = () => setGrowthFactor(Math.max(1, Math.round(YOUNG_CAP_BYTES / semiSpaceBytes())));
    fit();
    // Called after each collection (an observer of gc entries keeps no process alive).
    new PerformanceObserver(fit).observe({ entryTypes: ['gc'] });
  }
}
