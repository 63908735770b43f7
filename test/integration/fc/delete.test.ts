/** DeleteLayerVersion: 204, not-found codes after deletes, version numbers that only go up (also across a restart). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import {
  $21, $23, TF_ZIP, create21, create23, expectFc21Error, expectFc23Error, expectFc2Error, expectRawFc2Error,
  expectRawFc3Error, fc2, fc21, fc23, publish2, rawRequest, smallZip, uniqueName, type FC21Client, type FC23Client,
  type FC2Client,
} from '../../helpers/fc.js';

let t: TestApp;
let c21: FC21Client;
let c23: FC23Client;
let c2: FC2Client;

function connect() {
  c21 = fc21(t.url);
  c23 = fc23(t.url);
  c2 = fc2(t.url);
}

beforeAll(async () => {
  t = await startTestApp();
  connect();
});
afterAll(async () => {
  await t?.close();
});

const layerNotFound = (name: string) => ({ status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist` });
const versionNotFound = (name: string, v: number) => ({
  status: 404, code: 'LayerVersionNotFound', message: `layer '${name}' version '${v}' does not exist`,
});

async function layerWithVersions(n: number): Promise<string> {
  const name = uniqueName('del');
  for (let i = 0; i < n; i++) await create23(c23, name, await smallZip());
  return name;
}

describe('DeleteLayerVersion', () => {
  // The SDKs hide the status of a 204 (they return only the headers), so the status is checked raw.
  it.each(['2016-08-15', '2021-04-06', '2023-03-30'])(
    'DeleteLayerVersion (%s): 204 with an empty body',
    async (api) => {
      const name = await layerWithVersions(1);
      const res = await rawRequest(t.url, `/${api}/layers/${name}/versions/1`, { method: 'DELETE' });
      expect(res.status, res.text).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers['x-fc-request-id']).toBeTruthy();
    },
  );

  it('DeleteLayerVersion (2021-04-06): the version is gone; the others remain (LayerVersionNotFound)', async () => {
    const name = await layerWithVersions(2);
    const res = await c21.deleteLayerVersion(name, '1');
    expect(res.headers!['x-fc-request-id']).toBeTruthy();
    await expectFc21Error(c21.getLayerVersion(name, '1'), versionNotFound(name, 1));
    expect((await c21.getLayerVersion(name, '2')).body!.version).toBe(2);
  });

  it('DeleteLayerVersion (2023-03-30): deleting every version makes the layer LayerNotFound', async () => {
    const name = await layerWithVersions(2);
    await c23.deleteLayerVersion(name, '1');
    await c23.deleteLayerVersion(name, '2');
    await expectFc23Error(c23.getLayerVersion(name, '2'), layerNotFound(name));
    await expectFc23Error(c23.listLayerVersions(name, new $23.ListLayerVersionsRequest({})), layerNotFound(name));
    await expectFc23Error(c23.putLayerACL(name, new $23.PutLayerACLRequest({ acl: '1' })), layerNotFound(name));
    const list = await c23.listLayers(new $23.ListLayersRequest({ prefix: name }));
    expect(list.body!.layers ?? []).toEqual([]);
  });

  it('DeleteLayerVersion (2016-08-15): @alicloud/fc2 deletes; ListLayerVersions then says LayerNotFound', async () => {
    const name = uniqueName('del');
    await publish2(c2, name, TF_ZIP.bytes);
    await publish2(c2, name, TF_ZIP.bytes);
    await c2.deleteLayerVersion(name, 2);
    await expectFc2Error(c2.getLayerVersion(name, 2), versionNotFound(name, 2));
    await c2.deleteLayerVersion(name, 1);
    await expectFc2Error(c2.listLayerVersions(name), layerNotFound(name));
  });

  it('DeleteLayerVersion (2023-03-30): ListLayers shows the latest remaining version after the newest is deleted', async () => {
    const name = await layerWithVersions(3);
    await c23.deleteLayerVersion(name, '3');
    const list = await c23.listLayers(new $23.ListLayersRequest({ prefix: name }));
    expect(list.body!.layers!.map((l) => [l.layerName, l.version])).toEqual([[name, 2]]);
  });

  it('DeleteLayerVersion (2021-04-06, 2023-03-30, 2016-08-15): a missing version → 404 LayerVersionNotFound', async () => {
    const name = await layerWithVersions(1);
    await expectFc21Error(c21.deleteLayerVersion(name, '7'), versionNotFound(name, 7));
    await expectFc23Error(c23.deleteLayerVersion(name, '7'), versionNotFound(name, 7));
    await expectFc2Error(c2.deleteLayerVersion(name, 7), versionNotFound(name, 7));
  });

  it('DeleteLayerVersion (2021-04-06, 2023-03-30, 2016-08-15): a missing layer → 404 LayerNotFound', async () => {
    const name = uniqueName('never');
    await expectFc21Error(c21.deleteLayerVersion(name, '1'), layerNotFound(name));
    await expectFc23Error(c23.deleteLayerVersion(name, '1'), layerNotFound(name));
    await expectFc2Error(c2.deleteLayerVersion(name, 1), layerNotFound(name));
  });

  it('DeleteLayerVersion (2023-03-30): deleting the same version twice → 404 the second time', async () => {
    const name = await layerWithVersions(2);
    await c23.deleteLayerVersion(name, '1');
    await expectFc23Error(c23.deleteLayerVersion(name, '1'), versionNotFound(name, 1));
  });

  // Raw: checks the exact error bodies of a delete of something missing, which the SDKs reshape.
  it('DeleteLayerVersion (2016-08-15, 2023-03-30): a missing layer answers a JSON error body', async () => {
    const name = uniqueName('never');
    expectRawFc2Error(await rawRequest(t.url, `/2016-08-15/layers/${name}/versions/1`, { method: 'DELETE' }), layerNotFound(name));
    expectRawFc3Error(await rawRequest(t.url, `/2023-03-30/layers/${name}/versions/1`, { method: 'DELETE' }), layerNotFound(name));
  });
});

describe('version numbers only go up', () => {
  it('CreateLayerVersion (2023-03-30): after the newest version is deleted, the next one is still N+1', async () => {
    const name = await layerWithVersions(2);
    await c23.deleteLayerVersion(name, '2');
    expect((await create23(c23, name, TF_ZIP.bytes)).body!.version).toBe(3);
  });

  it('CreateLayerVersion (2021-04-06): after every version is deleted, numbering continues', async () => {
    const name = uniqueName('del');
    await create21(c21, name, TF_ZIP.bytes);
    await create21(c21, name, TF_ZIP.bytes);
    await c21.deleteLayerVersion(name, '1');
    await c21.deleteLayerVersion(name, '2');
    const again = await create21(c21, name, TF_ZIP.bytes);
    expect(again.body!.version).toBe(3);
    const list = await c21.listLayerVersions(name, new $21.ListLayerVersionsRequest({}));
    expect(list.body!.layers!.map((l) => l.version)).toEqual([3]);
  });

  it('CreateLayerVersion (2023-03-30): layers, deletions and numbering survive a restart', async () => {
    const kept = await layerWithVersions(2);
    const emptied = await layerWithVersions(2);
    await c23.deleteLayerVersion(emptied, '1');
    await c23.deleteLayerVersion(emptied, '2');
    const before = (await c23.getLayerVersion(kept, '2')).body!;

    t = await t.restart();
    connect();

    const after = (await c23.getLayerVersion(kept, '2')).body!;
    expect(after.codeChecksum).toBe(before.codeChecksum);
    expect(after.createTime).toBe(before.createTime);
    await expectFc23Error(c23.getLayerVersion(emptied, '1'), layerNotFound(emptied));
    expect((await create23(c23, kept, TF_ZIP.bytes)).body!.version).toBe(3);
    expect((await create23(c23, emptied, TF_ZIP.bytes)).body!.version).toBe(3);
  });
});
