/**
 * The team set-up's load balancer for real: nginx with deploy/team-nginx.conf (the file docker compose mounts; only
 * its upstream addresses and its port are changed for loopback) in front of two Strata replicas on one PostgreSQL
 * and one MinIO bucket. The SDKs talk to nginx only: requests reach both replicas, large bodies stream through,
 * download links carry nginx's address and work from there, and a replica killed with kill -9 costs no request
 * after it. nginx comes from scripts/nginx.sh (run by the test set-up). The `postgres` project only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendEnv } from '../../helpers/app.js';
import { download, lambdaClient, publish, sha256Base64 } from '../../helpers/aws.js';
import { create23, fc23, uniqueName } from '../../helpers/fc.js';
import { stopProcess } from '../../helpers/minio-server.js';
import { freePort, killHard, ready, spawnStrata, type StrataProcess } from '../../helpers/process.js';
import { makeZip } from '../../helpers/zips.js';

const nginxBin = existsSync('.cache/nginx-bin') ? readFileSync('.cache/nginx-bin', 'utf8').trim() : '';
const haveNginx = nginxBin !== '' && existsSync(nginxBin);
if (!haveNginx) {
  const why = 'no nginx (run scripts/nginx.sh)';
  if (process.env.CI) throw new Error(`the load-balancer test cannot run: ${why}`);
  console.warn(`\n*** The load-balancer test of the team set-up will NOT run: ${why}. ***\n`);
}

/** Requests a replica answered for one operation, read from its own metrics. */
async function served(p: StrataProcess, operation: string): Promise<number> {
  const text = await (await fetch(`${p.url}/_strata/metrics`)).text();
  return [...text.matchAll(/^strata_requests_total\{([^}]*)\} (\d+)$/gm)]
    .filter(([, labels]) => labels!.includes(`operation="${operation}"`))
    .reduce((sum, [, , n]) => sum + Number(n), 0);
}

describe.skipIf(!haveNginx)('nginx in front of two replicas (deploy/team-nginx.conf)', () => {
  const dirs: string[] = [];
  let replicas: StrataProcess[] = [];
  let nginx: ChildProcess;
  let lb: string;
  let client: LambdaClient;

  beforeAll(async () => {
    const env = await backendEnv();
    for (let i = 0; i < 2; i++) {
      const dir = await mkdtemp(join(tmpdir(), `strata-lb-${i}-`));
      dirs.push(dir);
      replicas.push(spawnStrata(dir, await freePort(), env));
    }
    await Promise.all(replicas.map((p) => ready(p, 60_000)));

    const prefix = await mkdtemp(join(tmpdir(), 'strata-nginx-'));
    dirs.push(prefix);
    await mkdir(join(prefix, 'logs'));
    const port = await freePort();
    lb = `http://127.0.0.1:${port}`;
    const ports = replicas.map((p) => new URL(p.url).port);
    const site = readFileSync('deploy/team-nginx.conf', 'utf8')
      .replace('server strata-a:4588', `server 127.0.0.1:${ports[0]}`)
      .replace('server strata-b:4588', `server 127.0.0.1:${ports[1]}`)
      .replace(/^(\s*)listen 4588;$/m, `$1listen 127.0.0.1:${port};`);
    expect(site).not.toMatch(/strata-[ab]:|listen 4588;/);
    await writeFile(join(prefix, 'site.conf'), site);
    // What the nginx image's own nginx.conf provides around conf.d/, for a server run by this test.
    await writeFile(join(prefix, 'nginx.conf'), [
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      'daemon off;', 'worker_processes 1;', `pid ${prefix}/nginx.pid;`, `error_log ${prefix}/logs/error.log warn;`,
      'events { worker_connections 256; }',
      'http {', '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${prefix}/${t};`),
      `  include ${prefix}/site.conf;`, '}', '',
    ].join('\n'));
    nginx = spawn(nginxBin, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    nginx.stderr!.on('data', (d) => (stderr += String(d)));
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (nginx.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
      if ((await fetch(`${lb}/_strata/health`).then((r) => r.status, () => 0)) === 200) break;
      if (Date.now() > deadline) throw new Error(`nginx did not answer: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    client = lambdaClient(lb);
  });

  afterAll(async () => {
    client?.destroy();
    if (nginx) await stopProcess(nginx);
    for (const p of replicas) await killHard(p);
    replicas = [];
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('PublishLayerVersion: through nginx, publishes reach both replicas and every link nginx hands out downloads through it', async () => {
    const zips = await Promise.all(Array.from({ length: 12 }, (_, i) => makeZip({ 'n.txt': `lb ${i}` })));
    const outs = [];
    for (const zip of zips) outs.push(await publish(client, 'behind-lb', { Content: { ZipFile: zip } }));
    expect(outs.map((o) => o.Version)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const counts = await Promise.all(replicas.map((p) => served(p, 'PublishLayerVersion')));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    for (const n of counts) expect(n).toBeGreaterThan(0);
    for (const [i, out] of outs.entries()) {
      const got = await client.send(new GetLayerVersionCommand({ LayerName: 'behind-lb', VersionNumber: out.Version! }));
      expect(new URL(got.Content!.Location!).origin).toBe(lb);
      const body = await download(got.Content!.Location!);
      expect(body.status).toBe(200);
      expect(body.body.equals(zips[i]!)).toBe(true);
    }
  });

  it('PublishLayerVersion: a 40 MB zip streams through nginx, and its limit is still the cloud\'s own error, not nginx\'s', async () => {
    const big = await makeZip({ 'blob.bin': Buffer.alloc(40 * 1024 * 1024, 7) }, { compress: false });
    const out = await publish(client, 'big-behind-lb', { Content: { ZipFile: big } });
    expect(out.Content!.CodeSha256).toBe(sha256Base64(big));
    expect(out.Content!.CodeSize).toBe(big.length);
    // Over AWS's 50 MB inline limit: Lambda's RequestEntityTooLargeException in JSON, from Strata behind nginx.
    const tooBig = await makeZip({ 'blob.bin': Buffer.alloc(52 * 1024 * 1024, 9) }, { compress: false });
    const err = await publish(client, 'big-behind-lb', { Content: { ZipFile: tooBig } }).catch((e: Error & { $metadata?: { httpStatusCode?: number } }) => e);
    expect((err as Error).name).toBe('RequestEntityTooLargeException');
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(413);
  });

  it('CreateLayerVersion (2023-03-30): the FC SDK through nginx publishes and reads back', async () => {
    const fc = fc23(lb);
    const name = uniqueName('lb');
    const zip = await makeZip({ 'index.js': 'exports.x = 1;\n' });
    const created = await create23(fc, name, zip);
    expect(created.body!.version).toBe(1);
    const got = await fc.getLayerVersion(name, '1');
    expect(got.body!.codeSize).toBe(zip.length);
    expect(new URL(got.body!.code!.location!).origin).toBe(lb);
  });

  it('GetLayerVersion / PublishLayerVersion: after kill -9 of one replica, nginx sends every request to the other and none fails', async () => {
    const zip = await makeZip({ 'after.txt': 'after the kill' });
    const before = await publish(client, 'survives', { Content: { ZipFile: zip } });
    await killHard(replicas[0]!);
    for (let i = 0; i < 10; i++) {
      const got = await client.send(new GetLayerVersionCommand({ LayerName: 'survives', VersionNumber: before.Version! }));
      expect(got.Content!.CodeSha256).toBe(before.Content!.CodeSha256);
      const next = await publish(client, 'survives', { Content: { ZipFile: zip } });
      expect(next.Version).toBe(before.Version! + 1 + i);
    }
  });
});
