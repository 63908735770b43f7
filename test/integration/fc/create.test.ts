/** CreateLayerVersion / PublishLayerVersion through the three SDKs: response shapes per API version, checksums, numbering. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  $23, CREATE_TIME, FIXTURES, TF_ZIP, acsArn, crc64, create21, create23, download, inPieces,
  legacyArnPattern, publish2, rawRequest, smallZip, uniqueName, type FC21Client, type FC23Client, type FC2Client,
  fc21, startFcApp,
} from '../../helpers/fc.js';
import { makeZip } from '../../helpers/zips.js';

let t: TestApp, c21: FC21Client, c23: FC23Client, c2: FC2Client;
beforeAll(async () => ({ t, c21, c23, c2 } = await startFcApp()));
afterAll(() => t?.close());

function expectRecent(createTime: string | undefined) {
  expect(createTime).toMatch(CREATE_TIME);
  const at = Date.parse(createTime!);
  expect(Math.abs(Date.now() - at)).toBeLessThan(120_000);
}

describe('CreateLayerVersion (2021-04-06)', () => {
  it('CreateLayerVersion (2021-04-06): the SDK model carries every field, codesize included', async () => {
    const name = uniqueName();
    const res = await create21(c21, name, TF_ZIP.bytes, { compatibleRuntime: ['python3', 'nodejs14'], description: 'desc' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-fc-request-id']).toBeTruthy();
    const b = res.body!;
    expect(b.layerName).toBe(name);
    expect(b.version).toBe(1);
    expect(b.description).toBe('desc');
    expect(b.compatibleRuntime).toEqual(['python3', 'nodejs14']);
    expect(b.codesize).toBe(TF_ZIP.size);
    expect(b.codeChecksum).toBe(TF_ZIP.crc64);
    expect(b.acl).toBe(0);
    expect(b.arn).toMatch(legacyArnPattern(name, 1));
    expectRecent(b.createTime);
    expect(b.code?.repositoryType).toBe('OSS');
    expect(b.code?.location).toMatch(/^http:\/\//);
  });

  it('CreateLayerVersion (2021-04-06): code.location downloads exactly the uploaded zip', async () => {
    const zip = await smallZip();
    const res = await create21(c21, uniqueName(), zip);
    const got = await download(res.body!.code!.location!);
    expect(got.status).toBe(200);
    expect(got.body.equals(zip)).toBe(true);
  });

  it('CreateLayerVersion (2021-04-06): versions of one name go 1, 2, 3', async () => {
    const name = uniqueName();
    const versions: number[] = [];
    for (let i = 0; i < 3; i++) versions.push((await create21(c21, name, await smallZip())).body!.version!);
    expect(versions).toEqual([1, 2, 3]);
  });

  it('CreateLayerVersion (2021-04-06): signed with acs HMAC-SHA1 (signatureAlgorithm v2) works the same', async () => {
    const v2 = fc21(t.url, { signatureAlgorithm: 'v2' });
    const name = uniqueName();
    const res = await create21(v2, name, TF_ZIP.bytes, { description: 'v2' });
    expect(res.body!.version).toBe(1);
    expect(res.body!.codesize).toBe(TF_ZIP.size);
    expect(res.body!.codeChecksum).toBe(TF_ZIP.crc64);
    expect(res.body!.acl).toBe(0);
  });
});

describe('CreateLayerVersion (2023-03-30)', () => {
  it.each(FIXTURES.map((f) => [f.file, f] as const))(
    'CreateLayerVersion (2023-03-30): returns codeChecksum as CRC-64/XZ and codeSize for %s',
    async (_file, fixture) => {
      const res = await create23(c23, uniqueName(), fixture.bytes);
      expect(res.body!.codeChecksum).toBe(fixture.crc64);
      expect(res.body!.codeSize).toBe(fixture.size);
      expect(fixture.bytes.length).toBe(fixture.size);
    },
  );

  it('CreateLayerVersion (2023-03-30): the SDK model carries every FC 3.0 field', async () => {
    const name = uniqueName();
    const res = await create23(c23, name, TF_ZIP.bytes, {
      compatibleRuntime: ['python3.10', 'python3.9'], description: 'first', license: 'MIT',
    });
    expect(res.statusCode).toBe(200);
    const b = res.body!;
    expect(b.layerName).toBe(name);
    expect(b.version).toBe(1);
    expect(b.description).toBe('first');
    expect(b.license).toBe('MIT');
    expect(b.compatibleRuntime).toEqual(['python3.10', 'python3.9']);
    expect(b.acl).toBe('0');
    expect(b.layerVersionArn).toBe(acsArn(name, 1));
    expect(b.codeSize).toBe(TF_ZIP.size);
    expect(b.codeChecksum).toBe(TF_ZIP.crc64);
    expectRecent(b.createTime);
    expect(b.code?.repositoryType).toBe('OSS');
    expect((await download(b.code!.location!)).body.equals(TF_ZIP.bytes)).toBe(true);
  });

  it('CreateLayerVersion (2023-03-30): a matching code.checksum is accepted', async () => {
    const res = await create23(c23, uniqueName(), TF_ZIP.bytes, { checksum: '16724580610624463476' });
    expect(res.body!.version).toBe(1);
    expect(res.body!.codeChecksum).toBe('16724580610624463476');
  });

  it('CreateLayerVersion (2023-03-30): codeChecksum of a generated zip matches a reference CRC-64/XZ', async () => {
    const zip = await makeZip({ 'nodejs/node_modules/x/index.js': 'module.exports = 1;\n'.repeat(500) });
    const res = await create23(c23, uniqueName(), zip);
    expect(res.body!.codeChecksum).toBe(crc64(zip));
    expect(res.body!.codeSize).toBe(zip.length);
  });

  it('CreateLayerVersion (2023-03-30): a layer name of 128 characters is accepted', async () => {
    const name = `L${'x'.repeat(127)}`;
    const res = await create23(c23, name, TF_ZIP.bytes);
    expect(res.body!.layerName).toBe(name);
  });
});

describe('PublishLayerVersion (2016-08-15)', () => {
  it('PublishLayerVersion (2016-08-15): @alicloud/fc2 gets the FC 2.0 layer with codeSize, arn and arnV2', async () => {
    const name = uniqueName();
    const res = await publish2(c2, name, TF_ZIP.bytes, { description: 'x', compatibleRuntime: ['nodejs12'] });
    const d = res.data;
    expect(typeof d).toBe('object');
    expect(d.layerName).toBe(name);
    expect(d.version).toBe(1);
    expect(d.description).toBe('x');
    expect(d.compatibleRuntime).toEqual(['nodejs12']);
    expect(d.codeSize).toBe(TF_ZIP.size);
    expect(d.codeChecksum).toBe(TF_ZIP.crc64);
    expect(d.acl).toBe(0);
    expect(d.arn).toMatch(legacyArnPattern(name, 1));
    expect(d.arnV2).toBe(acsArn(name, 1));
    expectRecent(d.createTime);
    expect(d.code.repositoryType).toBe('OSS');
    expect((await download(d.code.location)).body.equals(TF_ZIP.bytes)).toBe(true);
    expect(res.headers['x-fc-request-id']).toBeTruthy();
  });
});

describe('CreateLayerVersion across API versions', () => {
  it('CreateLayerVersion (2021-04-06, 2023-03-30, 2016-08-15): one name numbers 1, 2, 3 whichever SDK publishes', async () => {
    const name = uniqueName();
    expect((await create21(c21, name, await smallZip())).body!.version).toBe(1);
    expect((await create23(c23, name, await smallZip())).body!.version).toBe(2);
    expect((await publish2(c2, name, await smallZip())).data.version).toBe(3);
    const list = await c23.listLayerVersions(name, new $23.ListLayerVersionsRequest({}));
    expect(list.body!.layers!.map((l) => l.version)).toEqual([1, 2, 3]);
  });

  it('CreateLayerVersion (2023-03-30): concurrent creates of one name get distinct versions 1..8', async () => {
    const name = uniqueName();
    const results = await Promise.all(Array.from({ length: 8 }, async () => (await create23(c23, name, await smallZip())).body!.version!));
    expect([...results].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('CreateLayerVersion (2023-03-30): a name starting with an underscore is accepted', async () => {
    const name = `_${uniqueName()}`;
    expect((await create23(c23, name, TF_ZIP.bytes)).body!.layerName).toBe(name);
  });

  it('CreateLayerVersion (2021-04-06): a 2023 license is readable through 2021 GetLayerVersion', async () => {
    const name = uniqueName();
    await create23(c23, name, TF_ZIP.bytes, { license: 'Apache-2.0' });
    const got = await c21.getLayerVersion(name, '1');
    expect(got.body!.license).toBe('Apache-2.0');
  });
});

describe('CreateLayerVersion: request bodies as clients send them', () => {
  // The tea SDKs already send chunked bodies; this sends one in many small chunks, with no Content-Length,
  // which the SDKs do not control.
  it('CreateLayerVersion (2023-03-30): a chunked body without Content-Length, in small pieces', async () => {
    const name = uniqueName();
    const body = Buffer.from(JSON.stringify({
      code: { zipFile: TF_ZIP.bytes.toString('base64') }, compatibleRuntime: ['python3.10'], description: 'chunked',
    }));
    const res = await rawRequest(t.url, `/2023-03-30/layers/${name}/versions`, {
      method: 'POST', body: inPieces(body, 7), headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.codeChecksum).toBe(TF_ZIP.crc64);
    expect(res.json.codeSize).toBe(TF_ZIP.size);
    expect(res.json.description).toBe('chunked');
  });

  // Other JSON encoders may escape '/' as '\\/' or any character as '\\uXXXX' inside the base64 string.
  it('CreateLayerVersion (2023-03-30): JSON escapes inside zipFile are decoded before the base64', async () => {
    const b64 = TF_ZIP.bytes.toString('base64');
    expect(b64).toContain('/');
    const escaped = b64.replaceAll('/', '\\/').replace(/A/g, '\\u0041');
    const res = await rawRequest(t.url, `/2023-03-30/layers/${uniqueName()}/versions`, {
      method: 'POST', body: `{"code":{"zipFile":"${escaped}"},"compatibleRuntime":["python3.10"]}`,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.codeChecksum).toBe(TF_ZIP.crc64);
  });

  // No SDK sends the 2021 path with a lower-case `code` key (the 2021 SDK and Terraform send `Code`).
  it('CreateLayerVersion (2021-04-06): a lower-case `code` key is accepted too', async () => {
    const name = uniqueName();
    const res = await rawRequest(t.url, `/2021-04-06/layers/${name}/versions`, {
      method: 'POST',
      body: JSON.stringify({ code: { zipFile: TF_ZIP.bytes.toString('base64') }, compatibleRuntime: ['python3'] }),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.codeChecksum).toBe(TF_ZIP.crc64);
    expect(res.json.codesize).toBe(TF_ZIP.size);
  });

  // The 2023 SDK sends `code`; Terraform's FCV3 resource goes through tea-roa with the same key, but a client
  // may send `Code` to FC 3.0 as well, which only a raw request can do.
  it('CreateLayerVersion (2023-03-30): an upper-case `Code` key is accepted too', async () => {
    const name = uniqueName();
    const res = await rawRequest(t.url, `/2023-03-30/layers/${name}/versions`, {
      method: 'POST',
      body: JSON.stringify({ Code: { zipFile: TF_ZIP.bytes.toString('base64') }, compatibleRuntime: ['python3.10'] }),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.codeChecksum).toBe(TF_ZIP.crc64);
  });
});
