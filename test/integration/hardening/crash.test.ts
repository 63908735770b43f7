/**
 * Crash safety and the data-directory lock, with Strata as a real process: kill -9 at random moments under 32
 * concurrent publishers loses no acknowledged version, and a second process on the same data directory refuses
 * to start without disturbing the first. On whichever backend this project runs, in both durability modes: the
 * default (process, no fsync) in full, power (every file, directory and commit synced) in fewer rounds.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { BACKEND, METADATA, backendEnv, blobKeysOf, rowBlobKeys } from '../../helpers/app.js';
import { download, lambdaClient, listedVersions, publish, sha256Base64 } from '../../helpers/aws.js';
import { freePort, killHard, ready, spawnStrata, type StrataProcess } from '../../helpers/process.js';
import { makeZip } from '../../helpers/zips.js';

const ROUNDS = Number(process.env.STRATA_TEST_CRASH_ROUNDS ?? 6);
/** STRATA_DURABILITY and the kill -9 rounds it gets: power only adds syncs to what process does, so fewer. */
const MODES = [['process', ROUNDS], ['power', Math.max(2, Math.ceil(ROUNDS / 2))]] as const;
const PUBLISHERS = 32;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Acked {
  name: string;
  version: number;
  sha256: string;
  zip: Buffer;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-proc-'));
  dirs.push(dir);
  return dir;
}

/** Publishes from `PUBLISHERS` loops until `stop()` says so; records every version answered 201. */
function publishers(client: LambdaClient, round: number, acked: Acked[], stats: { attempted: number; failed: number }) {
  let stopped = false;
  const loops = Array.from({ length: PUBLISHERS }, async (_, w) => {
    while (!stopped) {
      const zip = await makeZip({ 'lib/data.txt': `${round}/${w}/${randomBytes(12).toString('hex')}` });
      const name = `crash-${w % 4}`;
      stats.attempted++;
      try {
        const out = await publish(client, name, { Content: { ZipFile: zip } });
        acked.push({ name, version: out.Version!, sha256: out.Content!.CodeSha256!, zip });
      } catch {
        stats.failed++;
        await sleep(20);
      }
    }
  });
  return async () => {
    stopped = true;
    await Promise.all(loops);
  };
}

describe.each(MODES)(`crash safety (${BACKEND}, ${METADATA}, STRATA_DURABILITY=%s)`, (durability, rounds) => {
  it(`PublishLayerVersion: kill -9 at random moments under ${PUBLISHERS} publishers loses no acknowledged version`, async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const env = { ...(await backendEnv()), STRATA_DURABILITY: durability };
    const acked: Acked[] = [];
    const stats = { attempted: 0, failed: 0 };
    for (let round = 0; round < rounds; round++) {
      const p = spawnStrata(dataDir, port, env);
      await ready(p);
      expect(p.output()).toContain(`STRATA_DURABILITY=${durability}`);
      const client = lambdaClient(p.url);
      const stop = publishers(client, round, acked, stats);
      await sleep(randomInt(300, 1500));
      await killHard(p);
      await stop();
      client.destroy();
    }

    const p = spawnStrata(dataDir, port, env);
    await ready(p);
    const client = lambdaClient(p.url);
    try {
      // No number was handed out twice.
      const ids = acked.map((a) => `${a.name}:${a.version}`);
      expect(new Set(ids).size).toBe(ids.length);
      // Every acknowledged version reads back with its checksum, and downloads its exact bytes.
      for (const a of acked) {
        const got = await client.send(new GetLayerVersionCommand({ LayerName: a.name, VersionNumber: a.version }));
        expect(got.Content!.CodeSha256, `${a.name}:${a.version}`).toBe(a.sha256);
        expect(a.sha256).toBe(sha256Base64(a.zip));
        const bytes = await download(got.Content!.Location!);
        expect(bytes.status).toBe(200);
        expect(bytes.body.equals(a.zip), `${a.name}:${a.version} bytes`).toBe(true);
      }
      let held = 0;
      for (const name of new Set(acked.map((a) => a.name))) {
        const versions = await listedVersions(client, name);
        held += versions.length;
        expect(new Set(versions).size).toBe(versions.length);
        for (const a of acked.filter((x) => x.name === name)) expect(versions).toContain(a.version);
      }
      // After a clean stop: every row has its blob, every blob its row, and nothing is left in staging.
      p.proc.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
      const rows = await rowBlobKeys(dataDir, env);
      const blobs = await blobKeysOf(loadConfig({ STRATA_DATA_DIR: dataDir, ...env }));
      // No row without its blob. With SQLite the start swept every orphan; with a shared PostgreSQL it sweeps only
      // blobs older than a publish can take (another replica may be committing), so this run's orphans remain.
      const orphans = blobs.filter((b) => !rows.includes(b));
      expect(rows.filter((r) => !blobs.includes(r))).toEqual([]);
      if (METADATA === 'sqlite') expect(orphans).toEqual([]);
      expect(await readdir(join(dataDir, 'staging'))).toEqual([]);
      console.log(
        `crash test (${BACKEND}, ${METADATA}, ${durability}): ${rounds} kill -9 rounds, ${stats.attempted} publishes attempted, ` +
          `${acked.length} acknowledged and all read back byte for byte, ${stats.failed} cut off by the kills, ` +
          `${held} versions held (acknowledged or committed just before a kill), ${rows.length} rows, every one with its ` +
          `blob, ${orphans.length} blobs without a row${METADATA === 'sqlite' ? '' : ' (left for the age-threshold sweep)'}`,
      );
      expect(acked.length).toBeGreaterThan(rounds);
    } finally {
      client.destroy();
      await killHard(p);
    }
  }, 240_000);
});

describe(`one owner per data directory (${BACKEND}, ${METADATA})`, () => {
  it('start: a second process on the same data directory refuses, names the holder, and the first loses nothing', async () => {
    const dataDir = await newDataDir();
    const env = await backendEnv();
    const first = spawnStrata(dataDir, await freePort(), env);
    let second: StrataProcess | undefined;
    try {
      await ready(first);
      const client = lambdaClient(first.url);
      const acked: Acked[] = [];
      const stats = { attempted: 0, failed: 0 };
      const stop = publishers(client, 0, acked, stats);
      await sleep(300);
      second = spawnStrata(dataDir, await freePort(), env);
      const { code } = await second.exited;
      await sleep(300);
      await stop();
      expect(code).toBe(3);
      const said = second.output();
      expect(said).toContain(`strata: cannot start: the data directory ${dataDir} is in use by another Strata (pid ${first.proc.pid} on `);
      expect(said).toContain(`listening on ${first.url})`);
      expect(said).toContain('give this one a data directory of its own: STRATA_DATA_DIR=<another directory> (or --data-dir <another directory>)');
      // The first kept serving: nothing failed, and everything it acknowledged reads back.
      expect(stats.failed).toBe(0);
      expect(acked.length).toBeGreaterThan(0);
      for (const a of acked) {
        const got = await client.send(new GetLayerVersionCommand({ LayerName: a.name, VersionNumber: a.version }));
        expect(got.Content!.CodeSha256).toBe(a.sha256);
        expect((await download(got.Content!.Location!)).body.equals(a.zip)).toBe(true);
      }
      client.destroy();
      console.log(`two processes (${BACKEND}, ${METADATA}): the second exited ${code}; the first acknowledged ${acked.length} publishes meanwhile, all intact`);
    } finally {
      await killHard(first);
      if (second) await killHard(second);
    }
  }, 120_000);

  it('start: after a kill -9 the next start takes the directory at once, with no manual step', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const env = await backendEnv();
    const p = spawnStrata(dataDir, port, env);
    await ready(p);
    await killHard(p);
    const next = spawnStrata(dataDir, port, env);
    try {
      await ready(next);
    } finally {
      await killHard(next);
    }
  }, 60_000);
});
