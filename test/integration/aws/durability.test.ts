/** Restart persistence: versions, content, permissions and numbering survive a restart on the same data dir. */
import {
  AddLayerVersionPermissionCommand, DeleteLayerVersionCommand, GetLayerVersionCommand, GetLayerVersionPolicyCommand,
  ListLayersCommand, ListLayerVersionsCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { download, lambdaClient, publish, rawOf, smallZip, stagingFiles, uniqueName, startAwsApp, stopAwsApp } from '../../helpers/aws.js';
import { makeZip } from '../../helpers/zips.js';

let t: TestApp;
let client: LambdaClient;
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client));

function withoutLocation(body: Record<string, any>) {
  const { Location: _location, ...content } = body.Content;
  return { ...body, Content: content };
}

describe('durability', () => {
  it('PublishLayerVersion: versions, content and permissions survive a restart, and numbering continues', async () => {
    const name = uniqueName();
    const zips = [
      await smallZip('one'),
      await makeZip({ 'python/big.bin': Buffer.alloc(300_000, 7) }),
      await smallZip('three'),
    ];
    const published = [];
    for (const [i, zip] of zips.entries()) {
      published.push(
        await publish(client, name, {
          Content: { ZipFile: zip },
          Description: `v${i + 1}`,
          ...(i === 1 && { LicenseInfo: 'MIT', CompatibleRuntimes: ['python3.12'], CompatibleArchitectures: ['arm64'] }),
        }),
      );
    }
    await client.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 3 }));
    await client.send(new AddLayerVersionPermissionCommand({
      LayerName: name, VersionNumber: 1, StatementId: 'public', Action: 'lambda:GetLayerVersion', Principal: '*',
    }));
    const grant = await client.send(new AddLayerVersionPermissionCommand({
      LayerName: name, VersionNumber: 1, StatementId: 'org', Action: 'lambda:GetLayerVersion', Principal: '*',
      OrganizationId: 'o-abcdefghij',
    }));
    const policyBefore = await client.send(new GetLayerVersionPolicyCommand({ LayerName: name, VersionNumber: 1 }));
    const listBefore = rawOf(await client.send(new ListLayerVersionsCommand({ LayerName: name }))).json;

    client.destroy();
    t = await t.restart();
    client = lambdaClient(t.url);

    for (const v of [1, 2]) {
      const got = await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: v }));
      expect(withoutLocation(rawOf(got).json)).toEqual(withoutLocation(rawOf(published[v - 1]).json));
      const body = await download(got.Content!.Location!);
      expect(body.status).toBe(200);
      expect(body.body.equals(zips[v - 1]!)).toBe(true);
    }
    await expect(client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 3 }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(rawOf(await client.send(new ListLayerVersionsCommand({ LayerName: name }))).json).toEqual(listBefore);

    const policyAfter = await client.send(new GetLayerVersionPolicyCommand({ LayerName: name, VersionNumber: 1 }));
    expect(policyAfter.Policy).toBe(policyBefore.Policy);
    expect(policyAfter.RevisionId).toBe(grant.RevisionId);

    // Deleted number 3 stays used: the next publish is 4.
    const next = await publish(client, name);
    expect(next.Version).toBe(4);
    expect(await stagingFiles(t.dataDir)).toEqual([]);
  });

  it('ListLayers: layers of several accounts and regions survive a restart', async () => {
    const eu = lambdaClient(t.url, { region: 'eu-west-1', accessKeyId: '210987654321' });
    const name = uniqueName();
    await publish(eu, name, { CompatibleArchitectures: ['arm64'] });
    await publish(client, name);
    await publish(client, name);
    eu.destroy();
    client.destroy();
    t = await t.restart();
    client = lambdaClient(t.url);
    const eu2 = lambdaClient(t.url, { region: 'eu-west-1', accessKeyId: '210987654321' });
    try {
      const euLayers = await eu2.send(new ListLayersCommand({ CompatibleArchitecture: 'arm64' }));
      expect(euLayers.Layers!.find((l) => l.LayerName === name)?.LatestMatchingVersion?.Version).toBe(1);
      expect((await publish(eu2, name)).Version).toBe(2);
      expect((await publish(client, name)).Version).toBe(3);
    } finally {
      eu2.destroy();
    }
  });
});
