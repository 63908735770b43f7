/**
 * Where a published zip is kept. With SQLite metadata and the filesystem backend, a zip of up to 64 KiB stays in the
 * SQLite file beside its version (written in the version's own transaction: no file is created); larger ones, and
 * every zip with MinIO or PostgreSQL, are blobs. Either way the zip downloads byte for byte and goes with its version.
 */
import { DeleteLayerVersionCommand, GetLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, METADATA, inlineBlobKeys, type TestApp } from '../../helpers/app.js';
import {
  expectAwsError, expectNoResidue, lambdaClient, publish, rawRequest, startAwsApp, stopAwsApp, uniqueName,
} from '../../helpers/aws.js';
import { makeZip, zipWithBadCrc } from '../../helpers/zips.js';

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

  // With MinIO such a zip is sent in parts of 5 MiB while it arrives (a multipart upload), completed after its check.
  it('PublishLayerVersion: a zip of 12 MB is one blob and downloads byte for byte', async () => {
    const name = uniqueName();
    const zip = await makeZip({ 'big.bin': randomBytes(12_000_000) }, { compress: false });
    const out = await publish(client, name, { Content: { ZipFile: zip } });
    expect(out.Content!.CodeSize).toBe(zip.length);
    const key = keyOf(out.Content!.Location!);
    const blobs = await t.listBlobKeys();
    expect(blobs).toContain(key);
    expect(blobs.filter((k) => k.startsWith('upload:'))).toEqual([]);
    expect((await download(out.Content!.Location!)).equals(zip)).toBe(true);
  });

  it.skipIf(BACKEND !== 'minio')('PublishLayerVersion: with MinIO, a large zip\'s first parts are in MinIO before its body has all arrived', async () => {
    const zip = await makeZip({ 'big.bin': randomBytes(12_000_000) }, { compress: false });
    const body = Buffer.from(JSON.stringify({ Content: { ZipFile: zip.toString('base64') } }));
    const blobsBefore = await t.listBlobKeys();
    let seenMidway: string[] = [];
    const held = {
      bytes: body,
      async *[Symbol.asyncIterator]() {
        const midway = Math.floor(body.length * 0.8); // past two whole parts of 5 MiB
        for (let at = 0; at < midway; at += 65_536) yield body.subarray(at, Math.min(at + 65_536, midway));
        // The rest is held back until MinIO shows an upload (or 10 s pass).
        for (let waited = 0; waited < 10_000 && seenMidway.length === 0; waited += 50) {
          await new Promise((r) => setTimeout(r, 50));
          seenMidway = (await t.listBlobKeys()).filter((k) => k.startsWith('upload:') && !blobsBefore.includes(k));
        }
        yield body.subarray(midway);
      },
    };
    const res = await rawRequest(t.url, `/2018-10-31/layers/${uniqueName()}/versions`, { method: 'POST', body: held });
    expect(res.status).toBe(201);
    expect(seenMidway).toHaveLength(1);
    const key = seenMidway[0]!.slice('upload:'.length);
    // The upload became the version's blob.
    expect(keyOf(JSON.parse(res.bytes.toString()).Content.Location)).toBe(key);
    expect(await t.listBlobKeys()).toContain(key);
  });

  it('PublishLayerVersion: a zip of 12 MB refused at its last byte (a wrong CRC-32) leaves no blob and no upload', async () => {
    const blobsBefore = await t.listBlobKeys();
    const zip = await zipWithBadCrc(12_000_000);
    await expectAwsError(publish(client, uniqueName(), { Content: { ZipFile: zip } }), {
      status: 400, code: 'InvalidParameterValueException',
      message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
    await expectNoResidue(t, blobsBefore);
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
