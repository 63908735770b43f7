/** ListLayers and ListLayerVersions: filters, order, pagination and wire shape (spec §2, §3.4, §3.5). */
import {
  DeleteLayerVersionCommand, ListLayersCommand, ListLayerVersionsCommand, type LambdaClient, type ListLayersCommandInput,
  type ListLayerVersionsCommandInput,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  ACCOUNT, CREATED_DATE, REGION, expectValidationError, expectValidationLines, lambdaClient, publish, rawOf, uniqueAccount, uniqueName,
  startAwsApp, stopAwsApp,
} from '../../helpers/aws.js';

const LIST_RUNTIMES =
  '[ruby3.5, ruby2.6, dotnetcore1.0, python3.7, nodejs8.10, nasa, ruby2.7, python2.7-greengrass, dotnetcore2.0, ' +
  'python3.8, java21, dotnet6, dotnetcore2.1, python3.9, java11, nodejs6.10, provided, dotnetcore3.1, dotnet8, java25, ' +
  'java17, nodejs, nodejs4.3, java8.al2, go1.x, dotnet10, nodejs20.x, go1.9, byol, nodejs10.x, provided.al2023, ' +
  'nodejs22.x, python3.10, java8, nodejs12.x, python3.11, nodejs24.x, nodejs8.x, python3.12, nodejs14.x, nodejs8.9, ' +
  'nodejs26.x, python3.13, python3.14, nodejs16.x, python3.15, provided.al2, nodejs4.3-edge, nodejs18.x, ruby3.2, ' +
  'python3.4, ruby3.3, ruby3.4, ruby2.5, python3.6, python2.7]';
const BAD_RUNTIME =
  "1 validation error detected: Value 'runtimedoesnotexist' at 'compatibleRuntime' failed to satisfy constraint: " +
  `Member must satisfy enum value set: ${LIST_RUNTIMES}`;
const BAD_ARCH =
  "1 validation error detected: Value 'archdoesnotexist' at 'compatibleArchitecture' failed to satisfy constraint: " +
  'Member must satisfy enum value set: [x86_64, arm64]';
const MAX_ITEMS_LOW =
  "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1";
const MAX_ITEMS_HIGH =
  "1 validation error detected: Value '51' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 50";

const ITEM_KEYS = ['CompatibleArchitectures', 'CompatibleRuntimes', 'CreatedDate', 'Description', 'LayerVersionArn', 'LicenseInfo', 'Version'];

let t: TestApp;
let client: LambdaClient;
const clients: LambdaClient[] = [];
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client, ...clients));

/** A client in a fresh account: ListLayers there sees only what the test publishes. */
function isolatedClient(): { c: LambdaClient; account: string } {
  const account = uniqueAccount();
  const c = lambdaClient(t.url, { accessKeyId: account });
  clients.push(c);
  return { c, account };
}

const names = (out: { Layers?: { LayerName?: string }[] }) => (out.Layers ?? []).map((l) => l.LayerName);
const versions = (out: { LayerVersions?: { Version?: number }[] }) => (out.LayerVersions ?? []).map((v) => v.Version);

describe('ListLayers', () => {
  it('ListLayers: lists the account\'s layers by name ascending with their latest version', async () => {
    const { c, account } = isolatedClient();
    const [a, b, z] = ['alpha', 'bravo', 'zulu'].map((p) => `${p}-${uniqueName()}`) as [string, string, string];
    await publish(c, z);
    await publish(c, a, { Description: 'a1' });
    await publish(c, b);
    await publish(c, a, { Description: 'a2', LicenseInfo: 'MIT', CompatibleRuntimes: ['nodejs20.x'] });
    const out = await c.send(new ListLayersCommand({}));
    expect(names(out)).toEqual([a, b, z]);
    expect(out.NextMarker).toBeUndefined();
    const first = rawOf(out).json.Layers[0];
    expect(Object.keys(first).sort()).toEqual(['LatestMatchingVersion', 'LayerArn', 'LayerName']);
    expect(first.LayerArn).toBe(`arn:aws:lambda:${REGION}:${account}:layer:${a}`);
    // A LayerVersionsListItem: no Content, no LayerArn.
    expect(first.LatestMatchingVersion).toMatchObject({
      LayerVersionArn: `arn:aws:lambda:${REGION}:${account}:layer:${a}:2`,
      Version: 2,
      Description: 'a2',
      CreatedDate: expect.stringMatching(CREATED_DATE),
      LicenseInfo: 'MIT',
      CompatibleRuntimes: ['nodejs20.x'],
    });
    expect(first.LatestMatchingVersion).not.toHaveProperty('Content');
    expect(first.LatestMatchingVersion).not.toHaveProperty('LayerArn');
  });

  it('ListLayers: lists only the caller\'s account and region', async () => {
    const { c } = isolatedClient();
    const name = uniqueName();
    await publish(c, name);
    await publish(client, uniqueName());
    expect(names(await c.send(new ListLayersCommand({})))).toEqual([name]);
  });

  it('ListLayers: an unknown CompatibleRuntime is the recorded ValidationException', async () => {
    await expectValidationError(client.send(new ListLayersCommand({ CompatibleRuntime: 'runtimedoesnotexist' as never })), BAD_RUNTIME);
  });

  it('ListLayers: an unknown CompatibleArchitecture is the recorded ValidationException', async () => {
    await expectValidationError(client.send(new ListLayersCommand({ CompatibleArchitecture: 'archdoesnotexist' as never })), BAD_ARCH);
  });

  it('ListLayers: several invalid members are counted and joined with "; "', async () => {
    const err = await expectValidationError(
      client.send(new ListLayersCommand({
        CompatibleRuntime: 'runtimedoesnotexist' as never, CompatibleArchitecture: 'archdoesnotexist' as never, MaxItems: 0,
      })),
      /^3 validation errors detected: /,
    );
    const line = (m: string) => m.replace(/^1 validation error detected: /, '');
    expectValidationLines(err.message, [line(BAD_RUNTIME), line(BAD_ARCH), line(MAX_ITEMS_LOW)]);
  });

  it('ListLayers: an architecture filter excludes a layer published only for the other architecture', async () => {
    const { c } = isolatedClient();
    const armOnly = `a-${uniqueName()}`;
    const x86 = `b-${uniqueName()}`;
    await publish(c, armOnly, { CompatibleArchitectures: ['arm64'] });
    await publish(c, x86, { CompatibleArchitectures: ['x86_64'] });
    expect(names(await c.send(new ListLayersCommand({ CompatibleArchitecture: 'x86_64' })))).toEqual([x86]);
    expect(names(await c.send(new ListLayersCommand({ CompatibleArchitecture: 'arm64' })))).toEqual([armOnly]);
    expect(names(await c.send(new ListLayersCommand({})))).toEqual([armOnly, x86]);
  });

  it('ListLayers: LatestMatchingVersion is the newest version matching the filters', async () => {
    const { c } = isolatedClient();
    const name = uniqueName();
    await publish(c, name, { CompatibleRuntimes: ['python3.12'], CompatibleArchitectures: ['x86_64'] }); // 1
    await publish(c, name, { CompatibleRuntimes: ['python3.12'], CompatibleArchitectures: ['x86_64', 'arm64'] }); // 2
    await publish(c, name, { CompatibleRuntimes: ['nodejs20.x'], CompatibleArchitectures: ['arm64'] }); // 3
    const latest = async (input: ListLayersCommandInput) =>
      (await c.send(new ListLayersCommand(input))).Layers?.map((l) => l.LatestMatchingVersion?.Version);
    expect(await latest({})).toEqual([3]);
    expect(await latest({ CompatibleArchitecture: 'x86_64' })).toEqual([2]);
    expect(await latest({ CompatibleRuntime: 'python3.12' })).toEqual([2]);
    expect(await latest({ CompatibleRuntime: 'nodejs20.x' })).toEqual([3]);
    expect(await latest({ CompatibleRuntime: 'python3.12', CompatibleArchitecture: 'arm64' })).toEqual([2]);
    expect(await latest({ CompatibleRuntime: 'java21' })).toEqual([]);
  });

  it('ListLayers: MaxItems 0 and 51 are ValidationExceptions', async () => {
    await expectValidationError(client.send(new ListLayersCommand({ MaxItems: 0 })), MAX_ITEMS_LOW);
    await expectValidationError(client.send(new ListLayersCommand({ MaxItems: 51 })), MAX_ITEMS_HIGH);
  });

  it('ListLayers: MaxItems=1 pages through every layer with NextMarker until it is absent', async () => {
    const { c } = isolatedClient();
    const all = ['c', 'a', 'd', 'b'].map((p) => `${p}-${uniqueName()}`);
    for (const n of all) await publish(c, n);
    const seen: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await c.send(new ListLayersCommand({ MaxItems: 1, ...(marker && { Marker: marker }) }));
      expect(out.Layers).toHaveLength(1);
      seen.push(out.Layers![0]!.LayerName!);
      marker = out.NextMarker;
      if (!marker) break;
    }
    expect(seen).toEqual([...all].sort());
    expect(marker).toBeUndefined();
  });

  it('ListLayers: a layer whose versions are all deleted is not listed; its newest remaining version is', async () => {
    const { c } = isolatedClient();
    const gone = `a-${uniqueName()}`;
    const kept = `b-${uniqueName()}`;
    await publish(c, gone);
    await publish(c, kept);
    await publish(c, kept);
    await c.send(new DeleteLayerVersionCommand({ LayerName: gone, VersionNumber: 1 }));
    await c.send(new DeleteLayerVersionCommand({ LayerName: kept, VersionNumber: 2 }));
    const out = await c.send(new ListLayersCommand({}));
    expect(names(out)).toEqual([kept]);
    expect(out.Layers![0]!.LatestMatchingVersion!.Version).toBe(1);
  });
});

describe('ListLayerVersions', () => {
  it('ListLayerVersions: lists versions newest first as LayerVersionsListItems', async () => {
    const name = uniqueName();
    for (let i = 1; i <= 3; i++) await publish(client, name, { Description: `v${i}` });
    const out = await client.send(new ListLayerVersionsCommand({ LayerName: name }));
    expect(rawOf(out).status).toBe(200);
    expect(versions(out)).toEqual([3, 2, 1]);
    expect(out.LayerVersions!.map((v) => v.Description)).toEqual(['v3', 'v2', 'v1']);
    expect(out.NextMarker).toBeUndefined();
    const item = rawOf(out).json.LayerVersions[0];
    expect(Object.keys(item).sort()).toEqual(ITEM_KEYS);
    expect(item.LayerVersionArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}:3`);
    expect(item.CreatedDate).toMatch(CREATED_DATE);
  });

  it('ListLayerVersions: the raw body carries explicit nulls for unset members', async () => {
    // The SDK drops nulls, so the wire body is read from the recorded response.
    const name = uniqueName();
    await publish(client, name);
    await publish(client, name, {
      Description: 'd', LicenseInfo: 'MIT', CompatibleRuntimes: [], CompatibleArchitectures: ['arm64'],
    });
    const out = await client.send(new ListLayerVersionsCommand({ LayerName: name }));
    const [v2, v1] = rawOf(out).json.LayerVersions;
    expect(v1).toEqual({
      LayerVersionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}:1`,
      Version: 1,
      Description: null,
      CreatedDate: expect.stringMatching(CREATED_DATE),
      CompatibleRuntimes: null,
      LicenseInfo: null,
      CompatibleArchitectures: null,
    });
    expect(v2).toMatchObject({ Description: 'd', LicenseInfo: 'MIT', CompatibleRuntimes: [], CompatibleArchitectures: ['arm64'] });
  });

  it('ListLayerVersions: an unknown layer is 200 with an empty list', async () => {
    const out = await client.send(new ListLayerVersionsCommand({ LayerName: uniqueName('nope') }));
    expect(rawOf(out).status).toBe(200);
    expect(out.LayerVersions).toEqual([]);
    expect(out.NextMarker).toBeUndefined();
  });

  it('ListLayerVersions: a layer whose versions are all deleted lists []', async () => {
    const name = uniqueName();
    await publish(client, name);
    await publish(client, name);
    await client.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 2 }));
    expect(versions(await client.send(new ListLayerVersionsCommand({ LayerName: name })))).toEqual([1]);
    await client.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    const out = await client.send(new ListLayerVersionsCommand({ LayerName: name }));
    expect(rawOf(out).status).toBe(200);
    expect(out.LayerVersions).toEqual([]);
  });

  it('ListLayerVersions: an unknown CompatibleRuntime is the recorded ValidationException', async () => {
    await expectValidationError(
      client.send(new ListLayerVersionsCommand({ LayerName: uniqueName(), CompatibleRuntime: 'runtimedoesnotexist' as never })),
      BAD_RUNTIME,
    );
  });

  it('ListLayerVersions: an unknown CompatibleArchitecture is the recorded ValidationException', async () => {
    await expectValidationError(
      client.send(new ListLayerVersionsCommand({ LayerName: uniqueName(), CompatibleArchitecture: 'archdoesnotexist' as never })),
      BAD_ARCH,
    );
  });

  it('ListLayerVersions: filters select the matching versions, newest first', async () => {
    const name = uniqueName();
    await publish(client, name, { CompatibleRuntimes: ['python3.12'], CompatibleArchitectures: ['x86_64'] }); // 1
    await publish(client, name, { CompatibleRuntimes: ['python3.12', 'python3.13'], CompatibleArchitectures: ['arm64'] }); // 2
    await publish(client, name, { CompatibleRuntimes: ['python3.13'], CompatibleArchitectures: ['x86_64', 'arm64'] }); // 3
    const list = async (input: Omit<ListLayerVersionsCommandInput, 'LayerName'>) =>
      versions(await client.send(new ListLayerVersionsCommand({ LayerName: name, ...input })));
    expect(await list({})).toEqual([3, 2, 1]);
    expect(await list({ CompatibleArchitecture: 'x86_64' })).toEqual([3, 1]);
    expect(await list({ CompatibleArchitecture: 'arm64' })).toEqual([3, 2]);
    expect(await list({ CompatibleRuntime: 'python3.12' })).toEqual([2, 1]);
    expect(await list({ CompatibleRuntime: 'python3.13', CompatibleArchitecture: 'x86_64' })).toEqual([3]);
    expect(await list({ CompatibleRuntime: 'nodejs20.x' })).toEqual([]);
  });

  it('ListLayerVersions: MaxItems 0 and 51 are ValidationExceptions', async () => {
    const name = uniqueName();
    await expectValidationError(client.send(new ListLayerVersionsCommand({ LayerName: name, MaxItems: 0 })), MAX_ITEMS_LOW);
    await expectValidationError(client.send(new ListLayerVersionsCommand({ LayerName: name, MaxItems: 51 })), MAX_ITEMS_HIGH);
  });

  it('ListLayerVersions: MaxItems=1 pages through every version with NextMarker until it is absent', async () => {
    const name = uniqueName();
    for (let i = 0; i < 4; i++) await publish(client, name);
    await client.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 3 }));
    const seen: number[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await client.send(new ListLayerVersionsCommand({ LayerName: name, MaxItems: 1, ...(marker && { Marker: marker }) }));
      expect(out.LayerVersions).toHaveLength(1);
      seen.push(out.LayerVersions![0]!.Version!);
      marker = out.NextMarker;
      if (!marker) break;
    }
    expect(seen).toEqual([4, 2, 1]);
    expect(marker).toBeUndefined();
  });

  it('ListLayerVersions: MaxItems=2 returns two per page', async () => {
    const name = uniqueName();
    for (let i = 0; i < 3; i++) await publish(client, name);
    const first = await client.send(new ListLayerVersionsCommand({ LayerName: name, MaxItems: 2 }));
    expect(versions(first)).toEqual([3, 2]);
    expect(first.NextMarker).toEqual(expect.any(String));
    const second = await client.send(new ListLayerVersionsCommand({ LayerName: name, MaxItems: 2, Marker: first.NextMarker }));
    expect(versions(second)).toEqual([1]);
    expect(second.NextMarker).toBeUndefined();
  });

  it('ListLayerVersions: a LayerName given as a layer ARN lists that layer', async () => {
    const name = uniqueName();
    await publish(client, name);
    await publish(client, name);
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}`;
    expect(versions(await client.send(new ListLayerVersionsCommand({ LayerName: arn })))).toEqual([2, 1]);
  });
});
