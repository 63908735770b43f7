/**
 * Reset and seed, through the in-process API (`startStrata`), the `POST /_strata/reset` route and STRATA_SEED,
 * checked through the real SDKs: a seeded ARN reads back under exactly that ARN, later publishes continue above
 * the seeded numbers, and a reset empties what it names (blobs included) before it answers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetLayerVersionByArnCommand, GetLayerVersionCommand, ListLayersCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFromFile } from '../../../src/seed.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { download, errorOf, lambdaClient, publish, sha256Base64 } from '../../helpers/aws.js';
import { crc64, create23, fc23 } from '../../helpers/fc.js';
import { makeZip } from '../../helpers/zips.js';

const POWERTOOLS_ARN = 'arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7';
const FC_ARN = 'acs:fc:cn-hangzhou:1234567890123456:layers/shared-tools/versions/3';

let dir: string, powertools: Buffer, tools: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-seed-'));
  powertools = await makeZip({ 'python/aws_lambda_powertools/__init__.py': '# a local copy\n' });
  tools = await makeZip({ 'bin/tool': '#!/bin/sh\necho tool\n' });
  await writeFile(join(dir, 'powertools.zip'), powertools);
  await writeFile(join(dir, 'tools.zip'), tools);
  await writeFile(join(dir, 'seed.json'), JSON.stringify({
    layers: [
      { arn: POWERTOOLS_ARN, zip: 'powertools.zip', compatibleRuntimes: ['python3.12'], compatibleArchitectures: ['x86_64'], public: true },
      { arn: FC_ARN, zip: 'tools.zip', compatibleRuntimes: ['python3.10'], description: 'team tools' },
      { cloud: 'aws', account: '000000000000', region: 'us-east-1', name: 'team-lib', version: 5, zip: 'tools.zip' },
    ],
  }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('seed', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ STRATA_SEED: join(dir, 'seed.json') })));
  afterAll(() => t?.close());

  it('GetLayerVersionByArn: a seeded ARN in AWS\'s account reads back under exactly that ARN, with its bytes', async () => {
    const lambda = lambdaClient(t.url, { accessKeyId: '000000000000' });
    const got = await lambda.send(new GetLayerVersionByArnCommand({ Arn: POWERTOOLS_ARN }));
    expect(got.LayerVersionArn).toBe(POWERTOOLS_ARN);
    expect(got.Version).toBe(7);
    expect(got.CompatibleRuntimes).toEqual(['python3.12']);
    expect(got.CompatibleArchitectures).toEqual(['x86_64']);
    expect(got.Content!.CodeSha256).toBe(sha256Base64(powertools));
    expect((await download(got.Content!.Location!)).body.equals(powertools)).toBe(true);
    lambda.destroy();
  });

  it('GetLayerVersionByArn (2023-03-30): a seeded FC ARN reads back through the FC SDK', async () => {
    const got = (await fc23(t.url).getLayerVersionByArn(FC_ARN)).body!;
    expect(got.layerVersionArn).toBe(FC_ARN);
    expect(got.version).toBe(3);
    expect(got.description).toBe('team tools');
    expect(got.codeChecksum).toBe(crc64(tools));
  });

  it('PublishLayerVersion: a publish after the seed continues above the seeded number', async () => {
    const lambda = lambdaClient(t.url, { accessKeyId: '000000000000' });
    expect((await publish(lambda, 'team-lib')).Version).toBe(6);
    lambda.destroy();
  });

  it('start: the same seed at the next start keeps what is there', async () => {
    t = await t.restart();
    const lambda = lambdaClient(t.url, { accessKeyId: '000000000000' });
    expect((await lambda.send(new GetLayerVersionCommand({ LayerName: 'team-lib', VersionNumber: 6 }))).Version).toBe(6);
    expect((await lambda.send(new GetLayerVersionByArnCommand({ Arn: POWERTOOLS_ARN }))).Version).toBe(7);
    lambda.destroy();
  });

  it('seed: a version already there with other bytes is an error that names it', async () => {
    await writeFile(join(dir, 'other.json'), JSON.stringify({
      layers: [{ cloud: 'aws', account: '000000000000', region: 'us-east-1', name: 'team-lib', version: 5, zip: 'powertools.zip' }],
    }));
    await expect(seedThrough(t, join(dir, 'other.json'))).rejects.toThrow(
      'seed aws:000000000000:us-east-1:team-lib:5: that version already exists with other content',
    );
  });
});

/** Applies a manifest to a running test app through the same function the in-process API uses. */
function seedThrough(t: TestApp, file: string) {
  return seedFromFile(t.app.layers, file, { maxBytes: 1 << 30, maxUnzippedBytes: 1 << 30 });
}

describe('reset', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t?.close());

  const post = (query = '', body?: string) =>
    fetch(`${t.url}/_strata/reset${query}`, { method: 'POST', ...(body !== undefined && { body, headers: { 'content-type': 'application/json' } }) });

  it('ResetState: one layer, then one account, then everything; counters start again at 1; blobs gone on answer', async () => {
    const a = lambdaClient(t.url, { accessKeyId: '111111111111' });
    const b = lambdaClient(t.url, { accessKeyId: '222222222222' });
    await publish(a, 'one');
    await publish(a, 'one');
    await publish(a, 'two');
    await publish(b, 'one');
    await create23(fc23(t.url), 'fc-layer', tools);
    expect(await t.listBlobKeys()).toHaveLength(5);

    let res = await post('', JSON.stringify({ cloud: 'aws', account: '111111111111', layer: 'one' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reset: { layers: 1, versions: 2, blobs: 2 }, scope: { cloud: 'aws', account: '111111111111', layer: 'one' } });
    expect(await t.listBlobKeys()).toHaveLength(3);
    expect((await publish(a, 'one')).Version).toBe(1);

    res = await post('?cloud=aws&account=111111111111');
    expect(await res.json()).toEqual({ reset: { layers: 2, versions: 2, blobs: 2 }, scope: { cloud: 'aws', account: '111111111111' } });
    expect((await a.send(new ListLayersCommand({}))).Layers).toEqual([]);
    expect((await b.send(new ListLayersCommand({}))).Layers!.map((l) => l.LayerName)).toEqual(['one']);

    res = await post();
    expect(await res.json()).toEqual({ reset: { layers: 2, versions: 2, blobs: 2 }, scope: {} });
    expect(await t.listBlobKeys()).toEqual([]);
    const gone = await errorOf(b.send(new GetLayerVersionCommand({ LayerName: 'one', VersionNumber: 1 })));
    expect(gone.name).toBe('ResourceNotFoundException');
    a.destroy();
    b.destroy();
  });

  it('ResetState: a scope that is not valid → 400 with a JSON message, and nothing removed', async () => {
    const lambda = lambdaClient(t.url);
    await publish(lambda, 'kept');
    const res = await post('?cloud=gcp');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "cloud: Invalid option: expected one of \"aws\"|\"fc\"" });
    const bad = await post('', '{"cloud":');
    expect(bad.status).toBe(400);
    expect(Object.keys(await bad.json())).toEqual(['message']);
    expect(await t.listBlobKeys()).toHaveLength(1);
    lambda.destroy();
  });
});
