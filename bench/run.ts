/**
 * `npm run bench`: measures a built Strata in its own process on this machine and prints a table.
 * Not a test: numbers depend on the machine. Layers are zips of random (incompressible) bytes, sent as raw
 * PublishLayerVersion requests with pre-encoded bodies so the client's own base64 work is not timed. The
 * `STRATA_AUTH=verify` column runs the filesystem backend with SigV4 verification on; the client signs each request
 * before its clock starts, so the difference is the server's verification (hashing the body as it streams, the HMACs).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { amzDate, canonicalRequest, signatureOf, stringToSign } from '../src/auth/sigv4.js';
import { measureCrc64Throughput } from '../src/codec/crc64.js';
import { startMinio } from '../test/helpers/minio-server.js';

const MB = 1_000_000;

async function zipOf(size: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(randomBytes(size), 'layer/data.bin', { compress: false });
  zip.end();
  const parts: Buffer[] = [];
  for await (const chunk of zip.outputStream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function publishBody(zip: Buffer): Buffer {
  return Buffer.from(JSON.stringify({ Content: { ZipFile: zip.toString('base64') }, CompatibleRuntimes: ['nodejs20.x'] }));
}

/** With STRATA_AUTH=verify, the bench signs as this key (SigV4, computed before the clock starts). */
const BENCH_KEY = { id: 'AKIDBENCH', secret: 'bench-secret', account: '111122223333' };
const VERIFY_ENV = { STRATA_AUTH: 'verify', STRATA_CREDENTIALS: `aws:${BENCH_KEY.id}:${BENCH_KEY.secret}:${BENCH_KEY.account}` };

function sigv4For(port: number, path: string, body: Buffer): Record<string, string> {
  const date = amzDate(Date.now());
  const scope = `${date.slice(0, 8)}/us-east-1/lambda/aws4_request`;
  const headers = { 'content-type': 'application/json', host: `127.0.0.1:${port}`, 'x-amz-date': date };
  const parts = { method: 'POST', rawPath: path, rawQuery: '', headers: new Map(Object.entries(headers).map(([k, v]) => [k, [v]])) };
  const signed = ['content-type', 'host', 'x-amz-date'];
  const creq = canonicalRequest(parts, signed, createHash('sha256').update(body).digest('hex'));
  const signature = signatureOf(BENCH_KEY.secret, scope, stringToSign(date, scope, creq));
  return { 'x-amz-date': date, authorization: `AWS4-HMAC-SHA256 Credential=${BENCH_KEY.id}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}` };
}

let signing = false;

function post(port: number, path: string, body: Buffer): Promise<{ status: number; ms: number }> {
  const auth = signing ? sigv4For(port, path, body) : {};
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, ...auth } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function publishOk(port: number, layer: string, body: Buffer): Promise<number> {
  const { status, ms } = await post(port, `/2018-10-31/layers/${layer}/versions`, body);
  if (status !== 201) throw new Error(`publish answered ${status}`);
  return ms;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

function peakRssMiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmHWM:\s+(\d+)/.exec(s)![1]) / 1024);
}

async function startServer(dataDir: string, port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/server.js'], {
    env: { ...process.env, STRATA_DATA_DIR: dataDir, STRATA_PORT: String(port), STRATA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/_strata/health`);
      if (res.ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('Strata did not start');
}

type Row = [measure: string, result: string];

/** Publish latency, throughput and memory of one Strata process on one blob backend. */
async function measureBackend(env: Record<string, string>): Promise<Row[]> {
  const rows: Row[] = [];
  const port = 20000 + Math.floor(Math.random() * 20000);
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-bench-'));
  const server = await startServer(dataDir, port, env);
  try {
    for (const [label, size, runs] of [['1 KB', 1_000, 50], ['5 MB', 5 * MB, 20], ['50 MB', 50 * MB, 8]] as const) {
      const body = publishBody(await zipOf(size));
      await publishOk(port, `warm-${size}`, body);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await publishOk(port, `lat-${size}`, body));
      rows.push([`publish latency, ${label} layer (${runs} runs)`, `median ${quantile(times, 0.5).toFixed(1)} ms, p90 ${quantile(times, 0.9).toFixed(1)} ms`]);
    }

    const small = publishBody(await zipOf(1_000));
    const total = 800;
    let next = 0;
    const start = performance.now();
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next++ < total) await publishOk(port, 'concurrent', small);
    }));
    rows.push([`publishes per second, 1 KB layers, 8 in flight (${total})`, `${(total / ((performance.now() - start) / 1000)).toFixed(0)} /s`]);

    const big = publishBody(await zipOf(20 * MB));
    for (let i = 0; i < 20; i++) await publishOk(port, `rss-${i}`, big);
    rows.push(['server peak RSS after 20 layers of 20 MB', `${(await peakRssMiB(server.pid!)).toFixed(0)} MiB`]);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

function hashRows(): Row[] {
  const rows: Row[] = [];
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

/** The MinIO server binary of scripts/minio.sh (built once, cached), or undefined without Go. */
function minioBinary(): string | undefined {
  try {
    return execFileSync('bash', ['scripts/minio.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch {
    return undefined;
  }
}

function printTable(title: string, header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

async function main() {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const fs = await measureBackend({});
  signing = true;
  const verified = await measureBackend(VERIFY_ENV);
  signing = false;
  const bin = minioBinary();
  let minio: Row[] | undefined;
  if (bin) {
    const server = await startMinio(bin);
    try {
      minio = await measureBackend({
        STRATA_BLOB_BACKEND: 'minio', STRATA_MINIO_ENDPOINT: server.endpoint,
        STRATA_MINIO_ACCESS_KEY: server.accessKey, STRATA_MINIO_SECRET_KEY: server.secretKey,
      });
    } finally {
      await server.stop();
    }
  } else {
    console.warn('bench: no MinIO server binary (scripts/minio.sh needs Go): the MinIO column is empty');
  }
  printTable(
    `Strata benchmark, node ${process.version}, ${cpus().length} CPUs`,
    ['measure', 'filesystem backend', 'filesystem, STRATA_AUTH=verify', 'MinIO backend'],
    fs.map(([measure, result], i) => [measure, result, verified[i]?.[1] ?? 'not run', minio?.[i]?.[1] ?? 'not run']),
  );
  printTable('Hashing (one core)', ['measure', 'result'], hashRows());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
