/**
 * Error wire formats: FC 2.0 `{"ErrorCode","ErrorMessage","Code","Message","RequestId"}` + X-Fc-Request-Id, FC 3.0
 * `{"Code","Message","RequestId"}`,
 * how each SDK surfaces them, unknown paths, and bodies no SDK sends (always JSON, never a 500).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  FC3_REQUEST_ID, TF_ZIP, UUID, create23, errorOf, expectRawFc2Error, expectRawFc3Error, rawRequest,
  uniqueName, type ExpectedFcError, type FC21Client, type FC23Client, type FC2Client, type RawResponse,
  startFcApp,
} from '../../helpers/fc.js';

let t: TestApp, c21: FC21Client, c23: FC23Client, c2: FC2Client;
beforeAll(async () => ({ t, c21, c23, c2 } = await startFcApp()));
afterAll(() => t?.close());

const APIS = ['2016-08-15', '2021-04-06', '2023-03-30'] as const;
type Api = (typeof APIS)[number];

function expectRawError(api: Api, res: RawResponse, e: ExpectedFcError) {
  if (api === '2023-03-30') expectRawFc3Error(res, e);
  else expectRawFc2Error(res, e);
}

const invalid = (message: string | RegExp): ExpectedFcError => ({ status: 400, code: 'InvalidArgument', message });

describe('error bodies on the wire', () => {
  // Raw: the SDKs reshape error bodies and do not expose the response headers of a failed call.
  it.each(['2016-08-15', '2021-04-06'] as const)(
    'GetLayerVersion (%s): FC 2.0 error body carries ErrorCode/ErrorMessage and Code/Message/RequestId, JSON, with X-Fc-Request-Id',
    async (api) => {
      const name = uniqueName('never');
      const res = await rawRequest(t.url, `/${api}/layers/${name}/versions/1`);
      expectRawFc2Error(res, { status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist` });
      expect(res.json).toEqual({
        ErrorCode: 'LayerNotFound', ErrorMessage: `layer '${name}' does not exist`,
        Code: 'LayerNotFound', Message: `layer '${name}' does not exist`, RequestId: res.headers['x-fc-request-id'],
      });
    },
  );

  it('GetLayerVersion (2023-03-30): FC 3.0 error body is exactly {Code, Message, RequestId}, RequestId = X-Fc-Request-Id', async () => {
    const name = uniqueName('never');
    const res = await rawRequest(t.url, `/2023-03-30/layers/${name}/versions/1`);
    expectRawFc3Error(res, { status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist` });
  });

  it('GetLayerVersion (2021-04-06, 2023-03-30): each request gets its own request id', async () => {
    const name = uniqueName('never');
    const a = await rawRequest(t.url, `/2021-04-06/layers/${name}/versions/1`);
    const b = await rawRequest(t.url, `/2021-04-06/layers/${name}/versions/1`);
    expect(a.headers['x-fc-request-id']).not.toBe(b.headers['x-fc-request-id']);
    const c = await rawRequest(t.url, `/2023-03-30/layers/${name}/versions/1`);
    const d = await rawRequest(t.url, `/2023-03-30/layers/${name}/versions/1`);
    expect(c.json.RequestId).not.toBe(d.json.RequestId);
  });
});

describe('errors as each SDK surfaces them', () => {
  it('GetLayerVersion (2016-08-15): @alicloud/fc2 throws FCLayerNotFoundError with code, status and request id', async () => {
    const name = uniqueName('never');
    const err = await errorOf(c2.getLayerVersion(name, 1));
    expect(err.name).toBe('FCLayerNotFoundError');
    expect(err.code).toBe('LayerNotFound');
    expect(err.message).toMatch(
      new RegExp(`^GET /layers/${name}/versions/1 failed with 404\\. requestid: [0-9a-f-]{36}, message: layer '${name}' does not exist\\.$`),
    );
    expect(/requestid: (\S+),/.exec(err.message)![1]).toMatch(UUID);
  });

  it('GetLayerVersion (2021-04-06): the 2021 SDK reads Code/Message/RequestId, so err.code is the wire code', async () => {
    const name = uniqueName('never');
    const err = await errorOf(c21.getLayerVersion(name, '1'));
    expect(err.code).toBe('LayerNotFound');
    expect(err.statusCode).toBe(404);
    expect(err.data.RequestId).toMatch(UUID);
    expect(err.message).toBe(`LayerNotFound: code: 404, layer '${name}' does not exist request id: ${err.data.RequestId}`);
    expect(err.data).toEqual({
      ErrorCode: 'LayerNotFound', ErrorMessage: `layer '${name}' does not exist`,
      Code: 'LayerNotFound', Message: `layer '${name}' does not exist`, RequestId: err.data.RequestId, statusCode: 404,
    });
  });

  it('GetLayerVersion (2023-03-30): the 2023 SDK throws ClientError with code, statusCode, requestId and data', async () => {
    const name = uniqueName('never');
    const err = await errorOf(c23.getLayerVersion(name, '1'));
    expect(err.name).toBe('ClientError');
    expect(err.code).toBe('LayerNotFound');
    expect(err.statusCode).toBe(404);
    expect(err.requestId).toMatch(FC3_REQUEST_ID);
    expect(err.data).toEqual({ Code: 'LayerNotFound', Message: `layer '${name}' does not exist`, RequestId: err.requestId });
    expect(err.message).toBe(`LayerNotFound: code: 404, ${`layer '${name}' does not exist`} request id: ${err.requestId}`);
  });

  it('GetLayerVersion (2021-04-06, 2023-03-30, 2016-08-15): successful responses carry X-Fc-Request-Id too', async () => {
    const name = uniqueName();
    await create23(c23, name, TF_ZIP.bytes);
    expect((await c21.getLayerVersion(name, '1')).headers!['x-fc-request-id']).toMatch(UUID);
    expect((await c23.getLayerVersion(name, '1')).headers!['x-fc-request-id']).toMatch(FC3_REQUEST_ID);
    expect((await c2.getLayerVersion(name, 1)).headers['x-fc-request-id']).toMatch(UUID);
  });
});

describe('unknown paths', () => {
  // Raw: no SDK calls a path outside its model.
  it.each(APIS)('(%s): an unknown path → 400 PathNotSupported, as JSON', async (api) => {
    const res = await rawRequest(t.url, `/${api}/no-such-resource/x?y=1`);
    expectRawError(api, res, { status: 400, code: 'PathNotSupported', message: `'GET' against '/${api}/no-such-resource/x' is not supported` });
  });

  it.each(APIS)('(%s): a known path with an unsupported method → 400 PathNotSupported', async (api) => {
    const res = await rawRequest(t.url, `/${api}/layers`, { method: 'POST', body: '{}' });
    expectRawError(api, res, { status: 400, code: 'PathNotSupported', message: `'POST' against '/${api}/layers' is not supported` });
  });

  it('(2023-03-30): a version segment past the version → 400 PathNotSupported', async () => {
    const res = await rawRequest(t.url, '/2023-03-30/layers/x/versions/1/extra', { method: 'DELETE' });
    expectRawFc3Error(res, { status: 400, code: 'PathNotSupported', message: "'DELETE' against '/2023-03-30/layers/x/versions/1/extra' is not supported" });
  });
});

describe('bodies no SDK sends', () => {
  // Raw throughout: the SDKs always serialise a well-formed object.
  it.each(APIS)('CreateLayerVersion (%s): malformed JSON → 400 InvalidArgument', async (api) => {
    const name = uniqueName();
    const res = await rawRequest(t.url, `/${api}/layers/${name}/versions`, { method: 'POST', body: '{"code": {"zipFile": "UEsF' });
    expectRawError(api, res, invalid(/^the request body is not valid JSON: ./));
    const after = await rawRequest(t.url, `/${api}/layers/${name}/versions/1`);
    expect(after.status).toBe(404);
  });

  it.each([
    ['an array', '[]', 'the request body must be a JSON object'],
    ['a string', '"zip"', 'the request body must be a JSON object'],
    ['null', 'null', 'the request body must be a JSON object'],
    ['code as a string', '{"code": "UEsFBg=="}', 'code must be an object'],
    ['code.zipFile as a number', '{"code": {"zipFile": 5}}', 'code.zipFile must be a string'],
    ['compatibleRuntime as a string', `{"code": {"zipFile": "${TF_ZIP.bytes.toString('base64')}"}, "compatibleRuntime": "python3"}`,
      'compatibleRuntime must be a list of strings'],
    ['description as a number', `{"code": {"zipFile": "${TF_ZIP.bytes.toString('base64')}"}, "description": 5}`,
      'description must be a string'],
    ['an empty object', '{}', 'code is required: give code.zipFile, or code.ossBucketName and code.ossObjectName'],
  ])('CreateLayerVersion (2023-03-30): a body that is %s → 400 InvalidArgument', async (_what, body, message) => {
    const name = uniqueName();
    const res = await rawRequest(t.url, `/2023-03-30/layers/${name}/versions`, { method: 'POST', body });
    expectRawFc3Error(res, invalid(message));
  });

  it('CreateLayerVersion (2021-04-06): no body at all → 400 InvalidArgument (no code)', async () => {
    const res = await rawRequest(t.url, `/2021-04-06/layers/${uniqueName()}/versions`, { method: 'POST' });
    expectRawFc2Error(res, invalid('code is required: give code.zipFile, or code.ossBucketName and code.ossObjectName'));
  });

  it('CreateLayerVersion (2016-08-15): a JSON body sent as text/plain is read as JSON', async () => {
    const name = uniqueName();
    const res = await rawRequest(t.url, `/2016-08-15/layers/${name}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ code: { zipFile: TF_ZIP.bytes.toString('base64') }, compatibleRuntime: ['nodejs12'] }),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.codeChecksum).toBe(TF_ZIP.crc64);
  });

  it('(all API versions): odd requests never get a 500 and always get JSON', async () => {
    const name = uniqueName();
    await create23(c23, name, TF_ZIP.bytes);
    const odd: [string, string, string?][] = [
      ['GET', `/layers/${name}/versions/99999999999999999999`],
      ['GET', `/layers/${name}/versions/1.5`],
      ['GET', '/layers?limit=abc'],
      ['GET', '/layers?public=maybe'],
      ['GET', `/layers/${name}/versions?startVersion=-3`],
      ['GET', '/layerarn/acs%3Afc%3Acn-hangzhou%3A1234567890123456%3Alayers%2F..%2Fversions%2F1'],
      ['PUT', `/layers/${name}/acl?public=yes`],
      ['POST', `/layers/${name}/versions`, '{"code": {"zipFile": null}, "compatibleRuntime": [1, 2]}'],
      ['POST', `/layers/${name}/versions`, '{"code": {"zipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}, "compatibleRuntime": null}'],
      ['POST', `/layers/${name}/versions`, '{"code": {"zipFile": "' + 'A'.repeat(10) + '"}}'],
      ['DELETE', `/layers/${name}/versions/abc`],
    ];
    for (const api of APIS) {
      for (const [method, path, body] of odd) {
        const res = await rawRequest(t.url, `/${api}${path}`, { method, ...(body !== undefined && { body }) });
        const where = `${method} /${api}${path} → ${res.status} ${res.text}`;
        expect(res.status, where).toBeGreaterThanOrEqual(400);
        expect(res.status, where).toBeLessThan(500);
        expect(res.headers['content-type'], where).toMatch(/^application\/json/);
        expect(res.headers['x-fc-request-id'], where).toBeTruthy();
        expect(Object.keys(res.json ?? {}).sort(), where).toEqual(
          api === '2023-03-30' ? ['Code', 'Message', 'RequestId'] : ['Code', 'ErrorCode', 'ErrorMessage', 'Message', 'RequestId'],
        );
      }
    }
  });

  // Raw: an SDK percent-encodes every path it sends.
  it.each(APIS)('GetLayerVersionByArn (%s): a malformed percent-encoding in the path → 400 FC error, as JSON', async (api) => {
    const res = await rawRequest(t.url, `/${api}/layerarn/%E0%A4%A`);
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-fc-request-id'], res.text).toBeTruthy();
    const code = api === '2023-03-30' ? res.json?.Code : res.json?.ErrorCode;
    expect(['InvalidArgument', 'PathNotSupported'], res.text).toContain(code);
  });
});
