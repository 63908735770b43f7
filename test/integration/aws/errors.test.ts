/** The error envelope common to all operations: unknown routes, request ids, headers (spec §1, §1.1). */
import {
  DeleteLayerVersionCommand, GetLayerVersionCommand, ListLayersCommand, ListLayerVersionsCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  UUID_V4, errorOf, publish, rawOf, rawRequest, uniqueName, type RawResponse,
  startAwsApp, stopAwsApp,
} from '../../helpers/aws.js';
import { VERIFY } from '../../helpers/auth.js';

let t: TestApp;
let client: LambdaClient;
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client));

function expectAccessDenied(res: RawResponse) {
  expect(res.status).toBe(403);
  expect(res.headers['x-amzn-errortype']).toBe('AccessDeniedException');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json).toBeTypeOf('object');
  expect(typeof (res.json.message ?? res.json.Message)).toBe('string');
  expect(res.headers['x-amzn-requestid']).toMatch(UUID_V4);
}

describe('unknown operations', () => {
  // None of these map to an operation, so the SDK has no command that could send them.
  it('Unknown operation: GET /2018-10-31/nope is 403 AccessDeniedException in JSON', async () => {
    expectAccessDenied(await rawRequest(t.url, '/2018-10-31/nope'));
  });

  it('Unknown operation: PUT /2018-10-31/layers/x/versions is 403 AccessDeniedException in JSON', async () => {
    expectAccessDenied(await rawRequest(t.url, '/2018-10-31/layers/x/versions', { method: 'PUT', body: '{}' }));
  });

  it('Unknown operation: other unmapped methods and paths are 403 AccessDeniedException too', async () => {
    expectAccessDenied(await rawRequest(t.url, '/2018-10-31/layers', { method: 'DELETE' }));
    expectAccessDenied(await rawRequest(t.url, '/2018-10-31/layers/x', { method: 'GET' }));
    expectAccessDenied(await rawRequest(t.url, '/2018-10-31/layers/x/versions/1', { method: 'PATCH', body: '{}' }));
    expectAccessDenied(await rawRequest(t.url, '/2018-10-31/layers/x/versions/1/policy/s1/extra'));
  });

  it('Unknown operation: unsigned, 403 AccessDeniedException; MissingAuthenticationTokenException once signatures are verified', async () => {
    const res = await rawRequest(t.url, '/2018-10-31/', { account: false });
    if (!VERIFY) return expectAccessDenied(res);
    expect(res.status).toBe(403);
    expect(res.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(res.json).toEqual({ message: 'Missing Authentication Token' });
  });
});

describe('request ids', () => {
  it('Every operation: success responses carry a uuid x-amzn-RequestId and a JSON content type', async () => {
    const name = uniqueName();
    const published = await publish(client, name);
    const got = await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    const listed = await client.send(new ListLayersCommand({}));
    const versions = await client.send(new ListLayerVersionsCommand({ LayerName: name }));
    const deleted = await client.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    const ids = new Set<string>();
    for (const out of [published, got, listed, versions, deleted]) {
      const raw = rawOf(out);
      expect(raw.headers['x-amzn-requestid']).toMatch(UUID_V4);
      expect(out.$metadata.requestId).toBe(raw.headers['x-amzn-requestid']);
      ids.add(raw.headers['x-amzn-requestid']!);
      expect(raw.headers.date).toBeDefined();
      expect(Number(raw.headers['content-length'] ?? 0)).toBe(Buffer.byteLength(raw.text));
      if (raw.status !== 204) expect(raw.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(ids.size).toBe(5);
  });

  it('Every operation: error responses carry a uuid x-amzn-RequestId', async () => {
    const responses: RawResponse[] = [];
    for (const call of [
      client.send(new GetLayerVersionCommand({ LayerName: uniqueName('nope'), VersionNumber: 1 })), // 404
      client.send(new GetLayerVersionCommand({ LayerName: uniqueName('nope'), VersionNumber: -1 })), // 400 IPVE
      client.send(new ListLayersCommand({ MaxItems: 0 })), // 400 ValidationException
    ]) {
      const err = await errorOf(call);
      responses.push(rawOf(err));
      expect(err.$metadata.httpStatusCode).toBe(rawOf(err).status);
    }
    responses.push(await rawRequest(t.url, `/2018-10-31/layers/${uniqueName()}/versions`, { method: 'POST', body: '{' })); // 400
    responses.push(await rawRequest(t.url, '/2018-10-31/nope')); // 403
    expect(responses.map((r) => r.status)).toEqual([404, 400, 400, 400, 403]);
    for (const r of responses) {
      expect(r.headers['x-amzn-requestid']).toMatch(UUID_V4);
      expect(r.headers['x-amzn-errortype']).toMatch(/^[A-Za-z]+Exception$/);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(new Set(responses.map((r) => r.headers['x-amzn-requestid'])).size).toBe(responses.length);
  });

  it('Every operation: x-amzn-ErrorType is the bare shape name', async () => {
    const err = await errorOf(client.send(new ListLayersCommand({ MaxItems: 51 })));
    expect(rawOf(err).headers['x-amzn-errortype']).toBe('ValidationException');
    expect(err.name).toBe('ValidationException');
  });
});

describe('request bodies of other operations', () => {
  it('AddLayerVersionPermission: malformed JSON is InvalidRequestContentException', async () => {
    // The SDK only sends well-formed JSON.
    const name = uniqueName();
    await publish(client, name);
    const res = await rawRequest(t.url, `/2018-10-31/layers/${name}/versions/1/policy`, { method: 'POST', body: '{"StatementId":' });
    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
    expect(res.json.message).toMatch(/^Could not parse request body into json: /);
  });

  it('AddLayerVersionPermission: a member of the wrong JSON type is InvalidRequestContentException', async () => {
    // The SDK's types only allow a string principal.
    const name = uniqueName();
    await publish(client, name);
    const res = await rawRequest(t.url, `/2018-10-31/layers/${name}/versions/1/policy`, {
      method: 'POST',
      body: JSON.stringify({ StatementId: 's1', Action: 'lambda:GetLayerVersion', Principal: ['*'] }),
    });
    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
    expect(res.json.message).toMatch(/^Could not parse request body into json: /);
  });
});
