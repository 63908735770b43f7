/** The tables `npm run bench` prints: the figures side by side, and the ratios each performance target names. */
import { ROWS, type Figures } from './compare.js';

export const NAMES = {
  strata: 'Strata',
  fc: 'Strata, FC path',
  minio: 'Strata, MinIO',
  verify: 'Strata, STRATA_AUTH=verify',
  power: 'Strata, STRATA_DURABILITY=power',
  floor: 'floor',
  floorPower: 'floor, power',
  baseline: 'baseline',
  flagged: 'Strata, --flags',
  baselineFc: 'baseline, FC path',
} as const;

export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

export function format(row: string, value: number | undefined): string {
  if (value === undefined) return '';
  if (row.includes('MiB') || row.includes('/s')) return value.toFixed(0);
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

/** Rows × servers; a peer that did not run shows why in its column's first cell. */
export function printFigures(figures: Figures, columns: string[], notRun: Map<string, string>): void {
  const rows = [...figures.keys()].map((row, i) => [
    row,
    ...columns.map((c) => (notRun.has(c) ? (i === 0 ? `not run: ${notRun.get(c)}` : '') : format(row, figures.get(row)?.get(c)))),
  ]);
  printTable('Side by side (same bodies, same client, alternating rounds; memory of each server process)', ['measure', ...columns], rows);
}

interface Check {
  target: string;
  measured: string;
  ratio: number | undefined;
  bound: string;
  met: boolean | undefined;
}

/** The ratios of the targets; `peers` are the peer columns that ran. */
export function printTargets(figures: Figures, peers: string[], listing: [string, number, number][]): void {
  const get = (row: string, col: string) => figures.get(row)?.get(col);
  const checks: Check[] = [];
  const ratio = (target: string, row: string, a: string, b: string, bound: number, higherIsBetter = false) => {
    const [x, y] = [get(row, a), get(row, b)];
    const r = x !== undefined && y !== undefined ? x / y : undefined;
    checks.push({
      target,
      measured: `${format(row, x)} / ${format(row, y)}`,
      ratio: r,
      bound: `${higherIsBetter ? '>=' : '<='} ${bound}`,
      met: r === undefined ? undefined : higherIsBetter ? r >= bound : r <= bound,
    });
  };
  const absolute = (target: string, row: string, bound: number) => {
    const x = get(row, NAMES.strata);
    checks.push({ target, measured: `${format(row, x)} MiB`, ratio: undefined, bound: `< ${bound} MiB`, met: x === undefined ? undefined : x < bound });
  };

  for (const peer of peers) {
    const behind = [...figures.keys()].filter((row) => {
      const [s, p] = [get(row, NAMES.strata), get(row, peer)];
      if (s === undefined || p === undefined) return false;
      return row === ROWS.burst ? s < p : s > p;
    });
    checks.push({
      target: `ahead of ${peer} on every row`,
      measured: behind.length === 0 ? 'ahead on all' : `behind on: ${behind.join('; ')}`,
      ratio: undefined, bound: 'all rows', met: behind.length === 0,
    });
    if (peer.startsWith('ministack')) {
      ratio(`1 KB median vs ${peer}`, ROWS.small, NAMES.strata, peer, 1);
      ratio(`1 KB throughput vs ${peer}`, ROWS.burst, NAMES.strata, peer, 1, true);
    }
  }
  ratio('1 KB median vs floor', ROWS.small, NAMES.strata, NAMES.floor, 1.3);
  ratio('5 MB median vs floor', ROWS.medium, NAMES.strata, NAMES.floor, 1.1);
  ratio('50 MB median vs floor', ROWS.large, NAMES.strata, NAMES.floor, 1.1);
  // STRATA_DURABILITY=power against the floor that syncs the same file and directory.
  ratio('power: 1 KB median vs floor, power', ROWS.small, NAMES.power, NAMES.floorPower, 1.3);
  ratio('power: 5 MB median vs floor, power', ROWS.medium, NAMES.power, NAMES.floorPower, 1.1);
  ratio('power: 50 MB median vs floor, power', ROWS.large, NAMES.power, NAMES.floorPower, 1.1);
  absolute('peak RSS over the run', ROWS.peak, 100);
  absolute('idle RSS', ROWS.idle, 70);
  for (const [row, at10, atBig] of listing) {
    checks.push({
      target: `${row.replace(/, median.*/, '')}: large store vs 10`,
      measured: `${format(row, atBig)} / ${format(row, at10)} ms`,
      ratio: atBig / at10, bound: '<= 1.2', met: atBig / at10 <= 1.2,
    });
  }
  for (const row of [ROWS.small, ROWS.medium, ROWS.large]) ratio(`FC path vs AWS path, ${row.split(' publish')[0]}`, row, NAMES.fc, NAMES.strata, 1.1);
  for (const row of [ROWS.medium, ROWS.large]) ratio(`MinIO vs fs backend, ${row.split(' publish')[0]}`, row, NAMES.minio, NAMES.strata, 1.3);

  printTable('Targets (Strata = filesystem backend, AWS path)', ['target', 'measured', 'ratio', 'bound', 'met'], checks.map((c) => [
    c.target, c.measured, c.ratio === undefined ? '' : c.ratio.toFixed(2), c.bound,
    c.met === undefined ? 'not measured' : c.met ? 'yes' : 'NO',
  ]));
}
