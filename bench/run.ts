/**
 * `npm run bench [-- --quick] [-- --no-peers] [-- --list-size=N] [-- --baseline=DIR]`: Strata (built, in its own
 * process) side by side with the floor of the work (bench/floor-server.mjs) and the peers from PyPI (moto,
 * ministack), then the ratios of the performance targets. A column runs Strata with STRATA_AUTH=verify (bench/sign.ts). `--baseline=DIR` adds the Strata built in DIR (a
 * checkout of another commit, `npm run build` done there) as one more column, for before/after figures. Not a test: the figures depend on the machine, and on what else runs
 * on it; the alternating rounds (bench/compare.ts) keep the ratios meaningful on a shared machine.
 * Layers are zips of random (incompressible) bytes, in pre-encoded bodies.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { measureCrc64Throughput } from '../src/codec/crc64.js';
import { startMinio } from '../test/helpers/minio-server.js';
import { awsPath, fcPath, MB } from './client.js';
import { compare, type Plan, type Target } from './compare.js';
import { measureListing } from './listing.js';
import { NAMES, printFigures, printTable, printTargets } from './report.js';
import { scriptOutput, startFloor, startMinistack, startMoto, startStrata, type Server } from './servers.js';
import { VERIFY_ENV, sigv4Headers } from './sign.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const baseline = args.find((a) => a.startsWith('--baseline='))?.split('=')[1];
/** `--flags="--v8-flag ..."`: one more column, this build run with these node flags. */
const flags = args.find((a) => a.startsWith('--flags='))?.slice('--flags='.length).split(' ').filter(Boolean);
const listSize = Number(args.find((a) => a.startsWith('--list-size='))?.split('=')[1] ?? (quick ? 1_000 : 10_000));
const plan: Plan = quick
  ? { rounds: 2, small: 10, medium: 2, large: 1, burst: 100, rssLayers: 5, warmup: 300 }
  : { rounds: 4, small: 25, medium: 5, large: 4, burst: 200, rssLayers: 20, warmup: 300 };
const log = (line: string) => console.error(`bench: ${line}`);

function hashRows(): string[][] {
  const rows: string[][] = [];
  const data = randomBytes(64 * 1024 * 1024);
  for (const chunk of [64 * 1024, 1024 * 1024]) {
    rows.push([`CRC-64/XZ throughput, ${chunk / 1024} KiB chunks`, `${measureCrc64Throughput(64 * 1024 * 1024, chunk).toFixed(0)} MB/s`]);
    const t0 = performance.now();
    const h = createHash('sha256');
    for (let o = 0; o < data.length; o += chunk) h.update(data.subarray(o, o + chunk));
    h.digest();
    rows.push([`SHA-256 throughput, ${chunk / 1024} KiB chunks`, `${(data.length / MB / ((performance.now() - t0) / 1000)).toFixed(0)} MB/s`]);
  }
  return rows;
}


async function main() {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const notRun = new Map<string, string>();
  const stops: (() => Promise<void>)[] = [];
  const targets: Target[] = [];
  const columns: string[] = [];
  const add = (t: Target) => {
    targets.push(t);
    columns.push(t.name);
  };
  const tryStart = async (name: string, start: () => Promise<Server>) => {
    try {
      const server = await start();
      stops.push(server.stop);
      return server;
    } catch (err) {
      notRun.set(name, (err as Error).message);
      columns.push(name);
      log(`${name} not run: ${(err as Error).message}`);
      return undefined;
    }
  };
  try {
    // The floor with Strata's default durability (no fsync), and with power's (the file and its directory synced).
    const floor = await tryStart(NAMES.floor, () => startFloor(NAMES.floor, 'process'));
    if (floor) add({ name: NAMES.floor, server: floor, path: awsPath, dialect: 'aws' });
    const floorPower = await tryStart(NAMES.floorPower, () => startFloor(NAMES.floorPower, 'power'));
    if (floorPower) add({ name: NAMES.floorPower, server: floorPower, path: awsPath, dialect: 'aws' });
    const strata = (await tryStart(NAMES.strata, () => startStrata(NAMES.strata)))!;
    add({ name: NAMES.strata, server: strata, path: awsPath, dialect: 'aws' });
    add({ name: NAMES.fc, server: strata, path: fcPath, dialect: 'fc', sharedProcess: true });
    // The default durability is process (README "Durability"); this column prices power's fsyncs.
    const power = await tryStart(NAMES.power, () => startStrata(NAMES.power, { STRATA_DURABILITY: 'power' }));
    if (power) add({ name: NAMES.power, server: power, path: awsPath, dialect: 'aws' });
    const verifying = await tryStart(NAMES.verify, () => startStrata(NAMES.verify, VERIFY_ENV));
    if (verifying) add({ name: NAMES.verify, server: verifying, path: awsPath, dialect: 'aws', sign: sigv4Headers });
    if (flags) {
      const flagged = await tryStart(NAMES.flagged, () => startStrata(NAMES.flagged, {}, flags));
      if (flagged) add({ name: NAMES.flagged, server: flagged, path: awsPath, dialect: 'aws' });
    }
    if (baseline) {
      const base = await tryStart(NAMES.baseline, () => startStrata(NAMES.baseline, {}, [], baseline));
      if (base) {
        add({ name: NAMES.baseline, server: base, path: awsPath, dialect: 'aws' });
        add({ name: NAMES.baselineFc, server: base, path: fcPath, dialect: 'fc', sharedProcess: true });
      }
    }
    // The MinIO server binary of scripts/minio.sh (built once, cached), or undefined without Go.
    const bin = scriptOutput('scripts/minio.sh');
    if (bin) {
      const minio = await startMinio(bin);
      stops.push(minio.stop);
      const s = await tryStart(NAMES.minio, () => startStrata(NAMES.minio, {
        STRATA_BLOB_BACKEND: 'minio', STRATA_MINIO_ENDPOINT: minio.endpoint,
        STRATA_MINIO_ACCESS_KEY: minio.accessKey, STRATA_MINIO_SECRET_KEY: minio.secretKey,
      }));
      if (s) add({ name: NAMES.minio, server: s, path: awsPath, dialect: 'aws' });
    } else {
      notRun.set(NAMES.minio, 'no MinIO server binary (scripts/minio.sh needs Go)');
      columns.push(NAMES.minio);
    }
    if (!args.includes('--no-peers')) {
      for (const [name, start] of [['moto', startMoto], ['ministack', startMinistack]] as const) {
        const s = await tryStart(name, start);
        if (s) add({ name: s.name, server: s, path: awsPath, dialect: 'aws' });
      }
    }
    log(`comparing ${targets.map((t) => t.name).join(', ')} in ${plan.rounds} alternating rounds`);
    const figures = await compare(targets, plan, log);
    for (const stop of stops.splice(0).reverse()) await stop();

    const listServer = await startStrata('Strata (listing)');
    stops.push(listServer.stop);
    const listing = await measureListing(listServer, listSize, quick ? 50 : 200, log);
    await listServer.stop();
    stops.length = 0;

    const title = `Strata benchmark, node ${process.version}, ${cpus().length} CPUs${quick ? ' (quick)' : ''}`;
    console.log(`\n${title}`);
    printFigures(figures, columns, notRun);
    printTable('Listing (Strata, filesystem backend)', ['measure', 'at 10', `at ${listSize}`], listing.map(([row, a, b]) => [row, a.toFixed(2), b.toFixed(2)]));
    printTargets(figures, targets.filter((t) => t.name.startsWith('moto') || t.name.startsWith('ministack')).map((t) => t.name), listing);
    printTable('Start-up: from the spawn to the first answer (ms)', ['server', 'ms'],
      targets.filter((t) => !t.sharedProcess).map((t) => [t.name, t.server.startupMs.toFixed(0)]));
    printTable('Hashing (one core)', ['measure', 'result'], hashRows());
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
