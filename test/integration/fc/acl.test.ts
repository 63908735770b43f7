/** PutLayerACL: FC 2.0 `public=true|false`, FC 3.0 `acl=0|1`; reflected in every version and in ListLayers?public=true. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  startFcApp, $21, $23, TF_ZIP, create21, create23, expectFc21Error, expectFc23Error, expectFc2Error,  publish2,
  smallZip, uniqueName, type FC21Client, type FC23Client, type FC2Client,
} from '../../helpers/fc.js';

let t: TestApp, c21: FC21Client, c23: FC23Client, c2: FC2Client;
beforeAll(async () => ({ t, c21, c23, c2 } = await startFcApp()));
afterAll(() => t?.close());

async function layerWithVersions(n: number, prefix = 'acl'): Promise<string> {
  const name = uniqueName(prefix);
  for (let i = 0; i < n; i++) await create23(c23, name, await smallZip());
  return name;
}

const acl21 = async (name: string) =>
  (await c21.listLayerVersions(name, new $21.ListLayerVersionsRequest({}))).body!.layers!.map((l) => l.acl);
const acl23 = async (name: string) =>
  (await c23.listLayerVersions(name, new $23.ListLayerVersionsRequest({}))).body!.layers!.map((l) => l.acl);

describe('PutLayerACL (2021-04-06)', () => {
  it('PutLayerACL (2021-04-06): public=true → 200, acl 1 (number) on every version', async () => {
    const name = await layerWithVersions(3);
    const res = await c21.putLayerACL(name, new $21.PutLayerACLRequest({ public: true }));
    expect(res.statusCode).toBe(200);
    expect(res.headers!['x-fc-request-id']).toBeTruthy();
    expect(await acl21(name)).toEqual([1, 1, 1]);
    const got = await c21.getLayerVersion(name, '2');
    expect(got.body!.acl).toBe(1);
    expect(typeof got.body!.acl).toBe('number');
  });

  it('PutLayerACL (2021-04-06): public=false makes every version private again (acl 0)', async () => {
    const name = await layerWithVersions(2);
    await c21.putLayerACL(name, new $21.PutLayerACLRequest({ public: true }));
    await c21.putLayerACL(name, new $21.PutLayerACLRequest({ public: false }));
    expect(await acl21(name)).toEqual([0, 0]);
  });

  it('PutLayerACL (2021-04-06): an unknown layer → 404 LayerNotFound', async () => {
    const name = uniqueName('never');
    await expectFc21Error(c21.putLayerACL(name, new $21.PutLayerACLRequest({ public: true })), {
      status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist`,
    });
  });
});

describe('PutLayerACL (2023-03-30)', () => {
  it('PutLayerACL (2023-03-30): acl=1 → 200, acl "1" (string) on every version, through 2023 and 2021', async () => {
    const name = await layerWithVersions(2);
    const res = await c23.putLayerACL(name, new $23.PutLayerACLRequest({ acl: '1' }));
    expect(res.statusCode).toBe(200);
    expect(await acl23(name)).toEqual(['1', '1']);
    const got = await c23.getLayerVersion(name, '1');
    expect(got.body!.acl).toBe('1');
    expect(await acl21(name)).toEqual([1, 1]);
    const arn = await c23.getLayerVersionByArn(got.body!.layerVersionArn!);
    expect(arn.body!.acl).toBe('1');
  });

  it('PutLayerACL (2023-03-30): acl=0 makes the layer private again', async () => {
    const name = await layerWithVersions(2);
    await c23.putLayerACL(name, new $23.PutLayerACLRequest({ acl: '1' }));
    await c23.putLayerACL(name, new $23.PutLayerACLRequest({ acl: '0' }));
    expect(await acl23(name)).toEqual(['0', '0']);
  });

  it('PutLayerACL (2023-03-30): the deprecated public=true is still honoured', async () => {
    const name = await layerWithVersions(1);
    await c23.putLayerACL(name, new $23.PutLayerACLRequest({ public: 'true' }));
    expect(await acl23(name)).toEqual(['1']);
  });

  it('PutLayerACL (2023-03-30): acl=2 → 400 InvalidArgument', async () => {
    const name = await layerWithVersions(1);
    await expectFc23Error(c23.putLayerACL(name, new $23.PutLayerACLRequest({ acl: '2' })), {
      status: 400, code: 'InvalidArgument', message: "acl '2' must be 0 or 1",
    });
    expect(await acl23(name)).toEqual(['0']);
  });

  it('PutLayerACL (2023-03-30): an unknown layer → 404 LayerNotFound', async () => {
    const name = uniqueName('never');
    await expectFc23Error(c23.putLayerACL(name, new $23.PutLayerACLRequest({ acl: '1' })), {
      status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist`,
    });
  });

  it('PutLayerACL (2023-03-30): a version published after the layer went public is public too', async () => {
    const name = await layerWithVersions(1);
    await c23.putLayerACL(name, new $23.PutLayerACLRequest({ acl: '1' }));
    const created = await create23(c23, name, TF_ZIP.bytes);
    expect(created.body!.acl).toBe('1');
    expect(await acl23(name)).toEqual(['1', '1']);
  });
});

describe('PutLayerACL (2016-08-15)', () => {
  it('PutLayerACL (2016-08-15): @alicloud/fc2 public=true → acl 1 on every version', async () => {
    const name = uniqueName('acl');
    await publish2(c2, name, TF_ZIP.bytes);
    await publish2(c2, name, TF_ZIP.bytes);
    await c2.putLayerACL(name, { public: true });
    const { data } = await c2.listLayerVersions(name);
    expect(data.layers.map((l: any) => l.acl)).toEqual([1, 1]);
    await c2.putLayerACL(name, { public: false });
    expect((await c2.getLayerVersion(name, 2)).data.acl).toBe(0);
  });

  it('PutLayerACL (2016-08-15): an unknown layer → 404 LayerNotFound', async () => {
    const name = uniqueName('never');
    await expectFc2Error(c2.putLayerACL(name, { public: true }), {
      status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist`,
    });
  });
});

describe('ListLayers?public=true', () => {
  it('ListLayers (2021-04-06, 2023-03-30, 2016-08-15): public=true lists only the public layers', async () => {
    const prefix = uniqueName('pub');
    const open = `${prefix}-open`;
    const closed = `${prefix}-closed`;
    await create21(c21, open, TF_ZIP.bytes);
    await create21(c21, closed, TF_ZIP.bytes);
    await c21.putLayerACL(open, new $21.PutLayerACLRequest({ public: true }));

    const r21 = await c21.listLayers(new $21.ListLayersRequest({ prefix, public: true }));
    expect(r21.body!.layers!.map((l) => [l.layerName, l.acl])).toEqual([[open, 1]]);
    const r23 = await c23.listLayers(new $23.ListLayersRequest({ prefix, public: 'true' }));
    expect(r23.body!.layers!.map((l) => [l.layerName, l.acl])).toEqual([[open, '1']]);
    const r2 = await c2.listLayers({ prefix, public: true });
    expect(r2.data.layers.map((l: any) => [l.layerName, l.acl])).toEqual([[open, 1]]);

    const all = await c21.listLayers(new $21.ListLayersRequest({ prefix, public: false }));
    expect(all.body!.layers!.map((l) => [l.layerName, l.acl])).toEqual([[closed, 0], [open, 1]]);
  });

  it('ListLayers (2023-03-30): a layer made private again leaves ListLayers?public=true', async () => {
    const prefix = uniqueName('pub');
    const name = `${prefix}-x`;
    await create23(c23, name, TF_ZIP.bytes);
    await c23.putLayerACL(name, new $23.PutLayerACLRequest({ acl: '1' }));
    expect((await c23.listLayers(new $23.ListLayersRequest({ prefix, public: 'true' }))).body!.layers!).toHaveLength(1);
    await c23.putLayerACL(name, new $23.PutLayerACLRequest({ acl: '0' }));
    expect((await c23.listLayers(new $23.ListLayersRequest({ prefix, public: 'true' }))).body!.layers ?? []).toEqual([]);
  });
});
