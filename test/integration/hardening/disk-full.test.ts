/**
 * A full disk: Strata's data directory on a 16 MB tmpfs. Publishing past the space left is answered with each
 * cloud's storage-exhausted error, leaves nothing half-written (no staged file, no blob without its row), and works
 * again once versions are deleted. Mounting a tmpfs needs root: without it this test says it did not run; CI runs
 * as root, and there it must run.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { errorOf, lambdaClient, publish, type SdkError } from '../../helpers/aws.js';
import { create23, fc23, type FC23Client } from '../../helpers/fc.js';
import { makeZip } from '../../helpers/zips.js';

let mount: string | undefined;
let why = '';
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'pipe' });
    mount = dir;
  } catch (err) {
    why = `cannot mount a tmpfs here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()}); it needs root`;
    await rm(dir, { recursive: true, force: true });
    if (process.env.CI) throw new Error(`the disk-full test must run in CI: ${why}`);
  }
});
afterAll(async () => {
  if (!mount) return;
  execFileSync('umount', [mount]);
  await rm(mount, { recursive: true, force: true });
});

/** An incompressible zip of about `mb` megabytes. */
const bigZip = (mb: number) => makeZip({ 'blob.bin': randomBytes(mb * 1024 * 1024) }, { compress: false });

describe(`a full disk (${BACKEND})`, () => {
  let t: TestApp, client: LambdaClient, c23: FC23Client;

  it('PublishLayerVersion: past the space left → CodeStorageExceededException; nothing half-written; works again after deletes', async (ctx) => {
    if (!mount) {
      console.warn(`*** the disk-full test did NOT run: ${why} ***`);
      return ctx.skip();
    }
    t = await startTestApp({}, mount);
    client = lambdaClient(t.url);
    c23 = fc23(t.url);
    try {
      const published: number[] = [];
      let refusal: SdkError | undefined;
      // Fill the disk with 3 MB versions (the fs backend keeps them on it); MinIO keeps blobs elsewhere, so a zip
      // larger than the whole disk then fills the staging area on either backend.
      for (let i = 0; i < 8 && !refusal; i++) {
        try {
          published.push((await publish(client, 'full', { Content: { ZipFile: await bigZip(3) } })).Version!);
        } catch (err) {
          refusal = err as SdkError;
        }
      }
      const large = published.length;
      if (BACKEND === 'fs') {
        // Small layers skip the staging area and are written straight to their blobs: what is left of the disk fills
        // with them, and the one that does not fit is refused whole too.
        let small: SdkError | undefined;
        for (let i = 0; i < 400 && !small; i++) {
          const zip = await makeZip({ 'small.bin': randomBytes(40 * 1024) }, { compress: false });
          try {
            published.push((await publish(client, 'full', { Content: { ZipFile: zip } })).Version!);
          } catch (err) {
            small = err as SdkError;
          }
        }
        expect(small?.name).toBe('CodeStorageExceededException');
      }
      refusal ??= await errorOf(publish(client, 'full', { Content: { ZipFile: await bigZip(20) } }));
      expect(refusal.name).toBe('CodeStorageExceededException');
      expect(refusal.$metadata.httpStatusCode).toBe(400);
      expect(refusal.message).toBe(
        "Your Amazon Web Services account has exceeded its maximum total code size. (Strata's data directory has no space left: delete layer versions or free disk space.)",
      );
      // The same through FC's SDK.
      const fcRefusal = await create23(c23, 'full', await bigZip(20)).then(() => undefined, (e: { code?: string; statusCode?: number }) => e);
      expect([fcRefusal?.code, fcRefusal?.statusCode]).toEqual(['LimitExceededError', 400]);

      // Nothing half-written: no staged upload left, and exactly one blob per acknowledged version.
      expect(await readdir(join(mount, 'staging'))).toEqual([]);
      expect(await t.listBlobKeys()).toHaveLength(published.length);

      // Deleting versions frees the space, and publishing works again.
      for (const v of published) await client.send(new DeleteLayerVersionCommand({ LayerName: 'full', VersionNumber: v }));
      const again = await publish(client, 'full', { Content: { ZipFile: await bigZip(3) } });
      // Refused publishes used no version number.
      expect(again.Version).toBe(published.length + 1);
      expect(await t.listBlobKeys()).toHaveLength(1);
      console.log(`disk full (${BACKEND}): ${large} versions of 3 MB and ${published.length - large} of 40 KB fitted on 16 MB; the next publish got ${refusal.name}; after deletes, publishing worked again`);
    } finally {
      client?.destroy();
      await t?.app.close();
    }
  }, 120_000);
});
