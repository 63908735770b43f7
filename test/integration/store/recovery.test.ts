/** Blob and metadata stay consistent across crashes and outages, on whichever backend this project runs. */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetLayerVersionCommand, LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { makeZip } from '../../helpers/zips.js';

const lambda = (url: string) =>
  new LambdaClient({ endpoint: url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe(`recovery (${BACKEND})`, () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('start: a blob left without metadata by a crash is swept; committed blobs stay', async () => {
    t = await startTestApp();
    const out = await lambda(t.url).send(new PublishLayerVersionCommand({ LayerName: 'kept', Content: { ZipFile: await makeZip({ 'a.txt': 'a' }) } }));
    // What a crash between "blob written" and "metadata committed" leaves behind.
    const stray = join(t.dataDir, 'stray');
    const bytes = randomBytes(100);
    await writeFile(stray, bytes);
    const orphan = await t.app.blobBackend.store.adopt(stray, { sha256: createHash('sha256').update(bytes).digest(), crc64: '0', size: 100 });
    expect(await t.listBlobKeys()).toContain(orphan);
    t = await t.restart();
    const keys = await t.listBlobKeys();
    expect(keys).not.toContain(orphan);
    expect(keys).toHaveLength(1);
    const got = await lambda(t.url).send(new GetLayerVersionCommand({ LayerName: 'kept', VersionNumber: 1 }));
    expect(got.Content?.CodeSha256).toBe(out.Content?.CodeSha256);
  });

  it('health: an unreachable MinIO is reported at start and by /_strata/health, and publishes fail cleanly', async () => {
    const endpoint = `http://127.0.0.1:${await deadPort()}`;
    t = await startTestApp({ STRATA_BLOB_BACKEND: 'minio', STRATA_MINIO_ENDPOINT: endpoint });
    const health = await fetch(`${t.url}/_strata/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      status: 'degraded',
      blobBackend: { type: 'minio', endpoint, reachable: false, error: expect.stringMatching(/ECONNREFUSED/) },
    });
    const err = (await lambda(t.url)
      .send(new PublishLayerVersionCommand({ LayerName: 'down', Content: { ZipFile: await makeZip({ 'a.txt': 'a' }) } }))
      .catch((e: unknown) => e)) as { name: string; $metadata: { httpStatusCode: number }; message: string };
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['ServiceException', 500]);
    expect(err.message).toContain(endpoint);
    // Nothing was committed: the layer has no version.
    const read = (await lambda(t.url).send(new GetLayerVersionCommand({ LayerName: 'down', VersionNumber: 1 })).catch((e: unknown) => e)) as { name: string };
    expect(read.name).toBe('ResourceNotFoundException');
  });
});
