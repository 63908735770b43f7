/**
 * The console's JSON API, called as its page calls it; what it publishes, deletes, grants and makes public is read
 * back through the clouds' SDKs. Refusals are checked word for word: they are what the person at the page reads.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GetLayerVersionCommand, GetLayerVersionPolicyCommand, PublishLayerVersionCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { download, expectAwsError, lambdaClient, rawOf } from '../../helpers/aws.js';
import { consoleCall, layerApi, uploadFolder, uploadZip, type Scope } from '../../helpers/console.js';
import { crc64, fc23, type FC23Client } from '../../helpers/fc.js';
import { answerOf, openSocket } from '../../helpers/socket.js';
import { emptyZip, makeZip } from '../../helpers/zips.js';
import { readEntries } from '../../helpers/zip-entries.js';

const AWS: Scope = { cloud: 'aws', account: '123456789012', region: 'eu-central-1' };
const FC: Scope = { cloud: 'fc', account: '1234567890123456', region: 'cn-hangzhou' };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

let t: TestApp, lambda: LambdaClient, fc: FC23Client;
beforeAll(async () => {
  t = await startTestApp({ STRATA_AWS_MAX_ZIPPED_BYTES: '20000', STRATA_BODY_TIMEOUT_SECONDS: '1', STRATA_MIN_BODY_RATE: '2000' });
  lambda = lambdaClient(t.url, { accessKeyId: AWS.account, region: AWS.region });
  fc = fc23(t.url);
});
afterAll(async () => {
  lambda?.destroy();
  await t?.close();
});

const versions = (s: Scope, name: string) => `${layerApi(t.url, s, name)}/versions`;
const staged = () => readdir(join(t.dataDir, 'staging'));

describe(`console API (${BACKEND})`, () => {
  it('GetConsoleOverview: both clouds with their limits and runtimes; scopes held plus each default, counted', async () => {
    await lambda.send(new PublishLayerVersionCommand({ LayerName: 'seen', Content: { ZipFile: await makeZip({ 'a.txt': 'a' }) } }));
    const { status, json } = await consoleCall(`${t.url}/_strata/console/api/overview`);
    expect(status).toBe(200);
    expect(json.clouds.map((c: any) => [c.cloud, c.title, c.access, c.limits, c.defaultScope])).toEqual([
      ['aws', 'AWS Lambda', 'policy', { maxZippedBytes: 20000, maxUnzippedBytes: 262144000 }, { account: '000000000000', region: 'us-east-1' }],
      ['fc', 'Alibaba Cloud Function Compute', 'acl', { maxZippedBytes: 524288000, maxUnzippedBytes: 1073741824 }, { account: '1234567890123456', region: 'cn-hangzhou' }],
    ]);
    expect(json.clouds[0].runtimes).toContain('python3.12');
    expect(json.clouds[0].architectures).toEqual(['x86_64', 'arm64']);
    expect(json.clouds[1].runtimes).toContain('custom.debian12');
    expect(json.clouds[1].architectures).toEqual([]);
    expect(json.scopes).toEqual(expect.arrayContaining([
      { cloud: 'aws', account: '000000000000', region: 'us-east-1', layers: 0, versions: 0 },
      { cloud: 'aws', account: '123456789012', region: 'eu-central-1', layers: 1, versions: 1 },
    ]));
  });

  it('PublishConsoleVersion: a zip becomes a version the AWS SDK reads back, content byte for byte', async () => {
    const zip = await makeZip({ 'python/mod.py': 'X = 1\n' });
    const { status, json } = await uploadZip(versions(AWS, 'zipped'), zip, {
      description: 'from the console', license: 'MIT', runtimes: ['python3.12', 'python3.13'], architectures: ['arm64'],
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      ...AWS, name: 'zipped', version: 1, size: zip.length, description: 'from the console', license: 'MIT',
      compatibleRuntimes: ['python3.12', 'python3.13'], compatibleArchitectures: ['arm64'], isPublic: false,
      checksum: { name: 'CodeSha256', algorithm: 'SHA-256, base64', value: sha256(zip).toString('base64') },
      sha256Hex: sha256(zip).toString('hex'),
      policy: { document: null, revision: null, grants: [] },
    });
    const got = await lambda.send(new GetLayerVersionCommand({ LayerName: 'zipped', VersionNumber: 1 }));
    expect(got.Content?.CodeSha256).toBe(sha256(zip).toString('base64'));
    expect(got.Description).toBe('from the console');
    expect((await download(json.downloadUrl)).body.equals(zip)).toBe(true);
    // What the console shows as AWS's response is AWS's response (the download link is signed per request).
    const { Location: _l, ...content } = rawOf(got).json.Content;
    expect(json.responses).toHaveLength(1);
    expect(json.responses[0]).toMatchObject({ api: '2018-10-31', operation: 'GetLayerVersion' });
    expect({ ...json.responses[0].body, Content: { ...json.responses[0].body.Content, Location: undefined } })
      .toEqual({ ...rawOf(got).json, Content: { ...content, Location: undefined } });
  });

  it('PublishConsoleVersion: a folder for FC is zipped as Serverless Devs zips one; the FC SDK sees its CRC-64', async () => {
    const { status, json } = await uploadFolder(versions(FC, 'folder'), [
      { path: '.fcignore', content: 'node_modules\n' },
      { path: 'nodejs/index.js', content: 'module.exports = 1;\n', mtime: Date.UTC(2024, 0, 1) },
      { path: 'nodejs/lib/été.js', content: 'x' },
    ], { runtimes: ['nodejs20'] });
    expect(status).toBe(201);
    expect(json.checksum.name).toBe('codeChecksum');
    const zip = (await download(json.downloadUrl)).body;
    expect(json.checksum.value).toBe(crc64(zip));
    const entries = await readEntries(zip);
    expect(entries.map((e) => [e.name, e.mode, e.mtime.getTime(), e.data.toString()])).toEqual([
      ['.fcignore', 0o100777, Date.UTC(2023, 10, 1), 'node_modules\n'],
      ['nodejs/index.js', 0o100777, Date.UTC(2023, 10, 1), 'module.exports = 1;\n'],
      ['nodejs/lib/été.js', 0o100777, Date.UTC(2023, 10, 1), 'x'],
    ]);
    const got = await fc.getLayerVersion('folder', '1');
    expect(got.body!.codeChecksum).toBe(crc64(zip));
    expect(got.body!.compatibleRuntime).toEqual(['nodejs20']);
    expect(json.responses.map((r: any) => r.api)).toEqual(['2023-03-30', '2021-04-06', '2016-08-15']);
    expect(json.responses[0].body.layerVersionArn).toBe('acs:fc:cn-hangzhou:1234567890123456:layers/folder/versions/1');
    expect(json.policy).toBeNull();
  });

  it('PublishConsoleVersion: a folder for AWS keeps each file\'s time (to the DOS 2 seconds) and mode 0755', async () => {
    const { status, json } = await uploadFolder(versions(AWS, 'walked'), [
      { path: 'top.txt', content: 't', mtime: Date.UTC(2025, 1, 2, 3, 4, 6) },
      { path: 'bin/tool', content: '#!/bin/sh\n', mtime: Date.UTC(2025, 1, 2, 3, 4, 7) },
    ]);
    expect(status).toBe(201);
    const entries = await readEntries((await download(json.downloadUrl)).body);
    expect(entries.map((e) => [e.name, e.mode, e.mtime.getTime()])).toEqual([
      ['top.txt', 0o100755, Date.UTC(2025, 1, 2, 3, 4, 6)],
      ['bin/tool', 0o100755, Date.UTC(2025, 1, 2, 3, 4, 6)],
    ]);
  });

  it('PublishConsoleVersion: refusals in plain words, and nothing left behind', async () => {
    const refused = async (answer: Promise<{ status: number; json: any }>) => {
      const { status, json } = await answer;
      return [status, json.code, json.message];
    };
    const zip = await makeZip({ 'a.txt': 'a' });
    expect(await refused(uploadZip(versions(AWS, 'text'), Buffer.from('just some text, not a zip')))).toEqual([
      400, 'NotAZip',
      'This is not a zip file that can be unzipped. Choose a .zip file, or upload a folder. (In detail: not a valid zip: ' +
        'End of central directory record signature not found. Either not a zip file, or file is truncated.)',
    ]);
    expect(await refused(uploadZip(versions(AWS, 'empty'), await emptyZip()))).toEqual([
      400, 'EmptyZip', 'There is nothing in it: a layer needs at least one file.',
    ]);
    expect(await refused(uploadZip(versions(AWS, 'big'), Buffer.alloc(20_001)))).toEqual([
      413, 'ZippedTooLarge', 'The zip is larger than this cloud accepts: at most 20000 bytes (19.5 KiB).',
    ]);
    // Refused from its declared length, before a byte is staged; the rest is still read, so the answer arrives.
    expect(await refused(uploadZip(versions(AWS, 'huge'), Buffer.alloc(5 << 20)))).toEqual([
      413, 'ZippedTooLarge', 'The zip is larger than this cloud accepts: at most 20000 bytes (19.5 KiB).',
    ]);
    expect(await refused(uploadZip(versions(AWS, 'bad name!'), zip))).toEqual([
      400, 'InvalidLayer', "A layer name is 1 to 140 letters, digits, '-' and '_'; 'bad name!' is not one",
    ]);
    expect(await refused(uploadZip(versions(AWS, 'runtime'), zip, { runtimes: ['cobol'] }))).toEqual([
      400, 'InvalidLayer', expect.stringMatching(/^1 validation error detected: Value '\[cobol\]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: \[nodejs20\.x, /),
    ]);
    expect(await refused(uploadZip(versions(FC, 'arch'), zip, { architectures: ['arm64'] }))).toEqual([
      400, 'InvalidLayer', 'Alibaba Cloud Function Compute layers declare no architectures.',
    ]);
    expect(await refused(uploadZip(versions(FC, '9lives'), zip))).toEqual([
      400, 'InvalidLayer', "invalid layer name '9lives': it must be 1 to 128 characters of letters, digits, '_' and '-', and start with a letter or '_'",
    ]);
    expect(await refused(uploadFolder(versions(AWS, 'escape'), [{ path: '../outside', content: 'x' }]))).toEqual([
      400, 'NotAZip', "This is not a zip file that can be unzipped. Choose a .zip file, or upload a folder. (In detail: the folder's file '../outside' has no usable relative path.)",
    ]);
    expect(await refused(uploadFolder(versions(AWS, 'none'), []))).toEqual([
      400, 'EmptyZip', 'There is nothing in it: a layer needs at least one file.',
    ]);
    expect(await refused(consoleCall(`${versions(AWS, 'json')}?content=zip`, 'POST', { zip: 'UEsFBg==' }))).toEqual([
      406, 'FST_INVALID_MULTIPART_CONTENT_TYPE', 'The upload must be sent as multipart/form-data.',
    ]);
    expect(await refused(consoleCall(`${versions(AWS, 'kind')}?content=tar`, 'POST'))).toEqual([
      400, 'InvalidRequest', 'content: Invalid option: expected one of "zip"|"folder".',
    ]);
    const raw = async (contentType: string, body: string) => {
      const res = await fetch(`${versions(AWS, 'raw')}?content=zip`, { method: 'POST', headers: { 'X-Strata-Console': '1', 'Content-Type': contentType }, body });
      return [res.status, ...Object.values((await res.json()) as object)];
    };
    expect(await raw('multipart/form-data', 'abc')).toEqual([
      400, 'MalformedForm', 'The upload is not a well-formed multipart/form-data body: Multipart: Boundary not found.',
    ]);
    expect(await raw('multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="zip"; filename="a"\r\n\r\nPK')).toEqual([
      400, 'MalformedForm', 'The upload is not a well-formed multipart/form-data body: Part terminated early due to unexpected end of multipart data.',
    ]);
    expect(await raw('multipart/form-data; boundary=x', '')).toEqual([400, 'NoContent', 'Choose a zip file to upload.']);
    for (const name of ['text', 'empty', 'big', 'escape', 'none', 'raw']) {
      expect((await consoleCall(`${versions(AWS, name)}`)).json.code, name).toBe('LayerNotFound');
    }
    expect(await staged()).toEqual([]);
  });

  it('PublishConsoleVersion: an upload that stalls is refused with 408 and the connection closed', async () => {
    const socket = await openSocket(t.url);
    const answer = answerOf(socket, 5000);
    socket.write(`POST ${new URL(versions(AWS, 'slow')).pathname}?content=zip HTTP/1.1\r\nHost: x\r\nX-Strata-Console: 1\r\n` +
      'Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n' +
      '--b\r\nContent-Disposition: form-data; name="zip"; filename="l.zip"\r\n\r\nPK');
    const got = await answer;
    expect(got.status).toBe(408);
    expect(got.closed).toBe(true);
    expect(got.json).toEqual({
      code: 'RequestTimedOut',
      message: 'The upload stalled: it paused for over 1 seconds or arrived at under 2000 bytes per second.',
    });
    expect(await staged()).toEqual([]);
  });

  it('PublishConsoleVersion: a client that goes away mid-upload leaves nothing staged and no version', async () => {
    for (const content of ['zip', 'folder'] as const) {
      const socket = await openSocket(t.url);
      const part = content === 'zip' ? 'name="zip"; filename="l.zip"' : 'name="file"; filename="python%2Fa.py"';
      socket.write(`POST ${new URL(versions(AWS, `gone-${content}`)).pathname}?content=${content} HTTP/1.1\r\nHost: x\r\n` +
        'X-Strata-Console: 1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n' +
        `--b\r\nContent-Disposition: form-data; ${part}\r\n\r\n${'x'.repeat(5000)}`);
      await expect.poll(async () => (await staged()).length).toBe(1);
      socket.destroy();
      await expect.poll(staged).toEqual([]);
      expect((await consoleCall(versions(AWS, `gone-${content}`))).json.code).toBe('LayerNotFound');
    }
  });

  it('ListConsoleVersions / ListConsoleLayers: pages of 50, newest version first, `next` where the next page starts', async () => {
    const zip = await makeZip({ 'a.txt': 'a' });
    for (let i = 0; i < 52; i++) await uploadZip(versions(FC, 'paged'), zip);
    const first = await consoleCall(versions(FC, 'paged'));
    expect(first.json.versions.map((v: any) => v.version)).toEqual(Array.from({ length: 50 }, (_, i) => 52 - i));
    expect(first.json.next).toBe(2);
    const second = await consoleCall(`${versions(FC, 'paged')}?start=2`);
    expect([second.json.versions.map((v: any) => v.version), second.json.next]).toEqual([[2, 1], null]);
    const layers = await consoleCall(`${t.url}/_strata/console/api/fc/${FC.account}/${FC.region}/layers`);
    expect([layers.json.layers.map((l: any) => [l.name, l.latestVersion]), layers.json.next]).toEqual([
      [['folder', 1], ['paged', 52]], null,
    ]);
  });

  it('DeleteConsoleVersion: deletes the version and its content; a second delete says it is gone', async () => {
    const { json } = await uploadZip(versions(AWS, 'doomed'), await makeZip({ 'a.txt': 'a' }));
    const keys = await t.listBlobKeys();
    const url = `${versions(AWS, 'doomed')}/1`;
    expect(await consoleCall(url, 'DELETE')).toEqual({ status: 204, json: undefined });
    await expectAwsError(lambda.send(new GetLayerVersionCommand({ LayerName: 'doomed', VersionNumber: 1 })), { status: 404, code: 'ResourceNotFoundException' });
    expect((await t.listBlobKeys()).length).toBe(keys.length - 1);
    expect((await download(json.downloadUrl)).status).toBe(404);
    expect(await consoleCall(url, 'DELETE')).toEqual({
      status: 404,
      json: { code: 'LayerNotFound', message: 'There is no layer doomed in AWS account 123456789012, region eu-central-1 (was it deleted?).' },
    });
  });

  it('GrantConsolePermission / RevokeConsolePermission: statements AWS shows in GetLayerVersionPolicy; its checks apply', async () => {
    await uploadZip(versions(AWS, 'shared'), await makeZip({ 'a.txt': 'a' }));
    const grants = `${versions(AWS, 'shared')}/1/grants`;
    const added = await consoleCall(grants, 'POST', { statementId: 'everyone', principal: '*', organizationId: 'o-abcdefghij' });
    expect(added.status).toBe(201);
    expect(added.json.grants).toEqual([{ statementId: 'everyone', action: 'lambda:GetLayerVersion', principal: '*', organizationId: 'o-abcdefghij' }]);
    const policy = await lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 }));
    expect(policy.Policy).toBe(added.json.document);
    expect(policy.RevisionId).toBe(added.json.revision);
    expect(JSON.parse(policy.Policy!).Statement).toEqual([{
      Sid: 'everyone', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion',
      Resource: 'arn:aws:lambda:eu-central-1:123456789012:layer:shared:1',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
    }]);
    expect(await consoleCall(grants, 'POST', { statementId: 'everyone', principal: '210987654321' })).toEqual({
      status: 409, json: { code: 'GrantAlreadyExists', message: 'A permission with the statement ID everyone exists already: choose another ID.' },
    });
    expect(await consoleCall(grants, 'POST', { statementId: 'bad', principal: 'someone' })).toEqual({
      status: 400,
      json: {
        code: 'InvalidGrant',
        message: "1 validation error detected: Value 'someone' at 'principal' failed to satisfy constraint: " +
          'Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root',
      },
    });
    const revoked = await consoleCall(`${grants}/everyone`, 'DELETE');
    expect(revoked).toEqual({ status: 200, json: { document: null, revision: null, grants: [] } });
    await expectAwsError(lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 })), { status: 404, code: 'ResourceNotFoundException' });
    expect(await consoleCall(`${grants}/everyone`, 'DELETE')).toEqual({
      status: 404, json: { code: 'GrantNotFound', message: 'No permission has the statement ID everyone (was it revoked already?).' },
    });
  });

  it('SetConsoleLayerAcl: makes an FC layer public and private, as the FC SDK sees it; AWS layers have no ACL', async () => {
    await uploadZip(versions(FC, 'acl'), await makeZip({ 'a.txt': 'a' }));
    const acl = `${layerApi(t.url, FC, 'acl')}/acl`;
    expect(await consoleCall(acl, 'PUT', { public: true })).toEqual({ status: 200, json: { isPublic: true } });
    expect((await fc.getLayerVersion('acl', '1')).body!.acl).toBe('1');
    expect((await consoleCall(`${versions(FC, 'acl')}/1`)).json.isPublic).toBe(true);
    expect(await consoleCall(acl, 'PUT', { public: false })).toEqual({ status: 200, json: { isPublic: false } });
    expect((await fc.getLayerVersion('acl', '1')).body!.acl).toBe('0');
    expect(await consoleCall(`${layerApi(t.url, AWS, 'zipped')}/acl`, 'PUT', { public: true })).toEqual({
      status: 400, json: { code: 'NotSupported', message: 'AWS Lambda has no public/private switch: grant permissions on a version instead.' },
    });
    expect(await consoleCall(`${versions(FC, 'acl')}/1/grants`, 'POST', { statementId: 'x', principal: '*' })).toEqual({
      status: 400,
      json: { code: 'NotSupported', message: 'Alibaba Cloud Function Compute has no per-version permissions: make the layer public or private instead.' },
    });
    expect(await consoleCall(acl, 'PUT', { public: 'yes' })).toEqual({
      status: 400, json: { code: 'InvalidRequest', message: 'public: Invalid input: expected boolean, received string.' },
    });
  });

  it('console: changes need X-Strata-Console: 1 (no other site can make them through a browser); reads do not', async () => {
    const forged = { 'Content-Type': 'text/plain' };
    expect(await consoleCall(`${versions(AWS, 'zipped')}/1`, 'DELETE', undefined, forged)).toEqual({
      status: 403,
      json: { code: 'ConsoleHeaderMissing', message: 'Changes are accepted from the console page only (the request lacks X-Strata-Console: 1).' },
    });
    expect((await consoleCall(`${versions(AWS, 'zipped')}/1`, 'GET', undefined, {})).status).toBe(200);
  });

  it('console: unknown versions, layers and paths answer 404 in plain words', async () => {
    expect(await consoleCall(`${versions(AWS, 'zipped')}/7`)).toEqual({
      status: 404, json: { code: 'LayerVersionNotFound', message: 'Layer zipped has no version 7 (was it deleted?).' },
    });
    expect(await consoleCall(`${versions(AWS, 'zipped')}/0`)).toEqual({
      status: 400, json: { code: 'InvalidRequest', message: 'version: A version is a whole number from 1.' },
    });
    expect(await consoleCall(`${t.url}/_strata/console/api/nowhere`)).toEqual({
      status: 404, json: { code: 'NotFound', message: 'The console has no GET /_strata/console/api/nowhere.' },
    });
  });

  it('console: its requests are counted in the metrics as the console\'s, by operation', async () => {
    const text = await (await fetch(`${t.url}/_strata/metrics`)).text();
    expect(text).toMatch(/^strata_requests_total\{surface="console",operation="PublishConsoleVersion",status="201"\} [1-9]\d*$/m);
    expect(text).toMatch(/^strata_requests_total\{surface="console",operation="GetConsoleOverview",status="200"\} 1$/m);
  });

  it('GetConsolePage: the page and its files, served with a policy that allows nothing from elsewhere', async () => {
    const redirect = await fetch(`${t.url}/_strata/console`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([308, '/_strata/console/']);
    const page = await fetch(`${t.url}/_strata/console/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self';/);
    const html = await page.text();
    expect(html).toContain('<title>Strata console</title>');
    // Every script and style sheet the page names is served from here, and nothing is named elsewhere.
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith('/') && !u.startsWith('#') && !u.startsWith('data:'));
    expect(assets.sort()).toEqual(['app.js', 'console.css']);
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of assets) expect((await fetch(`${t.url}/_strata/console/${asset}`)).status).toBe(200);
    expect((await fetch(`${t.url}/_strata/console/nothing.js`)).status).toBe(404);
    expect(await (await fetch(`${t.url}/_strata/console/app.js`)).text()).not.toMatch(/https?:\/\//);
  });
});

