/**
 * Once publishes pause, Strata copies SQLite's write-ahead log into the database file itself (a checkpoint), instead
 * of leaving it to the commit that fills the log (src/store/sqlite/idle-checkpoints.ts). Seen from outside: without
 * another request, `strata.sqlite` grows by the versions just published, their zips among them. SQLite metadata
 * with the filesystem backend (small zips are then part of the SQLite file), hence outside the other projects.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PublishLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { lambdaClient, uniqueName } from '../../helpers/aws.js';
import { makeZip } from '../../helpers/zips.js';

let t: TestApp, lambda: LambdaClient;
beforeAll(async () => {
  t = await startTestApp({ STRATA_BLOB_BACKEND: 'fs' });
  lambda = lambdaClient(t.url);
});
afterAll(async () => {
  lambda?.destroy();
  await t?.close();
});

describe('SQLite checkpoints', () => {
  it('PublishLayerVersion: the versions reach the database file once publishes pause', async () => {
    const file = join(t.dataDir, 'strata.sqlite');
    const before = statSync(file).size;
    const LayerName = uniqueName();
    // 40 publishes of 3 KB zips of random bytes: 120 rows changed, past the 100 of an idle checkpoint.
    for (let i = 0; i < 40; i++) {
      const ZipFile = await makeZip({ 'random.bin': randomBytes(3000) });
      await lambda.send(new PublishLayerVersionCommand({ LayerName, Content: { ZipFile } }));
    }
    const deadline = Date.now() + 10_000;
    while (statSync(file).size < before + 40 * 3000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size).toBeGreaterThanOrEqual(before + 40 * 3000);
  });
});
