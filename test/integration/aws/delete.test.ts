/** DeleteLayerVersion (spec §2 Version, §3.6). */
import { join } from 'node:path';
import {
  DeleteLayerVersionCommand, GetLayerVersionCommand, ListLayerVersionsCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  ACCOUNT, REGION, blobFiles, blobKeyOf, download, expectAwsError, lambdaClient, notFoundBody, publish, rawOf,
  uniqueName, userErrorBody,
  startAwsApp, stopAwsApp,
} from '../../helpers/aws.js';
import { makeZip } from '../../helpers/zips.js';

const BELOW_ONE = 'Layer Version Cannot be less than 1';
const NOT_FOUND = 'The resource you requested does not exist.';

let t: TestApp;
let client: LambdaClient;
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client));

const del = (LayerName: string, VersionNumber: number) => client.send(new DeleteLayerVersionCommand({ LayerName, VersionNumber }));

/** Deletes and asserts a 204 with an empty body. */
async function expectDeleted(name: string, version: number): Promise<void> {
  const out = await del(name, version);
  const raw = rawOf(out);
  expect(raw.status).toBe(204);
  expect(raw.text).toBe('');
  expect(raw.headers['x-amzn-requestid']).toBeDefined();
}

describe('DeleteLayerVersion', () => {
  it('DeleteLayerVersion: returns 204 with an empty body and the version is gone', async () => {
    const name = uniqueName();
    await publish(client, name);
    await publish(client, name);
    await expectDeleted(name, 1);
    await expectAwsError(client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 })), {
      status: 404,
      code: 'ResourceNotFoundException',
      body: notFoundBody(NOT_FOUND),
    });
    const left = await client.send(new ListLayerVersionsCommand({ LayerName: name }));
    expect(left.LayerVersions!.map((v) => v.Version)).toEqual([2]);
    expect((await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 2 }))).Version).toBe(2);
  });

  it('DeleteLayerVersion: returns 204 for unknown layers', async () => {
    await expectDeleted(uniqueName('nope'), 1);
  });

  it('DeleteLayerVersion: returns 204 for unknown versions', async () => {
    const name = uniqueName();
    await publish(client, name);
    await expectDeleted(name, 7);
    expect((await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }))).Version).toBe(1);
  });

  it('DeleteLayerVersion: returns 204 when deleting the same version twice', async () => {
    const name = uniqueName();
    await publish(client, name);
    await expectDeleted(name, 1);
    await expectDeleted(name, 1);
  });

  it('DeleteLayerVersion: version -1 and 0 are 400 InvalidParameterValueException', async () => {
    const name = uniqueName();
    await publish(client, name);
    for (const version of [-1, 0]) {
      await expectAwsError(del(name, version), {
        status: 400,
        code: 'InvalidParameterValueException',
        message: BELOW_ONE,
        body: userErrorBody(BELOW_ONE),
      });
    }
    await expectAwsError(del(uniqueName('nope'), -1), { status: 400, code: 'InvalidParameterValueException', body: userErrorBody(BELOW_ONE) });
  });

  it('DeleteLayerVersion: version numbers are never reused (1, 2 deleted → next publish is 3)', async () => {
    const name = uniqueName();
    await publish(client, name);
    await publish(client, name);
    await expectDeleted(name, 1);
    await expectDeleted(name, 2);
    expect((await client.send(new ListLayerVersionsCommand({ LayerName: name }))).LayerVersions).toEqual([]);
    const third = await publish(client, name);
    expect(third.Version).toBe(3);
    expect(third.LayerVersionArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}:3`);
  });

  it('DeleteLayerVersion: deleting the newest version does not free its number', async () => {
    const name = uniqueName();
    await publish(client, name);
    await publish(client, name);
    await expectDeleted(name, 2);
    expect((await publish(client, name)).Version).toBe(3);
  });

  it('DeleteLayerVersion: removes the blob and the download link stops working', async () => {
    const name = uniqueName();
    const out = await publish(client, name);
    const key = blobKeyOf(out.Content!.Location!);
    const blobs = await blobFiles(t);
    expect(blobs, `a blob named ${key} in the store`).toContain(key);
    await expectDeleted(name, 1);
    expect(await blobFiles(t)).not.toContain(key);
    expect((await blobFiles(t)).length).toBe(blobs.length - 1);
    const after = await download(out.Content!.Location!);
    expect(after.status).toBeGreaterThanOrEqual(400);
  });

  it('DeleteLayerVersion: deleting one of two identical uploads keeps the other downloadable', async () => {
    const name = uniqueName();
    const zip = await makeZip({ 'same.txt': 'same' });
    const one = await publish(client, name, { Content: { ZipFile: zip } });
    const two = await publish(client, name, { Content: { ZipFile: zip } });
    expect(two.Content!.CodeSha256).toBe(one.Content!.CodeSha256);
    await expectDeleted(name, 1);
    const got = await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 2 }));
    const body = await download(got.Content!.Location!);
    expect(body.status).toBe(200);
    expect(body.body.equals(zip)).toBe(true);
  });

  it('DeleteLayerVersion: a LayerName given as a layer ARN deletes that layer\'s version', async () => {
    const name = uniqueName();
    await publish(client, name);
    await expectDeleted(`arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}`, 1);
    expect((await client.send(new ListLayerVersionsCommand({ LayerName: name }))).LayerVersions).toEqual([]);
  });

  it('DeleteLayerVersion: another account deleting by name does not touch the layer', async () => {
    const name = uniqueName();
    await publish(client, name);
    const other = lambdaClient(t.url, { accessKeyId: '210987654321' });
    try {
      const out = await other.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
      expect(rawOf(out).status).toBe(204);
    } finally {
      other.destroy();
    }
    expect((await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }))).Version).toBe(1);
  });
});
