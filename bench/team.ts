/**
 * `npm run bench:team` (and the end of `npm run bench`): Strata as a team runs it, metadata in PostgreSQL and
 * blobs in MinIO, with one replica and with three behind a client that spreads its requests over them, beside
 * the embedded default (SQLite and files) and one Strata on MinIO with SQLite. PostgreSQL runs with fsync and
 * synchronous commits on, as a deployment would. Publish latency (1 KB, 5 MB) and 1 KB throughput with 8 in
 * flight, in alternating rounds. Not a test: the figures depend on the machine.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startMinio } from '../test/helpers/minio-server.js';
import { createDatabase, startPostgres } from '../test/helpers/postgres-server.js';
import { MB, awsPath, bodiesOf, median, publish, zipOf } from './client.js';
import { printTable } from './report.js';
import { scriptOutput, startStrata, type Server } from './servers.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 4;
const SMALL = quick ? 10 : 25;
const MEDIUM = quick ? 2 : 5;
const BURST = quick ? 100 : 200;
const log = (line: string) => console.error(`bench team: ${line}`);

interface Column {
  name: string;
  ports: number[];
}

/** `count` publishes, 8 at a time, each worker on a replica of its own (round robin); publishes per second. */
async function spread(ports: number[], body: Buffer, count: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: 8 }, async (_, w) => {
    const port = ports[w % ports.length]!;
    while (next++ < count) await publish(port, awsPath(`burst-${w % 4}`), body);
  }));
  return count / ((performance.now() - start) / 1000);
}

async function main() {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const minioBin = scriptOutput('scripts/minio.sh');
  const pgBin = scriptOutput('scripts/postgres.sh');
  if (!minioBin || !pgBin) {
    console.log(`\nTeam benchmark not run: ${!minioBin ? 'no MinIO server binary (scripts/minio.sh)' : 'no PostgreSQL (scripts/postgres.sh)'}`);
    return;
  }
  const stops: (() => Promise<void>)[] = [];
  try {
    const minio = await startMinio(minioBin);
    stops.push(minio.stop);
    const pg = await startPostgres(pgBin, { durable: true });
    stops.push(pg.stop);
    const minioEnv = (bucket: string) => ({
      STRATA_BLOB_BACKEND: 'minio', STRATA_MINIO_ENDPOINT: minio.endpoint, STRATA_MINIO_ACCESS_KEY: minio.accessKey,
      STRATA_MINIO_SECRET_KEY: minio.secretKey, STRATA_MINIO_BUCKET: bucket,
    });
    const started = async (name: string, env: Record<string, string>, n = 1): Promise<Column> => {
      const servers: Server[] = [];
      for (let i = 0; i < n; i++) servers.push(await startStrata(`${name} #${i + 1}`, env));
      stops.push(...servers.map((s) => s.stop));
      return { name, ports: servers.map((s) => s.port) };
    };
    const db = async () => createDatabase(pg.adminUrl, `bench_${randomBytes(4).toString('hex')}`);
    const columns = [
      await started('SQLite + files (default)', {}),
      await started('SQLite + MinIO', minioEnv('bench-sqlite')),
      await started('PostgreSQL + MinIO, 1 replica', { ...minioEnv('bench-pg1'), STRATA_METADATA_URL: await db() }),
      await started('PostgreSQL + MinIO, 3 replicas', { ...minioEnv('bench-pg3'), STRATA_METADATA_URL: await db() }, 3),
    ];
    const small = bodiesOf(await zipOf(1024)).aws;
    const medium = bodiesOf(await zipOf(5 * MB)).aws;
    const lat = new Map(columns.map((c) => [c.name, { small: [] as number[], medium: [] as number[], burst: [] as number[] }]));
    for (const c of columns) for (let i = 0; i < 3; i++) await publish(c.ports[0]!, awsPath('warm'), small);
    for (let round = 0; round < ROUNDS; round++) {
      log(`round ${round + 1} of ${ROUNDS}`);
      for (const c of columns) {
        const m = lat.get(c.name)!;
        for (let i = 0; i < SMALL; i++) m.small.push(await publish(c.ports[i % c.ports.length]!, awsPath('small'), small));
        for (let i = 0; i < MEDIUM; i++) m.medium.push(await publish(c.ports[i % c.ports.length]!, awsPath('medium'), medium));
        m.burst.push(await spread(c.ports, small, BURST));
      }
    }
    printTable('Team: metadata in PostgreSQL (fsync on), blobs in MinIO; one and three replicas', ['measure', ...columns.map((c) => c.name)], [
      ['1 KB publish, median (ms)', ...columns.map((c) => median(lat.get(c.name)!.small).toFixed(1))],
      ['5 MB publish, median (ms)', ...columns.map((c) => median(lat.get(c.name)!.medium).toFixed(1))],
      ['1 KB publishes/s, 8 in flight (median of rounds)', ...columns.map((c) => median(lat.get(c.name)!.burst).toFixed(0))],
    ]);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
