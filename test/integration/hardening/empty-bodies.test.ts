/**
 * Operations that take no body accept an empty one however the client frames it, as the clouds do
 * (docs/specs/tools-on-the-wire.md): the Alibaba Java SDK sends DeleteLayerVersion and PutLayerACL chunked with zero
 * bytes and no Content-Type; the aliyun CLI sends DELETE with `Content-Type: application/octet-stream` and the
 * Content-MD5 of nothing, and PUT with `Content-Length: 0`; some AWS clients send `Content-Type: application/json`
 * on a DELETE. Raw requests reproduce those exact framings (the Node SDKs frame them otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { GetLayerVersionCommand } from '@aws-sdk/client-lambda';
import type { TestApp } from '../../helpers/app.js';
import * as aws from '../../helpers/aws.js';
import { create23, rawRequest, smallZip, startFcApp, uniqueName, type FC23Client } from '../../helpers/fc.js';

const EMPTY_MD5 = '1B2M2Y8AsgTpgAmY7PhCfg==';
const noBytes = () => (async function* (): AsyncIterable<Uint8Array> {})();

/** The framings of an empty body, by the client that sends them. */
const SHAPES: [string, { headers: Record<string, string | null>; body?: string | AsyncIterable<Uint8Array> }][] = [
  ['Java SDK: chunked, zero bytes, no Content-Type', { headers: { 'content-type': null, 'transfer-encoding': 'chunked' } }],
  ['aliyun CLI: octet-stream and the MD5 of nothing, no Content-Length', { headers: { 'content-type': 'application/octet-stream', 'content-md5': EMPTY_MD5 } }],
  ['aliyun CLI: Content-Length 0 with octet-stream', { headers: { 'content-type': 'application/octet-stream' }, body: '' }],
  ['JSON Content-Type and Content-Length 0', { headers: { 'content-type': 'application/json' }, body: '' }],
];

/** The options for a shape; the Java shape gets a fresh empty chunked stream each time. */
const framed = (i: number) => {
  const [name, shape] = SHAPES[i]!;
  return { name, headers: shape.headers, body: name.startsWith('Java') ? noBytes() : shape.body };
};

describe('FC: empty bodies on operations that take none', () => {
  let t: TestApp, c23: FC23Client;
  beforeAll(async () => ({ t, c23 } = await startFcApp()));
  afterAll(() => t?.close());

  for (const api of ['2016-08-15', '2021-04-06', '2023-03-30'] as const) {
    it.each(SHAPES.map((_, i) => i))(`DeleteLayerVersion (${api}): an empty body framed as shape %i → 204`, async (i) => {
      const name = uniqueName('empty');
      await create23(c23, name, await smallZip());
      const { body, headers } = framed(i);
      const res = await rawRequest(t.url, `/${api}/layers/${name}/versions/1`, { method: 'DELETE', headers, body });
      expect(res.status, `${framed(i).name}: ${res.text}`).toBe(204);
      const gone = await rawRequest(t.url, `/${api}/layers/${name}/versions/1`);
      expect(gone.status).toBe(404);
    });

    it.each(SHAPES.map((_, i) => i))(`PutLayerACL (${api}): an empty body framed as shape %i → 200`, async (i) => {
      const name = uniqueName('empty');
      await create23(c23, name, await smallZip());
      const query = api === '2023-03-30' ? 'acl=1' : 'public=true';
      const { body, headers } = framed(i);
      const res = await rawRequest(t.url, `/${api}/layers/${name}/acl?${query}`, { method: 'PUT', headers, body });
      expect(res.status, `${framed(i).name}: ${res.text}`).toBe(200);
      const layer = await c23.getLayerVersion(name, '1');
      expect(layer.body!.acl).toBe('1');
    });
  }

  it('CreateLayerVersion (2023-03-30): an empty body is still refused, as a missing document', async () => {
    const res = await rawRequest(t.url, `/2023-03-30/layers/${uniqueName('empty')}/versions`, { method: 'POST', body: '' });
    expect(res.status).toBe(400);
    expect(res.json.Code).toBe('InvalidArgument');
  });
});

describe('AWS: empty bodies on operations that take none', () => {
  let t: TestApp, client: LambdaClient;
  beforeAll(async () => ({ t, client } = await aws.startAwsApp()));
  afterAll(() => aws.stopAwsApp(t, client));

  it.each(SHAPES.map((_, i) => i))('DeleteLayerVersion: an empty body framed as shape %i → 204', async (i) => {
    const name = aws.uniqueName();
    await aws.publish(client, name);
    const { body, headers } = framed(i);
    const res = await aws.rawRequest(t.url, `/2018-10-31/layers/${name}/versions/1`, { method: 'DELETE', headers, body });
    expect(res.status, `${framed(i).name}: ${res.text}`).toBe(204);
    await aws.expectAwsError(client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 })), {
      status: 404, code: 'ResourceNotFoundException', message: 'The resource you requested does not exist.',
    });
  });

  it.each(SHAPES.map((_, i) => i))('GetLayerVersionPolicy: an empty body framed as shape %i is no body', async (i) => {
    const name = aws.uniqueName();
    await aws.publish(client, name);
    const { body, headers } = framed(i);
    const res = await aws.rawRequest(t.url, `/2018-10-31/layers/${name}/versions/1/policy`, { method: 'GET', headers, body });
    expect(res.status, `${framed(i).name}: ${res.text}`).toBe(404);
    expect(res.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
    expect(res.json).toEqual({ Type: 'User', Message: 'No policy is associated with the given resource.' });
  });

  it('PublishLayerVersion: an empty body is still refused as unparsable JSON', async () => {
    const res = await aws.rawRequest(t.url, `/2018-10-31/layers/${aws.uniqueName()}/versions`, { method: 'POST', body: '' });
    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
  });
});
