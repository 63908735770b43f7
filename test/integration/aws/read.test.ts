/** GetLayerVersion and GetLayerVersionByArn (spec §1.0, §3.2, §3.3). */
import { GetLayerVersionByArnCommand, GetLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  ACCOUNT, CREATED_DATE, REGION, download, expectAwsError, expectValidationError, lambdaClient, notFoundBody, publish,
  rawOf, rawRequest, sha256Base64, uniqueName, userErrorBody,
  startAwsApp, stopAwsApp,
} from '../../helpers/aws.js';
import { makeZip } from '../../helpers/zips.js';

const NOT_FOUND = 'The resource you requested does not exist.';
const BELOW_ONE = 'Layer Version Cannot be less than 1';
const ARN_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|' +
  '(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)';

let t: TestApp;
let client: LambdaClient;
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client));

const layerArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}`;

/** The body minus Content.Location, which is a freshly signed link on every response. */
function withoutLocation(body: Record<string, any>) {
  const { Location: _location, ...content } = body.Content;
  return { ...body, Content: content };
}

function expectNotFound(call: Promise<unknown>) {
  return expectAwsError(call, { status: 404, code: 'ResourceNotFoundException', message: NOT_FOUND, body: notFoundBody(NOT_FOUND) });
}

function expectBelowOne(call: Promise<unknown>) {
  return expectAwsError(call, {
    status: 400,
    code: 'InvalidParameterValueException',
    message: BELOW_ONE,
    body: userErrorBody(BELOW_ONE),
  });
}

describe('GetLayerVersion', () => {
  it('GetLayerVersion: returns 200 with the same fields Publish returned', async () => {
    const name = uniqueName();
    const zip = await makeZip({ 'java/lib/x.jar': 'jar' });
    const published = await publish(client, name, {
      Content: { ZipFile: zip },
      Description: 'described',
      LicenseInfo: 'Apache-2.0',
      CompatibleRuntimes: ['java21'],
      CompatibleArchitectures: ['arm64'],
    });
    const got = await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    const raw = rawOf(got);
    expect(raw.status).toBe(200);
    expect(raw.headers['content-type']).toMatch(/^application\/json/);
    expect(withoutLocation(raw.json)).toEqual(withoutLocation(rawOf(published).json));
    expect(raw.json).toEqual({
      Content: { Location: expect.any(String), CodeSha256: sha256Base64(zip), CodeSize: zip.length },
      LayerArn: layerArn(name),
      LayerVersionArn: `${layerArn(name)}:1`,
      Description: 'described',
      CreatedDate: expect.stringMatching(CREATED_DATE),
      Version: 1,
      LicenseInfo: 'Apache-2.0',
      CompatibleRuntimes: ['java21'],
      CompatibleArchitectures: ['arm64'],
    });
    expect((await download(got.Content!.Location!)).body.equals(zip)).toBe(true);
  });

  it('GetLayerVersion: keeps absent members absent and Description ""', async () => {
    const name = uniqueName();
    await publish(client, name);
    const body = rawOf(await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }))).json;
    expect(body.Description).toBe('');
    for (const key of ['LicenseInfo', 'CompatibleRuntimes', 'CompatibleArchitectures']) expect(body).not.toHaveProperty(key);
  });

  it('GetLayerVersion: reads each version of a layer', async () => {
    const name = uniqueName();
    const v1 = await publish(client, name, { Description: 'one' });
    const v2 = await publish(client, name, { Description: 'two' });
    const g1 = await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    const g2 = await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 2 }));
    expect([g1.Description, g1.Content!.CodeSha256]).toEqual(['one', v1.Content!.CodeSha256]);
    expect([g2.Description, g2.Content!.CodeSha256]).toEqual(['two', v2.Content!.CodeSha256]);
  });

  it('GetLayerVersion: an unknown layer is 404 ResourceNotFoundException', async () => {
    await expectNotFound(client.send(new GetLayerVersionCommand({ LayerName: uniqueName('nope'), VersionNumber: 1 })));
  });

  it('GetLayerVersion: an unknown version of a known layer is 404 ResourceNotFoundException', async () => {
    const name = uniqueName();
    await publish(client, name);
    await expectNotFound(client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 2 })));
  });

  it('GetLayerVersion: another account cannot see the layer by name', async () => {
    const name = uniqueName();
    await publish(client, name);
    const other = lambdaClient(t.url, { accessKeyId: '210987654321' });
    try {
      await expectNotFound(other.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 })));
    } finally {
      other.destroy();
    }
  });

  it('GetLayerVersion: version 0 and -1 are 400 InvalidParameterValueException', async () => {
    const name = uniqueName();
    await publish(client, name);
    await expectBelowOne(client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 0 })));
    await expectBelowOne(client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: -1 })));
  });

  it('GetLayerVersion: version 0 and -1 are 400 for unknown layers too', async () => {
    const name = uniqueName('nope');
    await expectBelowOne(client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 0 })));
    await expectBelowOne(client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: -1 })));
  });

  it('GetLayerVersion: a LayerName given as a percent-encoded layer ARN reads the layer', async () => {
    const name = uniqueName();
    const published = await publish(client, name);
    // The SDK sends arn%3Aaws%3Alambda%3A… in the path (spec §1.0).
    const got = await client.send(new GetLayerVersionCommand({ LayerName: layerArn(name), VersionNumber: 1 }));
    expect(got.LayerVersionArn).toBe(`${layerArn(name)}:1`);
    expect(got.Content!.CodeSha256).toBe(published.Content!.CodeSha256);
    await expectBelowOne(client.send(new GetLayerVersionCommand({ LayerName: layerArn(name), VersionNumber: -1 })));
    await expectNotFound(client.send(new GetLayerVersionCommand({ LayerName: layerArn(name), VersionNumber: 9 })));
  });

  it('GetLayerVersion: an invalid LayerName is a ValidationException', async () => {
    await expectValidationError(
      client.send(new GetLayerVersionCommand({ LayerName: 'no.dots', VersionNumber: 1 })),
      "1 validation error detected: Value 'no.dots' at 'layerName' failed to satisfy constraint: Member must satisfy " +
        'regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:' +
        '\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+',
    );
  });
});

describe('GetLayerVersionByArn', () => {
  it('GetLayerVersionByArn: returns the version (SDK v3 sends Arn before find)', async () => {
    const name = uniqueName();
    const zip = await makeZip({ 'x.txt': 'x' });
    const published = await publish(client, name, { Content: { ZipFile: zip }, CompatibleRuntimes: ['python3.12'] });
    await publish(client, name);
    const got = await client.send(new GetLayerVersionByArnCommand({ Arn: `${layerArn(name)}:1` }));
    const raw = rawOf(got);
    expect(raw.status).toBe(200);
    expect(withoutLocation(raw.json)).toEqual(withoutLocation(rawOf(published).json));
    expect(raw.json.Version).toBe(1);
    expect((await download(got.Content!.Location!)).body.equals(zip)).toBe(true);
  });

  it('GetLayerVersionByArn: routes on find=LayerVersion in any query order (botocore sends find first)', async () => {
    // The SDK fixes the query order; botocore's order needs a raw request.
    const name = uniqueName();
    const published = await publish(client, name, { Description: 'find first' });
    const arn = encodeURIComponent(`${layerArn(name)}:1`);
    const res = await rawRequest(t.url, `/2018-10-31/layers?find=LayerVersion&Arn=${arn}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-amzn-requestid']).toBeDefined();
    expect(withoutLocation(res.json)).toEqual(withoutLocation(rawOf(published).json));
    // And in the SDK's order too, byte for byte the same apart from the signed link.
    const sdkOrder = await rawRequest(t.url, `/2018-10-31/layers?Arn=${arn}&find=LayerVersion`);
    expect(withoutLocation(sdkOrder.json)).toEqual(withoutLocation(res.json));
  });

  it('GetLayerVersionByArn: an ARN without a version is the recorded ValidationException', async () => {
    const arn = layerArn(uniqueName());
    await expectValidationError(
      client.send(new GetLayerVersionByArnCommand({ Arn: arn })),
      `1 validation error detected: Value '${arn}' at 'arn' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${ARN_PATTERN}`,
    );
  });

  it('GetLayerVersionByArn: the ValidationException body is {"message": …} with JSON-escaped backslashes', async () => {
    const arn = layerArn(uniqueName());
    const res = await rawRequest(t.url, `/2018-10-31/layers?find=LayerVersion&Arn=${encodeURIComponent(arn)}`);
    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(res.text).toContain('-\\\\d{1}:\\\\d{12}:layer:');
    expect(res.json.message).toBe(
      `1 validation error detected: Value '${arn}' at 'arn' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${ARN_PATTERN}`,
    );
  });

  it('GetLayerVersionByArn: an unknown version is 404 ResourceNotFoundException', async () => {
    const name = uniqueName();
    await publish(client, name);
    await expectNotFound(client.send(new GetLayerVersionByArnCommand({ Arn: `${layerArn(name)}:2` })));
  });

  it('GetLayerVersionByArn: an unknown layer is 404 ResourceNotFoundException', async () => {
    await expectNotFound(client.send(new GetLayerVersionByArnCommand({ Arn: `${layerArn(uniqueName('nope'))}:1` })));
  });

  it('GetLayerVersionByArn: reads a layer in the account and region the ARN names', async () => {
    const other = lambdaClient(t.url, { region: 'eu-west-1', accessKeyId: '210987654321' });
    try {
      const name = uniqueName();
      const published = await publish(other, name);
      const got = await other.send(new GetLayerVersionByArnCommand({ Arn: published.LayerVersionArn! }));
      expect(got.LayerVersionArn).toBe(`arn:aws:lambda:eu-west-1:210987654321:layer:${name}:1`);
      expect(got.Content!.CodeSha256).toBe(published.Content!.CodeSha256);
    } finally {
      other.destroy();
    }
  });
});
