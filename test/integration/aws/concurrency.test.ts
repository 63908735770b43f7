/** Concurrent publishes: version numbers are assigned atomically (spec §2 Version). */
import { GetLayerVersionCommand, ListLayerVersionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { blobFiles, download, publish, sha256Base64, smallZip, stagingFiles, uniqueName, startAwsApp, stopAwsApp } from '../../helpers/aws.js';

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
