/** Concurrent publishes: version numbers are assigned atomically (spec §2 Version). */
import { GetLayerVersionCommand, ListLayerVersionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import {
  blobFiles, download, lambdaClient, listedVersions, publish, sha256Base64, smallZip, stagingFiles, uniqueName, startAwsApp,
  stopAwsApp,
} from '../../helpers/aws.js';

let t: TestApp;
let client: LambdaClient;
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client));

describe('concurrency', () => {
  it('PublishLayerVersion: 32 parallel publishes to one layer get versions exactly 1..32', async () => {
    const name = uniqueName();
    const zips = await Promise.all(Array.from({ length: 32 }, (_, i) => smallZip(`parallel-${i}`)));
    const outs = await Promise.all(zips.map((zip) => publish(client, name, { Content: { ZipFile: zip } })));
    const numbers = outs.map((o) => o.Version!);
    expect(new Set(numbers).size).toBe(32);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    // Each version holds the content its own request sent.
    for (const [i, out] of outs.entries()) expect(out.Content!.CodeSha256).toBe(sha256Base64(zips[i]!));
    const listed = await client.send(new ListLayerVersionsCommand({ LayerName: name, MaxItems: 50 }));
    expect(listed.LayerVersions!.map((v) => v.Version)).toEqual(Array.from({ length: 32 }, (_, i) => 32 - i));
    expect(await stagingFiles(t.dataDir)).toEqual([]);
    expect(await blobFiles(t)).toHaveLength(32);
  });

  it('PublishLayerVersion: parallel publishes to different layers each start at 1', async () => {
    const names = Array.from({ length: 8 }, () => uniqueName());
    const outs = await Promise.all(names.flatMap((n) => [publish(client, n), publish(client, n)]));
    for (const n of names) {
      const mine = outs.filter((o) => o.LayerArn!.endsWith(`:layer:${n}`)).map((o) => o.Version).sort();
      expect(mine).toEqual([1, 2]);
    }
  });

  it('GetLayerVersion: reads while publishing see complete versions only', async () => {
    const name = uniqueName();
    const zip = await smallZip('first');
    await publish(client, name, { Content: { ZipFile: zip } });
    const [, reads] = await Promise.all([
      Promise.all(Array.from({ length: 8 }, () => publish(client, name))),
      Promise.all(Array.from({ length: 8 }, () => client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 })))),
    ]);
    for (const r of reads) expect(r.Content!.CodeSha256).toBe(sha256Base64(zip));
    expect((await download(reads[0]!.Content!.Location!)).body.equals(zip)).toBe(true);
  });
});

describe('concurrency with STRATA_DURABILITY=power (publishes that arrive together share one commit)', () => {
  let p: TestApp;
  let powerClient: LambdaClient;
  beforeAll(async () => {
    p = await startTestApp({ STRATA_DURABILITY: 'power' });
    powerClient = lambdaClient(p.url);
  });
  afterAll(() => stopAwsApp(p, powerClient));

  it('PublishLayerVersion: 24 parallel publishes get versions 1..24, each with its own content, and all survive a restart', async () => {
    const name = uniqueName();
    const zips = await Promise.all(Array.from({ length: 24 }, (_, i) => smallZip(`power-${i}`)));
    const outs = await Promise.all(zips.map((zip) => publish(powerClient, name, { Content: { ZipFile: zip } })));
    expect(outs.map((o) => o.Version!).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));

    powerClient.destroy();
    p = await p.restart();
    powerClient = lambdaClient(p.url);
    for (const [i, out] of outs.entries()) {
      const got = await powerClient.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: out.Version! }));
      expect(got.Content!.CodeSha256).toBe(sha256Base64(zips[i]!));
      const body = await download(got.Content!.Location!);
      expect(body.body.equals(zips[i]!)).toBe(true);
    }
    expect(await listedVersions(powerClient, name)).toEqual(Array.from({ length: 24 }, (_, i) => 24 - i));
  });

  it('PublishLayerVersion: a refused publish among parallel ones takes no version number from the others', async () => {
    const name = uniqueName();
    const good = await Promise.all([smallZip('a'), smallZip('b'), smallZip('c')]);
    const results = await Promise.allSettled([
      publish(powerClient, name, { Content: { ZipFile: good[0] } }),
      publish(powerClient, name, { Content: { ZipFile: Buffer.from('not a zip') } }),
      publish(powerClient, name, { Content: { ZipFile: good[1] } }),
      publish(powerClient, name, { Content: { ZipFile: good[2] } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.name).toBe('InvalidParameterValueException');
    expect(await listedVersions(powerClient, name)).toEqual([3, 2, 1]);
  });
});
