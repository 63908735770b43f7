/**
 * SigV4 verification and cross-account access (STRATA_AUTH=verify) through @aws-sdk/client-lambda, boto3 and the AWS
 * CLI with right and wrong secrets, and forged requests by hand (signed by @smithy/signature-v4, then tampered with).
 * The expected texts are AWS's (src/routes/aws/errors.ts cites where each was found).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  AddLayerVersionPermissionCommand, DeleteLayerVersionCommand, GetLayerVersionByArnCommand, GetLayerVersionCommand,
  ListLayersCommand, ListLayerVersionsCommand, PublishLayerVersionCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { presignedUrl, sigv4Headers } from '../../helpers/auth.js';
import {
  blobFiles, download, expectAwsError, expectNoResidue, lambdaClient, publish, smallZip, stagingFiles, uniqueName,
} from '../../helpers/aws.js';
import { sendRaw, type RawResponse } from '../../helpers/http.js';
import { Tally } from '../../helpers/tally.js';
import { makeZip } from '../../helpers/zips.js';

const run = promisify(execFile);
const PY_BIN = resolve('.cache/py/bin');
const havePython = existsSync(join(PY_BIN, 'python')) && existsSync(join(PY_BIN, 'aws'));

const ALPHA = { id: 'AKIDALPHAEXAMPLE', secret: 'alpha/Secret+Key', account: '111111111111' };
const BETA = { id: 'AKIDBETAEXAMPLE', secret: 'beta-secret', account: '222222222222' };
const GAMMA = { id: 'AKIDGAMMAEXAMPLE', secret: 'gamma-secret', account: '444444444444' };
const TEMP = { id: 'ASIATEMPEXAMPLE', secret: 'temp-secret', account: '333333333333', token: 'FwoGZXIvYXdzEXAMPLETOKEN' };
// A 12-digit key id that belongs to another account: the credential, not the key id, names the account.
const DIGITS = { id: '999999999999', secret: 'digits-secret', account: '555555555555' };
const ORG = 'o-abcdefghij';
const REGION = 'us-east-1';

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const UNRECOGNIZED = 'The security token included in the request is invalid.';
const denied = (account: string, action: string, resource: string) =>
  `User: arn:aws:iam::${account}:root is not authorized to perform: lambda:${action} on resource: ${resource} because no resource-based policy allows the lambda:${action} action`;

let t: TestApp;
let alpha: LambdaClient;
let beta: LambdaClient;
const tally = new Tally('AWS signatures');
const as = (k: { id: string; secret: string }, extra: { secretAccessKey?: string; sessionToken?: string; region?: string } = {}) =>
  lambdaClient(t.url, { accessKeyId: k.id, secretAccessKey: extra.secretAccessKey ?? k.secret, ...extra });

beforeAll(async () => {
  t = await startTestApp({
    STRATA_AUTH: 'verify',
    STRATA_CREDENTIALS: [
      `aws:${ALPHA.id}:${ALPHA.secret}:${ALPHA.account}`, `aws:${BETA.id}:${BETA.secret}:${BETA.account}`,
      `aws:${GAMMA.id}:${GAMMA.secret}:${GAMMA.account}`, `aws:${TEMP.id}:${TEMP.secret}:${TEMP.account}:${TEMP.token}`,
      `aws:${DIGITS.id}:${DIGITS.secret}:${DIGITS.account}`,
    ].join(','),
    STRATA_AWS_ORGANIZATIONS: `${BETA.account}=${ORG}`,
  });
  alpha = as(ALPHA);
  beta = as(BETA);
});
afterAll(async () => {
  tally.print();
  alpha?.destroy();
  beta?.destroy();
  await t?.close();
});

/** A request by hand, signed as `key` with smithy, then changed by `tamper` before it is sent. */
async function signedRaw(
  key: { id: string; secret: string }, method: string, path: string, body?: string,
  opts: { region?: string; service?: string; signingDate?: Date; host?: string; tamper?: (h: Record<string, string>) => { body?: string } | void } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (opts.host) headers.host = opts.host;
  const signed = await sigv4Headers(t.url, method, path, headers, body === undefined ? undefined : Buffer.from(body), {
    accessKeyId: key.id, secret: key.secret, region: opts.region ?? REGION, service: opts.service, signingDate: opts.signingDate,
  });
  const sent: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed)) sent[k.toLowerCase()] = v;
  const changed = opts.tamper?.(sent);
  return sendRaw(t.url, path, method, sent, changed?.body ?? body);
}

function expectRefused(res: RawResponse, code: string, message: string | RegExp): void {
  expect(res.status, res.text).toBe(403);
  expect(res.headers['x-amzn-errortype']).toBe(code);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.json)).toEqual(['message']);
  if (typeof message === 'string') expect(res.json.message).toBe(message);
  else expect(res.json.message).toMatch(message);
}

/** `YYYYMMDDTHHMMSSZ` plus one second. */
function oneSecondLater(amzDate: string): string {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(amzDate)!;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + 1000;
  return new Date(t).toISOString().replace(/[-:]/g, '').replace('.000', '');
}

const zipBody = async () => JSON.stringify({ Content: { ZipFile: (await smallZip()).toString('base64') } });

describe('SigV4 through the SDK', () => {
  it('PublishLayerVersion / GetLayerVersion / ListLayers: the right secret is accepted and acts in the credential\'s account', async () => {
    const name = uniqueName('sig');
    const out = await tally.legit(() => publish(alpha, name));
    expect(out.LayerVersionArn).toBe(`arn:aws:lambda:${REGION}:${ALPHA.account}:layer:${name}:1`);
    expect((await tally.legit(() => alpha.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 })))).Version).toBe(1);
    const listed = await tally.legit(() => alpha.send(new ListLayersCommand({})));
    expect(listed.Layers!.map((l) => l.LayerName)).toContain(name);
  });

  it('PublishLayerVersion: a 12-digit key id acts in its credential\'s account, not in the account its digits spell', async () => {
    const name = uniqueName('sig');
    const out = await tally.legit(() => publish(as(DIGITS), name));
    expect(out.LayerArn).toBe(`arn:aws:lambda:${REGION}:${DIGITS.account}:layer:${name}`);
  });

  it('ListLayers: temporary credentials are accepted with their session token only', async () => {
    await tally.legit(() => as(TEMP, { sessionToken: TEMP.token }).send(new ListLayersCommand({})));
    for (const sessionToken of [undefined, 'FwoGZXIvYXdzANOTHERTOKEN']) {
      await tally.forged(() => expectAwsError(as(TEMP, sessionToken === undefined ? {} : { sessionToken }).send(new ListLayersCommand({})), {
        status: 403, code: 'UnrecognizedClientException', body: { message: UNRECOGNIZED },
      }));
    }
    // A long-term key with a token is refused too.
    await tally.forged(() => expectAwsError(as(ALPHA, { sessionToken: TEMP.token }).send(new ListLayersCommand({})), {
      status: 403, code: 'UnrecognizedClientException', body: { message: UNRECOGNIZED },
    }));
  });

  it('PublishLayerVersion: a wrong secret is 403 InvalidSignatureException and leaves nothing behind', async () => {
    const blobsBefore = await blobFiles(t);
    const name = uniqueName('forged');
    await tally.forged(() => expectAwsError(publish(as(ALPHA, { secretAccessKey: 'not-the-secret' }), name), {
      status: 403, code: 'InvalidSignatureException', body: { message: MISMATCH },
    }));
    await expectNoResidue(t, blobsBefore);
    await expectAwsError(alpha.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 })), { status: 404, code: 'ResourceNotFoundException' });
  });

  it('ListLayers: an unknown key is 403 UnrecognizedClientException', async () => {
    await tally.forged(() => expectAwsError(
      lambdaClient(t.url, { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' }).send(new ListLayersCommand({})),
      { status: 403, code: 'UnrecognizedClientException', body: { message: UNRECOGNIZED } },
    ));
  });

  it('ListLayers: a signature 20 minutes old is 403 InvalidSignatureException "Signature expired"', async () => {
    const skewed = lambdaClient(t.url, { accessKeyId: ALPHA.id, secretAccessKey: ALPHA.secret });
    skewed.config.systemClockOffset = -20 * 60 * 1000;
    await tally.forged(() => expectAwsError(skewed.send(new ListLayersCommand({})), {
      status: 403, code: 'InvalidSignatureException',
      message: /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    }));
    skewed.config.systemClockOffset = 20 * 60 * 1000;
    await tally.forged(() => expectAwsError(skewed.send(new ListLayersCommand({})), {
      status: 403, code: 'InvalidSignatureException',
      message: /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/,
    }));
  });
});

describe.skipIf(!havePython)('SigV4 through boto3 and the AWS CLI', () => {
  const env = (secret: string) => ({
    ...process.env, PATH: `${PY_BIN}:${process.env.PATH}`, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ACCESS_KEY_ID: ALPHA.id, AWS_SECRET_ACCESS_KEY: secret, AWS_DEFAULT_REGION: REGION, AWS_ENDPOINT_URL: t.url,
  });
  const boto3 = (secret: string) => run(join(PY_BIN, 'python'), ['-c', [
    'import boto3, botocore, json',
    'c = boto3.client("lambda")',
    'try:',
    '    print(json.dumps([l["LayerName"] for l in c.list_layers()["Layers"]]))',
    'except botocore.exceptions.ClientError as e:',
    '    print(e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"])',
  ].join('\n')], { env: env(secret) });

  it('ListLayers (boto3): the right secret lists, a wrong one is InvalidSignatureException', async () => {
    const name = uniqueName('boto');
    await publish(alpha, name);
    expect(JSON.parse((await tally.legit(() => boto3(ALPHA.secret))).stdout)).toContain(name);
    const { stdout } = await boto3('wrong');
    await tally.forged(async () => expect(stdout.trim()).toBe(`InvalidSignatureException 403 ${MISMATCH}`));
  });

  it('list-layers (AWS CLI): the right secret lists, a wrong one fails with InvalidSignatureException', async () => {
    const cli = (secret: string) => run(join(PY_BIN, 'aws'), ['lambda', 'list-layers', '--output', 'json'], { env: env(secret) });
    expect(JSON.parse((await tally.legit(() => cli(ALPHA.secret))).stdout).Layers).toBeInstanceOf(Array);
    await tally.forged(async () => {
      const err = await cli('wrong').then(() => undefined, (e: { code: number; stderr: string }) => e);
      expect(err?.code).toBe(255); // AWS CLI v1 (pip awscli) exits 255 on a service error
      expect(err?.stderr).toContain(`An error occurred (InvalidSignatureException) when calling the ListLayers operation: ${MISMATCH}`);
    });
  });
});

describe('forged requests by hand', () => {
  it('PublishLayerVersion: a body changed after signing is refused, and leaves no row, blob or staged file', async () => {
    const blobsBefore = await blobFiles(t);
    const name = uniqueName('tamper');
    const path = `/2018-10-31/layers/${name}/versions`;
    const other = await zipBody();
    await tally.forged(async () => expectRefused(
      await signedRaw(ALPHA, 'POST', path, await zipBody(), { tamper: () => ({ body: other }) }), 'InvalidSignatureException', MISMATCH,
    ));
    // With the body's hash declared in x-amz-content-sha256 too.
    await tally.forged(async () => expectRefused(
      await signedRaw(ALPHA, 'POST', path, await zipBody(), {
        tamper: (h) => {
          h['x-amz-content-sha256'] = 'a'.repeat(64);
        },
      }), 'InvalidSignatureException', /./,
    ));
    await expectNoResidue(t, blobsBefore);
    expect(await stagingFiles(t.dataDir)).toEqual([]);
    expect((await alpha.send(new ListLayerVersionsCommand({ LayerName: name }))).LayerVersions).toEqual([]);
    // The same request, untouched, is accepted.
    const ok = await tally.legit(async () => {
      const res = await signedRaw(ALPHA, 'POST', path, await zipBody());
      if (res.status !== 201) throw new Error(res.text);
      return res;
    });
    expect(ok.json.Version).toBe(1);
  });

  it('ListLayers: a header added after signing, or a signed header changed, is refused', async () => {
    await tally.forged(async () => expectRefused(await signedRaw(ALPHA, 'GET', '/2018-10-31/layers', undefined, {
      tamper: (h) => {
        h['x-amz-meta-added'] = 'after';
      },
    }), 'InvalidSignatureException', "'x-amz-meta-added' must be a 'SignedHeader' in the AWS Authorization."));
    await tally.forged(async () => expectRefused(await signedRaw(ALPHA, 'GET', '/2018-10-31/layers?MaxItems=1', undefined, {
      tamper: (h) => {
        h['x-amz-date'] = oneSecondLater(h['x-amz-date']!);
      },
    }), 'InvalidSignatureException', MISMATCH));
  });

  it('ListLayers: the zero signature Strata once took as anyone is refused', async () => {
    await tally.forged(async () => expectRefused(await signedRaw(ALPHA, 'GET', '/2018-10-31/layers', undefined, {
      tamper: (h) => {
        h.authorization = h.authorization!.replace(/Signature=[0-9a-f]+/, `Signature=${'0'.repeat(64)}`);
      },
    }), 'InvalidSignatureException', MISMATCH));
  });

  it('ListLayers: another region\'s scope, a region that is none, and another service are refused', async () => {
    // The SDKs address real Lambda as lambda.<region>.amazonaws.com: a Host naming a region fixes the scope's.
    await tally.forged(async () => expectRefused(
      await signedRaw(ALPHA, 'GET', '/2018-10-31/layers', undefined, { region: 'eu-west-1', host: 'lambda.us-east-1.amazonaws.com' }),
      'InvalidSignatureException', "Credential should be scoped to a valid region, not 'eu-west-1'.",
    ));
    await tally.legit(async () => {
      const res = await signedRaw(ALPHA, 'GET', '/2018-10-31/layers', undefined, { region: 'us-east-1', host: 'lambda.us-east-1.amazonaws.com' });
      if (res.status !== 200) throw new Error(res.text);
    });
    await tally.forged(async () => expectRefused(
      await signedRaw(ALPHA, 'GET', '/2018-10-31/layers', undefined, { region: 'mars' }),
      'InvalidSignatureException', "Credential should be scoped to a valid region, not 'mars'.",
    ));
    await tally.forged(async () => expectRefused(
      await signedRaw(ALPHA, 'GET', '/2018-10-31/layers', undefined, { service: 's3' }),
      'InvalidSignatureException', "Credential should be scoped to correct service: 'lambda'.",
    ));
  });

  it('ListLayers: no signature is MissingAuthenticationTokenException, a malformed one IncompleteSignatureException', async () => {
    await tally.forged(async () => expectRefused(await sendRaw(t.url, '/2018-10-31/layers', 'GET', {}), 'MissingAuthenticationTokenException', 'Missing Authentication Token'));
    await tally.forged(async () => expectRefused(
      await sendRaw(t.url, '/2018-10-31/layers', 'GET', { authorization: `AWS4-HMAC-SHA256 Credential=${ALPHA.id}`, 'x-amz-date': '20260101T000000Z' }),
      'IncompleteSignatureException',
      `Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=${ALPHA.id}`,
    ));
  });

  it('GetLayerVersion: a presigned URL works until it expires', async () => {
    const name = uniqueName('presign');
    await publish(alpha, name);
    const path = `/2018-10-31/layers/${name}/versions/1`;
    const fresh = new URL(await presignedUrl(t.url, path, { accessKeyId: ALPHA.id, secret: ALPHA.secret, region: REGION, expiresIn: 60 }));
    const got = await tally.legit(async () => {
      const res = await sendRaw(t.url, `${fresh.pathname}${fresh.search}`, 'GET', {});
      if (res.status !== 200) throw new Error(res.text);
      return res;
    });
    expect(got.json.Version).toBe(1);
    const old = new URL(await presignedUrl(t.url, path, {
      accessKeyId: ALPHA.id, secret: ALPHA.secret, region: REGION, expiresIn: 60, signingDate: new Date(Date.now() - 120_000),
    }));
    await tally.forged(async () => expectRefused(
      await sendRaw(t.url, `${old.pathname}${old.search}`, 'GET', {}),
      'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 1 min\.\)$/,
    ));
  });
});

describe('access between accounts', () => {
  it('GetLayerVersion / GetLayerVersionByArn: another account is refused without a grant, and reads with one', async () => {
    const name = uniqueName('xacct');
    const { LayerArn, LayerVersionArn } = await publish(alpha, name);
    const refusal = (action: string) => ({ status: 403, code: 'AccessDeniedException', body: { Message: denied(BETA.account, action, LayerVersionArn!) } });
    await tally.forged(() => expectAwsError(beta.send(new GetLayerVersionCommand({ LayerName: LayerArn, VersionNumber: 1 })), refusal('GetLayerVersion')));
    await tally.forged(() => expectAwsError(beta.send(new GetLayerVersionByArnCommand({ Arn: LayerVersionArn })), refusal('GetLayerVersion')));
    await alpha.send(new AddLayerVersionPermissionCommand({
      LayerName: name, VersionNumber: 1, StatementId: 'beta', Action: 'lambda:GetLayerVersion', Principal: BETA.account,
    }));
    const got = await tally.legit(() => beta.send(new GetLayerVersionByArnCommand({ Arn: LayerVersionArn })));
    expect(got.LayerVersionArn).toBe(LayerVersionArn);
    expect((await tally.legit(() => beta.send(new GetLayerVersionCommand({ LayerName: LayerArn, VersionNumber: 1 })))).Version).toBe(1);
    expect((await download(got.Content!.Location!)).status).toBe(200);
    // The grant is for version 1 only.
    await publish(alpha, name);
    await tally.forged(() => expectAwsError(beta.send(new GetLayerVersionByArnCommand({ Arn: `${LayerArn}:2` })), {
      status: 403, code: 'AccessDeniedException', body: { Message: denied(BETA.account, 'GetLayerVersion', `${LayerArn}:2`) },
    }));
  });

  it('GetLayerVersionByArn: a grant to everyone in an organization lets its accounts read, and no other', async () => {
    const name = uniqueName('org');
    const { LayerVersionArn } = await publish(alpha, name);
    await alpha.send(new AddLayerVersionPermissionCommand({
      LayerName: name, VersionNumber: 1, StatementId: 'org', Action: 'lambda:GetLayerVersion', Principal: '*', OrganizationId: ORG,
    }));
    await tally.legit(() => beta.send(new GetLayerVersionByArnCommand({ Arn: LayerVersionArn })));
    await tally.forged(() => expectAwsError(as(GAMMA).send(new GetLayerVersionByArnCommand({ Arn: LayerVersionArn })), {
      status: 403, code: 'AccessDeniedException', body: { Message: denied(GAMMA.account, 'GetLayerVersion', LayerVersionArn!) },
    }));
    await alpha.send(new AddLayerVersionPermissionCommand({
      LayerName: name, VersionNumber: 1, StatementId: 'all', Action: 'lambda:GetLayerVersion', Principal: '*',
    }));
    await tally.legit(() => as(GAMMA).send(new GetLayerVersionByArnCommand({ Arn: LayerVersionArn })));
  });

  it('DeleteLayerVersion / PublishLayerVersion / AddLayerVersionPermission / ListLayerVersions: never on another account\'s layer, grant or not', async () => {
    const name = uniqueName('owner');
    const { LayerArn, LayerVersionArn } = await publish(alpha, name);
    await alpha.send(new AddLayerVersionPermissionCommand({
      LayerName: name, VersionNumber: 1, StatementId: 'all', Action: 'lambda:GetLayerVersion', Principal: '*',
    }));
    const blobsBefore = await blobFiles(t);
    const refuse = (action: string, resource: string) => ({ status: 403, code: 'AccessDeniedException', body: { Message: denied(BETA.account, action, resource) } });
    await tally.forged(() => expectAwsError(beta.send(new DeleteLayerVersionCommand({ LayerName: LayerArn, VersionNumber: 1 })), refuse('DeleteLayerVersion', LayerVersionArn!)));
    await tally.forged(() => expectAwsError(publish(beta, LayerArn!), refuse('PublishLayerVersion', LayerArn!)));
    await tally.forged(() => expectAwsError(beta.send(new AddLayerVersionPermissionCommand({
      LayerName: LayerArn, VersionNumber: 1, StatementId: 'me', Action: 'lambda:GetLayerVersion', Principal: BETA.account,
    })), refuse('AddLayerVersionPermission', LayerVersionArn!)));
    await tally.forged(() => expectAwsError(beta.send(new ListLayerVersionsCommand({ LayerName: LayerArn })), refuse('ListLayerVersions', LayerArn!)));
    await expectNoResidue(t, blobsBefore);
    expect((await alpha.send(new ListLayerVersionsCommand({ LayerName: name }))).LayerVersions!.map((v) => v.Version)).toEqual([1]);
    // An unsigned DELETE of the ARN is refused before it reaches the layer.
    await tally.forged(async () => expectRefused(
      await sendRaw(t.url, `/2018-10-31/layers/${encodeURIComponent(LayerArn!)}/versions/1`, 'DELETE', {}),
      'MissingAuthenticationTokenException', 'Missing Authentication Token',
    ));
    expect((await alpha.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }))).Version).toBe(1);
  });

  it('PublishLayerVersion: a 5 MB publish verifies (its body hashed as it streams in)', async () => {
    const big = await makeZip({ 'big.bin': randomBytes(5 * 1024 * 1024) });
    const out = await tally.legit(() => alpha.send(new PublishLayerVersionCommand({ LayerName: uniqueName('big'), Content: { ZipFile: big } })));
    expect(out.Content!.CodeSize).toBe(big.length);
  });
});
