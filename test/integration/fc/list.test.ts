/** ListLayers and ListLayerVersions through the three SDKs: filters, order, paging tokens. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  startFcApp, $21, $23, TF_ZIP, acsArn, create21, create23, expectFc21Error, expectFc23Error, expectFc2Error, 
  legacyArnPattern, publish2, smallZip, uniqueName, type FC21Client, type FC23Client, type FC2Client,
} from '../../helpers/fc.js';

let t: TestApp, c21: FC21Client, c23: FC23Client, c2: FC2Client;
beforeAll(async () => ({ t, c21, c23, c2 } = await startFcApp()));
afterAll(() => t?.close());

/** Layers `<prefix>-<suffix>` for each suffix (one version each, in the order given); returns the prefix. */
async function layersWithPrefix(suffixes: string[]): Promise<string> {
  const prefix = uniqueName('ls');
  for (const s of suffixes) await create23(c23, `${prefix}-${s}`, TF_ZIP.bytes);
  return prefix;
}

const list21 = (r: ConstructorParameters<typeof $21.ListLayersRequest>[0]) => c21.listLayers(new $21.ListLayersRequest(r));
const list23 = (r: ConstructorParameters<typeof $23.ListLayersRequest>[0]) => c23.listLayers(new $23.ListLayersRequest(r));

describe('ListLayers', () => {
  it('ListLayers (2021-04-06): prefix filters; one entry per layer, its latest version, by name', async () => {
    const prefix = await layersWithPrefix(['c', 'a']);
    await create21(c21, `${prefix}-b`, TF_ZIP.bytes);
    await create21(c21, `${prefix}-b`, TF_ZIP.bytes, { description: 'latest' });
    await create23(c23, uniqueName('other'), TF_ZIP.bytes);
    const res = await list21({ prefix });
    expect(res.statusCode).toBe(200);
    const layers = res.body!.layers!;
    expect(layers.map((l) => [l.layerName, l.version])).toEqual([
      [`${prefix}-a`, 1], [`${prefix}-b`, 2], [`${prefix}-c`, 1],
    ]);
    const b = layers[1]!;
    expect(b.description).toBe('latest');
    expect(b.acl).toBe(0);
    expect(b.arn).toMatch(legacyArnPattern(`${prefix}-b`, 2));
    expect(b.arnV2).toBe(acsArn(`${prefix}-b`, 2));
    expect(b.codeSize).toBe(TF_ZIP.size);
    expect(b.codeChecksum).toBe(TF_ZIP.crc64);
    expect(res.body!.nextToken).toBeUndefined();
  });

  it('ListLayers (2021-04-06): limit and nextToken page through; nextToken is the name of the next layer', async () => {
    const prefix = await layersWithPrefix(['a', 'b', 'c', 'd', 'e']);
    const first = await list21({ prefix, limit: 2 });
    expect(first.body!.layers!.map((l) => l.layerName)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(first.body!.nextToken).toBe(`${prefix}-c`);
    const second = await list21({ prefix, limit: 2, nextToken: first.body!.nextToken });
    expect(second.body!.layers!.map((l) => l.layerName)).toEqual([`${prefix}-c`, `${prefix}-d`]);
    expect(second.body!.nextToken).toBe(`${prefix}-e`);
    const last = await list21({ prefix, limit: 2, nextToken: second.body!.nextToken });
    expect(last.body!.layers!.map((l) => l.layerName)).toEqual([`${prefix}-e`]);
    expect(last.body!.nextToken).toBeUndefined();
  });

  it('ListLayers (2021-04-06): startKey starts at that name, inclusive', async () => {
    const prefix = await layersWithPrefix(['a', 'b', 'c']);
    const res = await list21({ prefix, startKey: `${prefix}-b` });
    expect(res.body!.layers!.map((l) => l.layerName)).toEqual([`${prefix}-b`, `${prefix}-c`]);
    const between = await list21({ prefix, startKey: `${prefix}-bb` });
    expect(between.body!.layers!.map((l) => l.layerName)).toEqual([`${prefix}-c`]);
  });

  it('ListLayers (2023-03-30): limit and nextToken page through with FC 3.0 shapes', async () => {
    const prefix = await layersWithPrefix(['x', 'y', 'z']);
    const first = await list23({ prefix, limit: 2 });
    expect(first.statusCode).toBe(200);
    expect(first.body!.layers!.map((l) => l.layerName)).toEqual([`${prefix}-x`, `${prefix}-y`]);
    expect(first.body!.nextToken).toBe(`${prefix}-z`);
    const l = first.body!.layers![0]!;
    expect(l.acl).toBe('0');
    expect(l.layerVersionArn).toBe(acsArn(`${prefix}-x`, 1));
    expect(l.codeChecksum).toBe(TF_ZIP.crc64);
    expect(l.codeSize).toBe(TF_ZIP.size);
    const last = await list23({ prefix, limit: 2, nextToken: first.body!.nextToken });
    expect(last.body!.layers!.map((x) => x.layerName)).toEqual([`${prefix}-z`]);
    expect(last.body!.nextToken).toBeUndefined();
  });

  it('ListLayers (2023-03-30): "_" in a prefix is a literal character, not a wildcard', async () => {
    const prefix = uniqueName('ls');
    await create23(c23, `${prefix}_x`, TF_ZIP.bytes);
    await create23(c23, `${prefix}-x`, TF_ZIP.bytes);
    await create23(c23, `${prefix}Ax`, TF_ZIP.bytes);
    const res = await list23({ prefix: `${prefix}_` });
    expect(res.body!.layers!.map((l) => l.layerName)).toEqual([`${prefix}_x`]);
  });

  it('ListLayers (2023-03-30): 20 layers per page by default', async () => {
    const suffixes = Array.from({ length: 21 }, (_, i) => String(i).padStart(2, '0'));
    const prefix = await layersWithPrefix(suffixes);
    const first = await list23({ prefix });
    expect(first.body!.layers!).toHaveLength(20);
    expect(first.body!.nextToken).toBe(`${prefix}-20`);
    const rest = await list23({ prefix, nextToken: first.body!.nextToken });
    expect(rest.body!.layers!.map((l) => l.layerName)).toEqual([`${prefix}-20`]);
    expect(rest.body!.nextToken).toBeUndefined();
  });

  it('ListLayers (2016-08-15): @alicloud/fc2 pages with prefix, limit, nextToken and startKey', async () => {
    const prefix = await layersWithPrefix(['a', 'b', 'c']);
    const first = await c2.listLayers({ prefix, limit: 2 });
    expect(first.data.layers.map((l: any) => l.layerName)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(first.data.nextToken).toBe(`${prefix}-c`);
    expect(first.data.layers[0].acl).toBe(0);
    expect(first.data.layers[0].arnV2).toBe(acsArn(`${prefix}-a`, 1));
    const next = await c2.listLayers({ prefix, limit: 2, nextToken: first.data.nextToken });
    expect(next.data.layers.map((l: any) => l.layerName)).toEqual([`${prefix}-c`]);
    expect(next.data.nextToken).toBeUndefined();
    const fromKey = await c2.listLayers({ prefix, startKey: `${prefix}-b` });
    expect(fromKey.data.layers.map((l: any) => l.layerName)).toEqual([`${prefix}-b`, `${prefix}-c`]);
  });

  it('ListLayers (2021-04-06, 2023-03-30): official=true lists none of the caller\'s own layers', async () => {
    const prefix = await layersWithPrefix(['a']);
    expect((await list21({ prefix, official: true })).body!.layers ?? []).toEqual([]);
    expect((await list23({ prefix, official: 'true' })).body!.layers ?? []).toEqual([]);
  });

  it('ListLayers (2023-03-30, 2021-04-06): limit over 100 or below 1 → 400 InvalidArgument', async () => {
    await expectFc23Error(list23({ limit: 101 }), { status: 400, code: 'InvalidArgument', message: "limit '101' must be an integer from 1 to 100" });
    await expectFc21Error(list21({ limit: 0 }), { status: 400, code: 'InvalidArgument', message: "limit '0' must be an integer from 1 to 100" });
  });

  it('ListLayers (2023-03-30): limit 100 is accepted', async () => {
    const res = await list23({ limit: 100, prefix: uniqueName('none') });
    expect(res.body!.layers ?? []).toEqual([]);
    expect(res.body!.nextToken).toBeUndefined();
  });
});

describe('ListLayerVersions', () => {
  async function layerWithVersions(n: number): Promise<string> {
    const name = uniqueName();
    for (let i = 0; i < n; i++) await create23(c23, name, await smallZip(), { description: `v${i + 1}` });
    return name;
  }

  it('ListLayerVersions (2021-04-06): ascending, startVersion, limit and nextVersion', async () => {
    const name = await layerWithVersions(5);
    const all = await c21.listLayerVersions(name, new $21.ListLayerVersionsRequest({}));
    expect(all.statusCode).toBe(200);
    expect(all.body!.layers!.map((l) => l.version)).toEqual([1, 2, 3, 4, 5]);
    expect(all.body!.nextVersion).toBeUndefined();
    expect(all.body!.layers![2]!.description).toBe('v3');
    expect(all.body!.layers![2]!.arnV2).toBe(acsArn(name, 3));
    expect(all.body!.layers![2]!.acl).toBe(0);
    const page = await c21.listLayerVersions(name, new $21.ListLayerVersionsRequest({ startVersion: 2, limit: 2 }));
    expect(page.body!.layers!.map((l) => l.version)).toEqual([2, 3]);
    expect(page.body!.nextVersion).toBe(4);
    const tail = await c21.listLayerVersions(name, new $21.ListLayerVersionsRequest({ startVersion: 4, limit: 2 }));
    expect(tail.body!.layers!.map((l) => l.version)).toEqual([4, 5]);
    expect(tail.body!.nextVersion).toBeUndefined();
  });

  it('ListLayerVersions (2023-03-30): looping on nextVersion collects every version once', async () => {
    const name = await layerWithVersions(5);
    const seen: number[] = [];
    let start: string | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await c23.listLayerVersions(name, new $23.ListLayerVersionsRequest({ limit: 2, ...(start && { startVersion: start }) }));
      for (const l of res.body!.layers!) {
        expect(l.acl).toBe('0');
        expect(l.layerVersionArn).toBe(acsArn(name, l.version!));
        seen.push(l.version!);
      }
      if (res.body!.nextVersion === undefined) break;
      expect(typeof res.body!.nextVersion).toBe('number');
      start = String(res.body!.nextVersion);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('ListLayerVersions (2016-08-15): @alicloud/fc2 with startVersion and limit', async () => {
    const name = uniqueName();
    for (let i = 0; i < 3; i++) await publish2(c2, name, await smallZip());
    const { data } = await c2.listLayerVersions(name, { startVersion: 2, limit: 1 });
    expect(data.layers.map((l: any) => l.version)).toEqual([2]);
    expect(data.nextVersion).toBe(3);
    expect(data.layers[0].arnV2).toBe(acsArn(name, 2));
  });

  it('ListLayerVersions (2023-03-30): a startVersion past the latest gives an empty page without nextVersion', async () => {
    const name = await layerWithVersions(2);
    const res = await c23.listLayerVersions(name, new $23.ListLayerVersionsRequest({ startVersion: '3' }));
    expect(res.body!.layers ?? []).toEqual([]);
    expect(res.body!.nextVersion).toBeUndefined();
  });

  it('ListLayerVersions (2023-03-30): deleted versions are left out', async () => {
    const name = await layerWithVersions(3);
    await c23.deleteLayerVersion(name, '2');
    const res = await c23.listLayerVersions(name, new $23.ListLayerVersionsRequest({}));
    expect(res.body!.layers!.map((l) => l.version)).toEqual([1, 3]);
  });

  it('ListLayerVersions (2021-04-06, 2023-03-30, 2016-08-15): an unknown layer → 404 LayerNotFound', async () => {
    const name = uniqueName('never');
    const e = { status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist` };
    await expectFc21Error(c21.listLayerVersions(name, new $21.ListLayerVersionsRequest({})), e);
    await expectFc23Error(c23.listLayerVersions(name, new $23.ListLayerVersionsRequest({})), e);
    await expectFc2Error(c2.listLayerVersions(name), e);
  });

  it('ListLayerVersions (2023-03-30): a startVersion that is not a positive integer → 400 InvalidArgument', async () => {
    const name = await layerWithVersions(1);
    await expectFc23Error(c23.listLayerVersions(name, new $23.ListLayerVersionsRequest({ startVersion: 'x' })), {
      status: 400, code: 'InvalidArgument', message: "startVersion 'x' must be a positive integer",
    });
  });
});
