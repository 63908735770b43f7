/**
 * Where a published zip is kept. With SQLite metadata and the filesystem backend, a zip of up to 64 KiB stays in the
 * SQLite file beside its version (written in the version's own transaction: no file is created); larger ones, and
 * every zip with MinIO or PostgreSQL, are blobs. Either way the zip downloads byte for byte and goes with its version.
 */
import { DeleteLayerVersionCommand, GetLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, METADATA, inlineBlobKeys, type TestApp } from '../../helpers/app.js';
import { lambdaClient, publish, startAwsApp, stopAwsApp, uniqueName } from '../../helpers/aws.js';
import { makeZip } from '../../helpers/zips.js';

let t: TestApp;
let client: LambdaClient;
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client));

/** The key a version's download link names (…/<key>?X-Strata-Expires…). */
const keyOf = (location: string) => new URL(location).pathname.split('/').pop()!;

async function download(location: string): Promise<Buffer> {
  const res = await fetch(location);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('where zips are kept', () => {
  it(`PublishLayerVersion: a zip of up to 64 KiB is kept ${METADATA === 'sqlite' && BACKEND === 'fs' ? 'beside its version' : 'as a blob'}, downloads byte for byte and goes with it`, async () => {
    const name = uniqueName();
    // A stored entry of 60,000 random bytes: the zip is just under 64 KiB.
    const zip = await makeZip({ 'small.bin': randomBytes(60_000) }, { compress: false });
    expect(zip.length).toBeLessThanOrEqual(65_536);
    const out = await publish(client, name, { Content: { ZipFile: zip } });
    const key = keyOf(out.Content!.Location!);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const blobs = await t.listBlobKeys();
    expect(blobs).toContain(key);
    expect(inlineBlobKeys(t.dataDir).includes(key)).toBe(METADATA === 'sqlite' && BACKEND === 'fs');
    expect((await download(out.Content!.Location!)).equals(zip)).toBe(true);
    const again = await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    expect((await download(again.Content!.Location!)).equals(zip)).toBe(true);

    await client.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    expect(await t.listBlobKeys()).not.toContain(key);
    expect(inlineBlobKeys(t.dataDir)).not.toContain(key);
  });

  it('PublishLayerVersion: a zip over 64 KiB is a blob of the blob store', async () => {
    const name = uniqueName();
    const zip = await makeZip({ 'large.bin': randomBytes(70_000) }, { compress: false });
    const out = await publish(client, name, { Content: { ZipFile: zip } });
    const key = keyOf(out.Content!.Location!);
    expect(await t.listBlobKeys()).toContain(key);
    expect(inlineBlobKeys(t.dataDir)).not.toContain(key);
    expect((await download(out.Content!.Location!)).equals(zip)).toBe(true);
    await client.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    expect(await t.listBlobKeys()).not.toContain(key);
  });

  it('PublishLayerVersion: small zips kept beside their versions survive a restart', async () => {
    const name = uniqueName();
    const zip = await makeZip({ 'a.txt': 'kept across restarts' });
    const out = await publish(client, name, { Content: { ZipFile: zip } });
    client.destroy();
    t = await t.restart();
    client = lambdaClient(t.url);
    const read = await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    expect(read.Content!.CodeSha256).toBe(out.Content!.CodeSha256);
    expect((await download(read.Content!.Location!)).equals(zip)).toBe(true);
  });
});
