/** PublishLayerVersion: the success path, numbering, download links and caller identity (spec §2, §3.1). */
import { GetLayerVersionCommand, type LambdaClient, type Runtime } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import {
  ACCOUNT, CREATED_DATE, DEFAULT_ACCOUNT, REGION, download, inPieces, lambdaClient, publish, rawOf, rawRequest,
  sha256Base64, smallZip, uniqueName,
  startAwsApp, stopAwsApp,
} from '../../helpers/aws.js';
import { makeZip } from '../../helpers/zips.js';

let t: TestApp;
let client: LambdaClient;
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client));

describe('PublishLayerVersion', () => {
  it('PublishLayerVersion: returns 201 with every field of the new version', async () => {
    const name = uniqueName();
    const zip = await makeZip({ 'python/mod.py': 'X = 1\n', 'python/data.txt': 'data' });
    const out = await publish(client, name, {
      Content: { ZipFile: zip },
      Description: 'my layer',
      LicenseInfo: 'MIT',
      CompatibleRuntimes: ['python3.12', 'nodejs20.x'],
      CompatibleArchitectures: ['arm64', 'x86_64'],
    });
    const raw = rawOf(out);
    expect(raw.status).toBe(201);
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(raw.headers['content-type']).toMatch(/^application\/json/);
    const layerArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}`;
    expect(raw.json).toEqual({
      Content: { Location: expect.any(String), CodeSha256: sha256Base64(zip), CodeSize: zip.length },
      LayerArn: layerArn,
      LayerVersionArn: `${layerArn}:1`,
      Description: 'my layer',
      CreatedDate: expect.stringMatching(CREATED_DATE),
      Version: 1,
      LicenseInfo: 'MIT',
      CompatibleRuntimes: ['python3.12', 'nodejs20.x'],
      CompatibleArchitectures: ['arm64', 'x86_64'],
    });
    expect(raw.json.Content.CodeSha256).toHaveLength(44);
    expect(() => new URL(raw.json.Content.Location)).not.toThrow();
  });

  it('PublishLayerVersion: CreatedDate is the UTC time of publishing with milliseconds and +0000', async () => {
    const before = Date.now();
    const out = await publish(client, uniqueName());
    const after = Date.now();
    expect(out.CreatedDate).toMatch(CREATED_DATE);
    const at = Date.parse(out.CreatedDate!.replace('+0000', 'Z'));
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(after + 1000);
  });

  it('PublishLayerVersion: Description is "" and LicenseInfo and the lists are absent when not sent', async () => {
    const out = await publish(client, uniqueName());
    const body = rawOf(out).json;
    expect(body.Description).toBe('');
    expect(Object.keys(body).sort()).toEqual(
      ['Content', 'CreatedDate', 'Description', 'LayerArn', 'LayerVersionArn', 'Version'].sort(),
    );
    expect(Object.keys(body.Content).sort()).toEqual(['CodeSha256', 'CodeSize', 'Location']);
  });

  it('PublishLayerVersion: empty lists are echoed as []', async () => {
    const out = await publish(client, uniqueName(), { CompatibleRuntimes: [], CompatibleArchitectures: [] });
    const body = rawOf(out).json;
    expect(body.CompatibleRuntimes).toEqual([]);
    expect(body.CompatibleArchitectures).toEqual([]);
    expect('LicenseInfo' in body).toBe(false);
  });

  it('PublishLayerVersion: Terraform-style empty Description and LicenseInfo read back as ""', async () => {
    // Terraform always sends both, possibly "" (spec §7); either "" or an absent LicenseInfo reads as "".
    const out = await publish(client, uniqueName(), { Description: '', LicenseInfo: '' });
    const body = rawOf(out).json;
    expect(body.Description).toBe('');
    expect(body.LicenseInfo ?? '').toBe('');
  });

  it('PublishLayerVersion: lists are echoed in request order, not sorted', async () => {
    const out = await publish(client, uniqueName(), {
      CompatibleRuntimes: ['ruby3.3', 'java21', 'provided.al2023', 'dotnet8'],
      CompatibleArchitectures: ['x86_64', 'arm64'],
    });
    const body = rawOf(out).json;
    expect(body.CompatibleRuntimes).toEqual(['ruby3.3', 'java21', 'provided.al2023', 'dotnet8']);
    expect(body.CompatibleArchitectures).toEqual(['x86_64', 'arm64']);
    const back = await client.send(new GetLayerVersionCommand({ LayerName: out.LayerArn!.split(':').pop(), VersionNumber: 1 }));
    expect(rawOf(back).json.CompatibleRuntimes).toEqual(['ruby3.3', 'java21', 'provided.al2023', 'dotnet8']);
  });

  it('PublishLayerVersion: accepts 15 runtimes including deprecated ones, and both architectures', async () => {
    const runtimes: Runtime[] = [
      'nodejs12.x', 'nodejs14.x', 'python3.7', 'java8', 'go1.x', 'dotnetcore3.1', 'ruby2.7', 'provided',
      'nodejs24.x', 'python3.14', 'java25', 'dotnet10', 'ruby3.4', 'provided.al2', 'java8.al2',
    ];
    const out = await publish(client, uniqueName(), { CompatibleRuntimes: runtimes, CompatibleArchitectures: ['arm64', 'x86_64'] });
    expect(out.CompatibleRuntimes).toEqual(runtimes);
  });

  it('PublishLayerVersion: numbers versions 1, 2, 3 per layer, independently of other layers', async () => {
    const a = uniqueName();
    const b = uniqueName();
    expect((await publish(client, a)).Version).toBe(1);
    expect((await publish(client, a)).Version).toBe(2);
    expect((await publish(client, b)).Version).toBe(1);
    const third = await publish(client, a);
    expect(third.Version).toBe(3);
    expect(third.LayerVersionArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${a}:3`);
  });

  it('PublishLayerVersion: identical content twice makes a new version with the same CodeSha256', async () => {
    const name = uniqueName();
    const zip = await smallZip('same');
    const one = await publish(client, name, { Content: { ZipFile: zip } });
    const two = await publish(client, name, { Content: { ZipFile: zip } });
    expect([one.Version, two.Version]).toEqual([1, 2]);
    expect(two.Content!.CodeSha256).toBe(one.Content!.CodeSha256);
    expect(two.Content!.CodeSha256).toBe(sha256Base64(zip));
    expect(two.Content!.CodeSize).toBe(zip.length);
  });

  it('PublishLayerVersion: Location downloads exactly the uploaded bytes', async () => {
    const zip = await makeZip({ 'bin/tool': Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251)) });
    const out = await publish(client, uniqueName(), { Content: { ZipFile: zip } });
    const got = await download(out.Content!.Location!);
    expect(got.status).toBe(200);
    expect(got.body.equals(zip)).toBe(true);
  });

  it('PublishLayerVersion: a Location with a tampered signature is refused with 403 XML', async () => {
    const out = await publish(client, uniqueName());
    const url = new URL(out.Content!.Location!);
    const [name, value] = [...url.searchParams.entries()].find(([k]) => /signature/i.test(k))!;
    url.searchParams.set(name, (value.startsWith('0') ? '1' : '0') + value.slice(1));
    const got = await download(url.toString());
    expect(got.status).toBe(403);
    expect(got.headers['content-type']).toMatch(/xml/);
    expect(got.body.toString()).toContain('<Error>');
    expect(got.body.toString()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('PublishLayerVersion: an expired Location is refused with 403', async () => {
    const short = await startTestApp({ STRATA_LINK_TTL_SECONDS: '1' });
    const c = lambdaClient(short.url);
    try {
      const zip = await smallZip();
      const out = await publish(c, uniqueName(), { Content: { ZipFile: zip } });
      const fresh = await download(out.Content!.Location!);
      expect(fresh.status).toBe(200);
      expect(fresh.body.equals(zip)).toBe(true);
      await new Promise((r) => setTimeout(r, 2100));
      const stale = await download(out.Content!.Location!);
      expect(stale.status).toBe(403);
      expect(stale.headers['content-type']).toMatch(/xml/);
      expect(stale.body.toString()).toContain('<Code>AccessDenied</Code>');
    } finally {
      c.destroy();
      await short.close();
    }
  });

  it('PublishLayerVersion: takes the account from a 12-digit access key id and the region from SigV4', async () => {
    const other = lambdaClient(t.url, { region: 'eu-west-1', accessKeyId: '210987654321' });
    try {
      const name = uniqueName();
      const out = await publish(other, name);
      expect(out.LayerArn).toBe(`arn:aws:lambda:eu-west-1:210987654321:layer:${name}`);
      expect(out.LayerVersionArn).toBe(`arn:aws:lambda:eu-west-1:210987654321:layer:${name}:1`);
      // The same name in the default client's account and region is another layer.
      expect((await publish(client, name)).Version).toBe(1);
      expect((await publish(other, name)).Version).toBe(2);
    } finally {
      other.destroy();
    }
  });

  it('PublishLayerVersion: a non-numeric access key id publishes into the default account 000000000000', async () => {
    const anon = lambdaClient(t.url, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    try {
      const name = uniqueName();
      const out = await publish(anon, name);
      expect(out.LayerArn).toBe(`arn:aws:lambda:${REGION}:${DEFAULT_ACCOUNT}:layer:${name}`);
    } finally {
      anon.destroy();
    }
  });

  it('PublishLayerVersion: a LayerName given as a layer ARN publishes to that layer', async () => {
    const name = uniqueName();
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}`;
    const first = await publish(client, arn);
    expect(first.LayerArn).toBe(arn);
    expect(first.LayerVersionArn).toBe(`${arn}:1`);
    const second = await publish(client, name);
    expect(second.Version).toBe(2);
    expect(second.LayerArn).toBe(arn);
  });

  it('PublishLayerVersion: a body sent with Transfer-Encoding: chunked is accepted', async () => {
    // The SDK always sends a Content-Length; a streamed request body needs a raw request.
    const name = uniqueName();
    const zip = await smallZip();
    const json = JSON.stringify({ Content: { ZipFile: zip.toString('base64') }, Description: 'chunked' });
    const res = await rawRequest(t.url, `/2018-10-31/layers/${name}/versions`, {
      method: 'POST',
      body: inPieces(Buffer.from(json), 37),
    });
    expect(res.status).toBe(201);
    const out = res.json;
    expect(out.Version).toBe(1);
    expect(out.Description).toBe('chunked');
    expect(out.Content.CodeSha256).toBe(sha256Base64(zip));
    expect(out.Content.CodeSize).toBe(zip.length);
    expect(out.LayerArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}`);
  });

  it('PublishLayerVersion: a body without Content-Type is still read as JSON', async () => {
    // The SDK always sets Content-Type: application/json; this sends none.
    const name = uniqueName();
    const zip = await smallZip();
    const res = await rawRequest(t.url, `/2018-10-31/layers/${name}/versions`, {
      method: 'POST',
      headers: { 'content-type': null },
      body: JSON.stringify({ Content: { ZipFile: zip.toString('base64') } }),
    });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text).Content.CodeSha256).toBe(sha256Base64(zip));
  });
});
