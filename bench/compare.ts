/**
 * The side-by-side part of `npm run bench`: every target gets the same pre-encoded bodies from the same
 * client, in rounds that alternate the targets (rotating who goes first), so that a machine shared with other
 * work slows them all alike; each figure is the median over the rounds' samples.
 */
import { MB, bodiesOf, median, publish as post, rssMiB, throughput, zipOf } from './client.js';
import type { Server } from './servers.js';

export interface Target {
  name: string;
  server: Server;
  /** Where a publish of `layer` is posted. */
  path: (layer: string) => string;
  dialect: 'aws' | 'fc';
  /** Runs in another target's process: its memory is that target's. */
  sharedProcess?: boolean;
  /** Signs each request (the STRATA_AUTH=verify column); computed before a latency sample's clock starts. */
  sign?: (port: number, path: string, body: Buffer) => Record<string, string>;
}

export interface Plan {
  rounds: number;
  /** Sequential publishes per round and target, per layer size. */
  small: number;
  medium: number;
  large: number;
  /** Publishes per round and target in the throughput measure. */
  burst: number;
  /** How many 20 MB publishes precede the "RSS after" reading. */
  rssLayers: number;
  /**
   * 1 KB publishes per target before the 1 KB rows are sampled: a Node server runs its hot path interpreted until V8
   * has compiled it, which takes a few hundred requests. The first 20 of them are reported as a row of their own.
   */
  warmup: number;
}

/** Row name → target name → figure. */
export type Figures = Map<string, Map<string, number>>;

export const ROWS = {
  idle: 'idle RSS (MiB)',
  cold: '1 KB publish, first 20 after start, median (ms)',
  small: '1 KB publish, median (ms)',
  burst: '1 KB publishes/s, 8 in flight',
  medium: '5 MB publish, median (ms)',
  large: '50 MB publish, median (ms)',
  after: 'RSS after 20 x 20 MB (MiB)',
  peak: 'peak RSS over the run (MiB)',
} as const;

/** A publish that names the server in its error. */
function publish(target: Target, layer: string, body: Buffer): Promise<number> {
  const { port } = target.server;
  const path = target.path(layer);
  return post(port, path, body, target.sign?.(port, path, body)).catch((err: Error) => {
    throw new Error(`${target.name}: ${err.message}`, { cause: err });
  });
}

export async function compare(targets: Target[], plan: Plan, log: (line: string) => void): Promise<Figures> {
  const figures: Figures = new Map();
  const put = (row: string, target: string, value: number) => {
    if (!figures.has(row)) figures.set(row, new Map());
    figures.get(row)!.set(target, value);
  };
  const own = targets.filter((t) => !t.sharedProcess);

  // Idle: started, answered one probe, settled.
  await new Promise((r) => setTimeout(r, 2000));
  for (const t of own) put(ROWS.idle, t.name, (await rssMiB(t.server.pid)).now);

  const sizes = [
    [ROWS.small, 1_000, plan.small],
    [ROWS.medium, 5 * MB, plan.medium],
    [ROWS.large, 50 * MB, plan.large],
  ] as const;
  for (const [row, size, runs] of sizes) {
    const bodies = bodiesOf(await zipOf(size));
    const samples = new Map(targets.map((t) => [t.name, [] as number[]]));
    for (const t of targets) {
      const first: number[] = [];
      const warmup = size === 1_000 ? plan.warmup : 1;
      for (let i = 0; i < warmup; i++) first.push(await publish(t, `warm-${size}`, bodies[t.dialect]));
      if (size === 1_000) put(ROWS.cold, t.name, median(first.slice(0, 20)));
    }
    for (let round = 0; round < plan.rounds; round++) {
      for (const t of rotate(targets, round)) {
        for (let i = 0; i < runs; i++) samples.get(t.name)!.push(await publish(t, `lat-${size}`, bodies[t.dialect]));
      }
    }
    for (const t of targets) put(row, t.name, median(samples.get(t.name)!));
    log(`${row}: done`);
    if (size === 1_000) {
      const rates = new Map(targets.map((t) => [t.name, [] as number[]]));
      for (let round = 0; round < plan.rounds; round++) {
        for (const t of rotate(targets, round)) {
          rates.get(t.name)!.push(await throughput(t.server.port, t.path('burst'), bodies[t.dialect], plan.burst, 8, t.sign));
        }
      }
      for (const t of targets) put(ROWS.burst, t.name, median(rates.get(t.name)!));
      log(`${ROWS.burst}: done`);
    }
  }

  const big = bodiesOf(await zipOf(20 * MB));
  for (const t of own) {
    for (let i = 0; i < plan.rssLayers; i++) await publish(t, `rss-${i}`, big[t.dialect]);
    const rss = await rssMiB(t.server.pid);
    put(ROWS.after, t.name, rss.now);
    put(ROWS.peak, t.name, rss.peak);
  }
  log(`${ROWS.after}: done`);
  return figures;
}

function rotate<T>(xs: T[], by: number): T[] {
  const k = by % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}
