/**
 * A shared Strata: three replicas as real processes, each with a data directory (staging, lock) of its own, on one
 * PostgreSQL database and one MinIO bucket. A client that spreads its calls over them sees one Strata: numbers are
 * allocated once across replicas, a link from one downloads from another, one replica's kill -9 loses nothing
 * another acknowledged or it acknowledged itself, and replicas that start together migrate and seed once.
 * The `postgres` project only (vitest.config.ts): it needs both servers.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteLayerVersionCommand, GetLayerVersionByArnCommand, GetLayerVersionCommand } from '@aws-sdk/client-lambda';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { backendEnv, blobKeysOf } from '../../helpers/app.js';
import { ACCOUNT, download, lambdaClient, listedVersions, publish, sha256Base64 } from '../../helpers/aws.js';
import { freePort, killHard, ready, spawnStrata, type StrataProcess } from '../../helpers/process.js';
import { makeZip } from '../../helpers/zips.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dirs: string[] = [];
let running: StrataProcess[] = [];
afterEach(async () => {
  for (const p of running) await killHard(p);
  running = [];
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** `n` replicas on the stores `env` names, started together, each on a data directory of its own. */
async function replicas(n: number, env: Record<string, string>): Promise<StrataProcess[]> {
  const started: StrataProcess[] = [];
  for (let i = 0; i < n; i++) {
    const dir = await mkdtemp(join(tmpdir(), `strata-replica-${i}-`));
    dirs.push(dir);
    started.push(spawnStrata(dir, await freePort(), env));
  }
  running.push(...started);
  await Promise.all(started.map((p) => ready(p, 60_000)));
  return started;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('three replicas on one PostgreSQL and one MinIO bucket', () => {
  it('PublishLayerVersion: 32 concurrent publishes spread over 3 replicas get the numbers 1 to 32, never reused after a delete', async () => {
    const env = await backendEnv();
    const nodes = await replicas(3, env);
    const clients = nodes.map((p) => lambdaClient(p.url));
    try {
      const zips = await Promise.all(Array.from({ length: 32 }, (_, i) => makeZip({ 'n.txt': `publish ${i}` })));
      const outs = await Promise.all(zips.map((zip, i) => publish(clients[i % 3]!, 'shared-lib', { Content: { ZipFile: zip } })));
      const numbers = outs.map((o) => o.Version!).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
      // Every replica lists the same 32, and each version holds the bytes its publisher sent.
      for (const c of clients) expect((await listedVersions(c, 'shared-lib')).sort((a, b) => a - b)).toEqual(numbers);
      for (const [i, out] of outs.entries()) expect(out.Content!.CodeSha256).toBe(sha256Base64(zips[i]!));

      await clients[0]!.send(new DeleteLayerVersionCommand({ LayerName: 'shared-lib', VersionNumber: 32 }));
      const next = await publish(clients[2]!, 'shared-lib', { Content: { ZipFile: zips[0]! } });
      expect(next.Version).toBe(33);
    } finally {
      for (const c of clients) c.destroy();
    }
  });

  it('GetLayerVersion: a download link issued by one replica downloads from another', async () => {
    const env = await backendEnv();
    const [a, b, c] = await replicas(3, env);
    const [ca, cb] = [lambdaClient(a!.url), lambdaClient(b!.url)];
    try {
      const zip = await makeZip({ 'lib/x.txt': randomBytes(64).toString('hex') });
      const out = await publish(ca, 'linked', { Content: { ZipFile: zip } });
      const got = await cb.send(new GetLayerVersionByArnCommand({ Arn: out.LayerVersionArn! }));
      const location = new URL(got.Content!.Location!);
      expect(location.origin).toBe(b!.url);
      // The link b signed, fetched from a and from c: the secret is the team's, not the replica's.
      for (const other of [a!, c!]) {
        const there = new URL(location.pathname + location.search, other.url).toString();
        expect((await download(there)).body.equals(zip)).toBe(true);
      }
      // A link with a forged signature is refused by every replica alike.
      const forged = new URL(location.toString());
      const sig = [...forged.searchParams.keys()].find((k) => /signature/i.test(k))!;
      forged.searchParams.set(sig, '0'.repeat(forged.searchParams.get(sig)!.length));
      for (const other of [a!, c!]) {
        const res = await fetch(new URL(forged.pathname + forged.search, other.url));
        expect(res.status).toBe(403);
      }
    } finally {
      ca.destroy();
      cb.destroy();
    }
  });

  it('PublishLayerVersion: kill -9 of one replica during publishing loses no acknowledged version, and the others keep serving', async () => {
    const env = await backendEnv();
    const nodes = await replicas(3, env);
    const clients = nodes.map((p) => lambdaClient(p.url));
    const acked: { replica: number; name: string; version: number; sha256: string; zip: Buffer }[] = [];
    const failures = [0, 0, 0];
    let stopped = false;
    const loops = Array.from({ length: 24 }, async (_, w) => {
      const replica = w % 3;
      while (!stopped) {
        const zip = await makeZip({ 'lib/data.txt': `${w}/${randomBytes(12).toString('hex')}` });
        const name = `team-${w % 4}`;
        try {
          const out = await publish(clients[replica]!, name, { Content: { ZipFile: zip } });
          acked.push({ replica, name, version: out.Version!, sha256: out.Content!.CodeSha256!, zip });
        } catch {
          failures[replica]!++;
          if (replica === 0) await sleep(50);
        }
      }
    });
    try {
      await sleep(randomInt(800, 1500));
      await killHard(nodes[0]!);
      const afterKill = acked.length;
      await sleep(1500);
      stopped = true;
      await Promise.all(loops);

      // The survivors answered every publish sent to them, before and after the kill.
      expect(failures[1]).toBe(0);
      expect(failures[2]).toBe(0);
      expect(acked.length).toBeGreaterThan(afterKill);
      expect(acked.filter((a) => a.replica === 0).length).toBeGreaterThan(0);
      const ids = acked.map((a) => `${a.name}:${a.version}`);
      expect(new Set(ids).size).toBe(ids.length);
      // Every acknowledged version, the killed replica's included, reads back from a survivor with its bytes.
      for (const a of acked) {
        const got = await clients[1 + (a.version % 2)]!.send(new GetLayerVersionCommand({ LayerName: a.name, VersionNumber: a.version }));
        expect(got.Content!.CodeSha256).toBe(a.sha256);
      }
      console.log(
        `replicas: kill -9 of replica 1 of 3; acknowledged ${acked.filter((a) => a.replica === 0).length} (killed, ` +
        `${failures[0]} requests to it failed: in flight at the kill or sent after it), ${acked.filter((a) => a.replica === 1).length} and ${acked.filter((a) => a.replica === 2).length} ` +
        `(survivors, none failed), ${acked.length - afterKill} of them after the kill; all read back`,
      );
      for (const a of acked.filter((x) => x.replica === 0)) {
        const got = await clients[2]!.send(new GetLayerVersionCommand({ LayerName: a.name, VersionNumber: a.version }));
        expect((await download(got.Content!.Location!)).body.equals(a.zip)).toBe(true);
      }
    } finally {
      stopped = true;
      await Promise.all(loops);
      for (const c of clients) c.destroy();
    }
  });

  it('Start-up: replicas starting together migrate the database once, share one instance and apply a seed once', async () => {
    const seedDir = await mkdtemp(join(tmpdir(), 'strata-team-seed-'));
    dirs.push(seedDir);
    const zip = await makeZip({ 'python/team.py': 'TEAM = 1\n' });
    await writeFile(join(seedDir, 'team.zip'), zip);
    await writeFile(join(seedDir, 'seed.json'), JSON.stringify({
      layers: [{ cloud: 'aws', account: ACCOUNT, region: 'us-east-1', name: 'team-base', version: 4, zip: 'team.zip' }],
    }));
    const env: Record<string, string> = { ...(await backendEnv()), STRATA_SEED: join(seedDir, 'seed.json') };
    const nodes = await replicas(3, env);

    expect(await query(env.STRATA_METADATA_URL!, 'SELECT version FROM strata_schema')).toEqual([{ version: 1 }]);
    expect(await query(env.STRATA_METADATA_URL!, "SELECT count(*)::int AS n FROM settings WHERE key = 'instance-id'")).toEqual([{ n: 1 }]);
    const client = lambdaClient(nodes[1]!.url);
    try {
      expect(await listedVersions(client, 'team-base')).toEqual([4]);
      const next = await publish(client, 'team-base', { Content: { ZipFile: zip } });
      expect(next.Version).toBe(5);
      // One blob for each version: the replicas that lost the race for the seeded number kept nothing.
      const rows = await query<{ blob_key: string }>(env.STRATA_METADATA_URL!, 'SELECT blob_key FROM layer_versions');
      const blobs = await blobKeysOf(loadConfig({ ...env, STRATA_DATA_DIR: seedDir }));
      expect(rows).toHaveLength(2);
      expect(blobs.sort()).toEqual(rows.map((r) => r.blob_key).sort());
      for (const p of nodes) {
        const health = (await (await fetch(`${p.url}/_strata/health`)).json()) as Record<string, unknown>;
        expect(health).toMatchObject({ status: 'ok', metadata: { type: 'postgres', reachable: true } });
      }
    } finally {
      client.destroy();
    }
  });
});
