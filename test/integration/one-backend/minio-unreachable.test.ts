/**
 * An unreachable MinIO is an outage: Strata starts, says so, and publishes fail cleanly. The backend is chosen
 * here (a MinIO on a port with nothing listening), so this runs in one test project only.
 */
import { createServer } from 'node:net';
import { GetLayerVersionCommand, LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { makeZip } from '../../helpers/zips.js';
import { keyFor } from '../../helpers/auth.js';

const lambda = (url: string) =>
  new LambdaClient({
    endpoint: url, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: '123456789012', secretAccessKey: keyFor(url, 'aws', '123456789012') },
  });

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('an unreachable MinIO', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
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
    // The failed upload is counted as a blob-store error: `write`, the operation that stores a small layer from memory.
    const metrics = await (await fetch(`${t.url}/_strata/metrics`)).text();
    expect(metrics).toMatch(/^strata_blob_store_errors_total\{operation="write"\} 1$/m);
  });});
