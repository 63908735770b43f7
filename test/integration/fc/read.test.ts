/** GetLayerVersion and GetLayerVersionByArn through the three SDKs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  CREATE_TIME, FIXTURES, TF_ZIP, acsArn, create21, create23, download, expectFc21Error, expectFc23Error, expectFc2Error,
  legacyArnPattern, publish2, uniqueName, type FC21Client, type FC23Client, type FC2Client,
  startFcApp,
} from '../../helpers/fc.js';

let t: TestApp, c21: FC21Client, c23: FC23Client, c2: FC2Client;
beforeAll(async () => ({ t, c21, c23, c2 } = await startFcApp()));
afterAll(() => t?.close());

const layerNotFound = (name: string) => ({ status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist` });
const versionNotFound = (name: string, v: number) => ({
  status: 404, code: 'LayerVersionNotFound', message: `layer '${name}' version '${v}' does not exist`,
});

describe('GetLayerVersion', () => {
  it('GetLayerVersion (2021-04-06): the Layer model carries codeSize, codeChecksum, acl (number), arn and arnV2', async () => {
    const name = uniqueName();
    const created = await create21(c21, name, TF_ZIP.bytes, { description: 'd', compatibleRuntime: ['python3'] });
    const res = await c21.getLayerVersion(name, '1');
    expect(res.statusCode).toBe(200);
    const b = res.body!;
    expect(b.layerName).toBe(name);
    expect(b.version).toBe(1);
    expect(b.description).toBe('d');
    expect(b.compatibleRuntime).toEqual(['python3']);
    expect(b.codeSize).toBe(TF_ZIP.size);
    expect(b.codeChecksum).toBe(TF_ZIP.crc64);
    expect(b.acl).toBe(0);
    expect(typeof b.acl).toBe('number');
    expect(b.arn).toMatch(legacyArnPattern(name, 1));
    expect(b.arn).toBe(created.body!.arn);
    expect(b.arnV2).toBe(acsArn(name, 1));
    expect(b.createTime).toBe(created.body!.createTime);
    expect(b.code?.repositoryType).toBe('OSS');
    expect((await download(b.code!.location!)).body.equals(TF_ZIP.bytes)).toBe(true);
  });

  it('GetLayerVersion (2023-03-30): the Layer model carries acl as "0", layerVersionArn and license', async () => {
    const name = uniqueName();
    const created = await create23(c23, name, TF_ZIP.bytes, { description: 'd3', license: 'BSD-3-Clause' });
    const res = await c23.getLayerVersion(name, '1');
    expect(res.statusCode).toBe(200);
    const b = res.body!;
    expect(b.layerName).toBe(name);
    expect(b.version).toBe(1);
    expect(b.description).toBe('d3');
    expect(b.license).toBe('BSD-3-Clause');
    expect(b.acl).toBe('0');
    expect(b.layerVersionArn).toBe(acsArn(name, 1));
    expect(b.codeSize).toBe(TF_ZIP.size);
    expect(b.codeChecksum).toBe(TF_ZIP.crc64);
    expect(b.createTime).toBe(created.body!.createTime);
    expect(b.createTime).toMatch(CREATE_TIME);
    expect(b.compatibleRuntime).toEqual(['python3.10']);
    expect((await download(b.code!.location!)).body.equals(TF_ZIP.bytes)).toBe(true);
  });

  it('GetLayerVersion (2016-08-15): @alicloud/fc2 reads the same version', async () => {
    const name = uniqueName();
    await publish2(c2, name, TF_ZIP.bytes, { description: 'two' });
    const { data } = await c2.getLayerVersion(name, 1);
    expect(data.layerName).toBe(name);
    expect(data.version).toBe(1);
    expect(data.description).toBe('two');
    expect(data.codeSize).toBe(TF_ZIP.size);
    expect(data.codeChecksum).toBe(TF_ZIP.crc64);
    expect(data.acl).toBe(0);
    expect(data.arn).toMatch(legacyArnPattern(name, 1));
    expect(data.arnV2).toBe(acsArn(name, 1));
    expect(data.createTime).toMatch(CREATE_TIME);
  });

  it.each(FIXTURES.map((f) => [f.file, f] as const))(
    'GetLayerVersion (2023-03-30): code.location of %s downloads exactly the stored bytes',
    async (_file, fixture) => {
      const name = uniqueName();
      await create23(c23, name, fixture.bytes);
      const b = (await c23.getLayerVersion(name, '1')).body!;
      expect(b.codeChecksum).toBe(fixture.crc64);
      const got = await download(b.code!.location!);
      expect(got.status).toBe(200);
      expect(got.body.equals(fixture.bytes)).toBe(true);
    },
  );

  it('GetLayerVersion (2021-04-06, 2023-03-30, 2016-08-15): a layer that never existed → 404 LayerNotFound', async () => {
    const name = uniqueName('never');
    await expectFc21Error(c21.getLayerVersion(name, '1'), layerNotFound(name));
    await expectFc23Error(c23.getLayerVersion(name, '1'), layerNotFound(name));
    await expectFc2Error(c2.getLayerVersion(name, 1), layerNotFound(name));
  });

  it('GetLayerVersion (2021-04-06, 2023-03-30, 2016-08-15): a missing version of a layer → 404 LayerVersionNotFound', async () => {
    const name = uniqueName();
    await create23(c23, name, TF_ZIP.bytes);
    await expectFc21Error(c21.getLayerVersion(name, '2'), versionNotFound(name, 2));
    await expectFc23Error(c23.getLayerVersion(name, '2'), versionNotFound(name, 2));
    await expectFc2Error(c2.getLayerVersion(name, 2), versionNotFound(name, 2));
  });

  it('GetLayerVersion (2023-03-30): a version that is not a positive integer → 400 InvalidArgument', async () => {
    const name = uniqueName();
    await create23(c23, name, TF_ZIP.bytes);
    await expectFc23Error(c23.getLayerVersion(name, 'abc'), { status: 400, code: 'InvalidArgument', message: "version 'abc' is not a positive integer" });
    await expectFc23Error(c23.getLayerVersion(name, '0'), { status: 400, code: 'InvalidArgument', message: "version '0' is not a positive integer" });
  });

  it('GetLayerVersion (2021-04-06): a version that is not a positive integer → 400 InvalidArgument', async () => {
    const name = uniqueName();
    await create21(c21, name, TF_ZIP.bytes);
    await expectFc21Error(c21.getLayerVersion(name, '-1'), { status: 400, code: 'InvalidArgument', message: "version '-1' is not a positive integer" });
  });

  it('GetLayerVersion (2023-03-30): an invalid layer name → 400 InvalidArgument', async () => {
    await expectFc23Error(c23.getLayerVersion('1starts-with-a-digit', '1'), {
      status: 400, code: 'InvalidArgument', message: "invalid layer name '1starts-with-a-digit': it must be 1 to 128 characters of letters, digits, '_' and '-', and start with a letter or '_'",
    });
  });
});

describe('GetLayerVersionByArn', () => {
  it('GetLayerVersionByArn (2023-03-30): the layerVersionArn (one percent-encoded segment) returns the version', async () => {
    const name = uniqueName();
    await create23(c23, name, TF_ZIP.bytes, { license: 'MIT' });
    const v2 = await create23(c23, name, FIXTURES[1]!.bytes);
    const res = await c23.getLayerVersionByArn(v2.body!.layerVersionArn!);
    expect(res.statusCode).toBe(200);
    const b = res.body!;
    expect(b.layerName).toBe(name);
    expect(b.version).toBe(2);
    expect(b.layerVersionArn).toBe(acsArn(name, 2));
    expect(b.acl).toBe('0');
    expect(b.codeChecksum).toBe(FIXTURES[1]!.crc64);
    expect(b.codeSize).toBe(FIXTURES[1]!.size);
    expect((await download(b.code!.location!)).body.equals(FIXTURES[1]!.bytes)).toBe(true);
  });

  it('GetLayerVersionByArn (2016-08-15): @alicloud/fc2 reads a version by its arnV2', async () => {
    const name = uniqueName();
    const published = await publish2(c2, name, TF_ZIP.bytes);
    const { data } = await c2.getLayerVersionByArn(published.data.arnV2);
    expect(data.layerName).toBe(name);
    expect(data.version).toBe(1);
    expect(data.arnV2).toBe(acsArn(name, 1));
    expect(data.acl).toBe(0);
    expect(data.codeChecksum).toBe(TF_ZIP.crc64);
  });

  it('GetLayerVersionByArn (2016-08-15): @alicloud/fc2 reads a version by its legacy hash#name#version arn', async () => {
    const name = uniqueName();
    const published = await publish2(c2, name, TF_ZIP.bytes);
    const { data } = await c2.getLayerVersionByArn(published.data.arn);
    expect(data.layerName).toBe(name);
    expect(data.version).toBe(1);
  });

  it('GetLayerVersionByArn (2023-03-30): an ARN of a missing layer → 404 LayerNotFound; of a missing version → LayerVersionNotFound', async () => {
    const name = uniqueName();
    await expectFc23Error(c23.getLayerVersionByArn(acsArn(name, 1)), layerNotFound(name));
    await create23(c23, name, TF_ZIP.bytes);
    await expectFc23Error(c23.getLayerVersionByArn(acsArn(name, 5)), versionNotFound(name, 5));
  });

  it('GetLayerVersionByArn (2023-03-30): an ARN naming another region → 404 LayerNotFound', async () => {
    const name = uniqueName();
    await create23(c23, name, TF_ZIP.bytes);
    await expectFc23Error(c23.getLayerVersionByArn(acsArn(name, 1, undefined, 'cn-beijing')), layerNotFound(name));
  });

  it('GetLayerVersionByArn (2023-03-30, 2016-08-15): a malformed ARN → 400 InvalidArgument', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:layer:x:1';
    await expectFc23Error(c23.getLayerVersionByArn(arn), { status: 400, code: 'InvalidArgument', message: `invalid layer version ARN '${arn}'` });
    await expectFc2Error(c2.getLayerVersionByArn(arn), { status: 400, code: 'InvalidArgument', message: `invalid layer version ARN '${arn}'` });
  });
});
