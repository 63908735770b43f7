/** Blob and metadata stay consistent across crashes and outages, on whichever backend this project runs. */
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetLayerVersionCommand, LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { makeZip } from '../../helpers/zips.js';
import { keyFor } from '../../helpers/auth.js';

const lambda = (url: string) =>
  new LambdaClient({
    endpoint: url, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: '123456789012', secretAccessKey: keyFor(url, 'aws', '123456789012') },
  });

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
});
