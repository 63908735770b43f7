/**
 * `npm run bench` (after bench/run.ts), or `npx tsx bench/opt.ts`: how long a merged /opt of five layers of 20 MB
 * takes, as users run it: GET /_strata/opt streamed to nowhere, `strata opt --url` (a process of its own, start-up
 * included) and `strata opt --data-dir` (Strata stopped). Each layer holds 40 files of 500 kB of random bytes, half of
 * them at paths the other layers have too, so the overlay has work to do. Not a test: the figures depend on the machine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { startStrata } from './servers.js';

const LAYERS = 5;
const FILES = 40;
const FILE_BYTES = 500_000;
const RUNS = 5;

async function layerZip(layer: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (let i = 0; i < FILES; i++) {
    const path = i % 2 === 0 ? `python/shared/f${i}.bin` : `python/layer${layer}/f${i}.bin`;
    zip.addBuffer(randomBytes(FILE_BYTES), path, { compress: false });
  }
  zip.end();
  const parts: Buffer[] = [];
  for await (const part of zip.outputStream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

/** Wall time and peak RSS (GNU time's %M) of one `strata opt` run; throws unless it exits 0. */
function timedOpt(args: string[]): { ms: number; rssMiB: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, 'bin/strata.js', 'opt', ...args], { encoding: 'utf8' });
  const took = ms(start);
  if (r.status !== 0) throw new Error(`strata opt failed: ${r.stderr}`);
  return { ms: took, rssMiB: Number(r.stderr.trim().split('\n').pop()) / 1024 };
}

async function main() {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const work = await mkdtemp(join(tmpdir(), 'strata-bench-opt-'));
  const dataDir = join(work, 'data');
  // The data directory is the bench's, not the server's temporary one: --data-dir reads it once Strata has stopped.
  const server = await startStrata('Strata', { STRATA_DATA_DIR: dataDir });
  const url = `http://127.0.0.1:${server.port}`;
  let stopped = false;
  const rows: [string, string][] = [];
  try {
    const arns: string[] = [];
    for (let i = 0; i < LAYERS; i++) {
      const zip = await layerZip(i);
      const res = await fetch(`${url}/2018-10-31/layers/bench-opt-${i}/versions`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Content: { ZipFile: zip.toString('base64') } }),
      });
      if (res.status !== 201) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
      arns.push(((await res.json()) as { LayerVersionArn: string }).LayerVersionArn);
      if (i === 0) rows.push(['layers', `${LAYERS} zips of ${(zip.length / 1e6).toFixed(1)} MB (${FILES} stored files of ${FILE_BYTES / 1000} kB)`]);
    }
    const query = arns.map((a) => `arn=${encodeURIComponent(a)}`).join('&');

    const served: number[] = [];
    let bytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const start = process.hrtime.bigint();
      const res = await fetch(`${url}/_strata/opt?${query}`);
      bytes = 0;
      for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
      served.push(ms(start));
    }
    rows.push([`GET /_strata/opt, the merged zip (${(bytes / 1e6).toFixed(1)} MB) read to its end`, summary(served)]);

    const viaUrl = Array.from({ length: RUNS }, (_, run) => timedOpt(['--url', url, '--arn', arns.join(','), '--into', join(work, `url-${run}`)]));
    rows.push(['strata opt --url (process start-up included)', summary(viaUrl.map((r) => r.ms))]);
    rows.push(['strata opt --url, peak RSS', `${Math.max(...viaUrl.map((r) => r.rssMiB)).toFixed(0)} MiB`]);

    await server.stop();
    stopped = true;
    const viaDir = Array.from({ length: RUNS }, (_, run) => timedOpt(['--data-dir', dataDir, '--arn', arns.join(','), '--into', join(work, `dir-${run}`)]));
    rows.push(['strata opt --data-dir (Strata stopped; start-up included)', summary(viaDir.map((r) => r.ms))]);
    rows.push(['strata opt --data-dir, peak RSS', `${Math.max(...viaDir.map((r) => r.rssMiB)).toFixed(0)} MiB`]);
  } finally {
    if (!stopped) await server.stop();
    await rm(work, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map(([m]) => m.length));
  console.log(`\nMerged /opt, five layers of 20 MB: node ${process.version}, ${cpus().length} CPUs, ${RUNS} runs each\n`);
  for (const [measure, result] of rows) console.log(`| ${measure.padEnd(width)} | ${result} |`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
