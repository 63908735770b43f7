/**
 * GET /_strata/opt: layers published through the real SDKs, merged in the order named, compared file by file with the
 * overlay each cloud documents (AWS: a later layer's file wins; FC: the first configured layer's), and refused as the
 * cloud refuses a function's layers. The served zip is read with yauzl itself, not Strata's zip code. Raw requests:
 * no SDK calls Strata's own routes.
 */
import { DeleteLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { ACCOUNT, lambdaClient, publish, uniqueName } from '../../helpers/aws.js';
import { acsArn, create23, fc23, FC3_REQUEST_ID, type FC23Client } from '../../helpers/fc.js';
import { zipTreeOf } from '../../helpers/zip-read.js';
import { makeTreeZip, zipBomb } from '../../helpers/zips.js';

const LIMIT = 100_000;

/** Three layers that overlap: python/shared.py in all three, bin/tool in the first and last. */
const LAYERS = [
  [
    { name: 'python/', mode: 0o755 },
    { name: 'python/shared.py', data: 'one' },
    { name: 'python/only1.py', data: '1' },
    { name: 'bin/tool', data: '#!1', mode: 0o755 },
  ],
  [
    { name: 'python/shared.py', data: 'two' },
    { name: 'python/only2.py', data: '2' },
    { name: 'lib/libx.so.1', data: 'x' },
    { name: 'lib/libx.so', symlink: 'libx.so.1' },
  ],
  [
    { name: 'python/shared.py', data: 'three' },
    { name: 'bin/tool', data: '#!3', mode: 0o700 },
  ],
];

describe(`GetMergedOpt (${BACKEND})`, () => {
  let t: TestApp;
  let lambda: LambdaClient;
  let fc: FC23Client;
  const awsArns: string[] = [];
  const fcArns: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ STRATA_AWS_MAX_UNZIPPED_BYTES: String(LIMIT), STRATA_FC_MAX_UNZIPPED_BYTES: String(LIMIT) });
    lambda = lambdaClient(t.url);
    fc = fc23(t.url);
    for (const [i, entries] of LAYERS.entries()) {
      const zip = await makeTreeZip(entries);
      const out = await publish(lambda, uniqueName(`opt${i}`), { Content: { ZipFile: zip }, CompatibleRuntimes: ['python3.12'] });
      awsArns.push(out.LayerVersionArn!);
      const name = uniqueName(`opt${i}`);
      await create23(fc, name, zip, { compatibleRuntime: ['python3.10', 'python3.12'] });
      fcArns.push(acsArn(name, 1));
    }
  });
  afterAll(async () => {
    lambda?.destroy();
    await t?.close();
  });

  const get = (arns: string[], extra = '') =>
    fetch(`${t.url}/_strata/opt?${arns.map((a) => `arn=${encodeURIComponent(a)}`).join('&')}${extra}`);

  async function refusal(arns: string[], extra = '') {
    const res = await get(arns, extra);
    return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.json() };
  }

  it('GetMergedOpt: AWS layers merge in the order named, a later layer\'s file replacing an earlier one\'s', async () => {
    const res = await get(awsArns);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(zip.length);
    expect(await zipTreeOf(zip)).toEqual({
      python: 'd 755',
      'python/shared.py': 'f 644 three',
      'python/only1.py': 'f 644 1',
      'python/only2.py': 'f 644 2',
      'lib/libx.so.1': 'f 644 x',
      'lib/libx.so': 'l -> libx.so.1',
      'bin/tool': 'f 700 #!3',
    });
  });

  it('GetMergedOpt: FC layers merge with the first configured layer\'s file kept', async () => {
    const res = await get(fcArns, '&runtime=python3.10');
    expect(res.status).toBe(200);
    expect(await zipTreeOf(Buffer.from(await res.arrayBuffer()))).toEqual({
      python: 'd 755',
      'python/shared.py': 'f 644 one',
      'python/only1.py': 'f 644 1',
      'python/only2.py': 'f 644 2',
      'lib/libx.so.1': 'f 644 x',
      'lib/libx.so': 'l -> libx.so.1',
      'bin/tool': 'f 755 #!1',
    });
  });

  it('GetMergedOpt: the order given is the order applied (reversed, the first AWS layer wins)', async () => {
    const res = await get([...awsArns].reverse());
    const tree = await zipTreeOf(Buffer.from(await res.arrayBuffer()));
    expect([tree['python/shared.py'], tree['bin/tool']]).toEqual(['f 644 one', 'f 755 #!1']);
  });

  it('GetMergedOpt: AWS refuses a sixth layer as CreateFunction does', async () => {
    const r = await refusal([...awsArns, ...awsArns]);
    expect(r.status).toBe(400);
    expect(r.headers['x-amzn-errortype']).toBe('InvalidParameterValueException');
    expect(r.body).toEqual({ Type: 'User', message: 'Cannot reference more than 5 layers.' });
  });

  it('GetMergedOpt: AWS refuses layers that unzip to more than its limit together', async () => {
    const big = async () => (await publish(lambda, uniqueName('big'), {
      Content: { ZipFile: await makeTreeZip([{ name: 'blob.bin', data: Buffer.alloc(60_000, 7) }]) },
    })).LayerVersionArn!;
    const r = await refusal([await big(), await big()]);
    expect([r.status, r.headers['x-amzn-errortype']]).toEqual([400, 'InvalidParameterValueException']);
    expect(r.body).toEqual({ Type: 'User', message: 'Layers consume more than the available size of 100000 bytes' });
  });

  it('GetMergedOpt: AWS refuses two versions of one layer, a missing version and an ARN without its version', async () => {
    const name = uniqueName('twice');
    const v1 = (await publish(lambda, name)).LayerVersionArn!;
    const v2 = (await publish(lambda, name)).LayerVersionArn!;
    expect((await refusal([v1, v2])).body).toEqual({
      Type: 'User',
      message: `Two different versions of the same layer are not allowed to be referenced in the same function. ${v1} and ${v2} are versions of the same layer.`,
    });
    await lambda.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 2 }));
    expect((await refusal([v2])).body).toEqual({ Type: 'User', message: `Layer version ${v2} does not exist.` });
    const unversioned = v1.replace(/:1$/, '');
    const r = await refusal([unversioned]);
    expect([r.status, r.headers['x-amzn-errortype']]).toEqual([400, 'ValidationException']);
    expect(r.body.message).toMatch(new RegExp(`^1 validation error detected: Value '\\[${unversioned}\\]' at 'layers' failed to satisfy constraint: `));
  });

  it('GetMergedOpt: AWS refuses a layer of another region than the first', async () => {
    const west = lambdaClient(t.url, { region: 'eu-west-1' });
    const other = (await publish(west, uniqueName('west'))).LayerVersionArn!;
    west.destroy();
    expect(other).toMatch(new RegExp(`^arn:aws:lambda:eu-west-1:${ACCOUNT}:layer:`));
    expect((await refusal([awsArns[0]!, other])).body).toEqual({
      Type: 'User', message: 'Layers are not in the same region as the function. Layers are expected to be in region us-east-1.',
    });
  });

  it('GetMergedOpt: AWS does not check CompatibleRuntimes (they only filter lists)', async () => {
    expect((await get(awsArns, '&runtime=nodejs22.x')).status).toBe(200);
  });

  it('GetMergedOpt: FC refuses a layer that does not list the runtime, in FC 3.0\'s body', async () => {
    const r = await refusal(fcArns, '&runtime=nodejs20');
    expect(r.status).toBe(400);
    expect(r.headers['x-fc-request-id']).toMatch(FC3_REQUEST_ID);
    expect(r.body).toEqual({
      Code: 'InvalidArgument', Message: `runtime: nodejs20 is not supported by layer:${fcArns[0]}`, RequestId: r.headers['x-fc-request-id'],
    });
  });

  it('GetMergedOpt: FC refuses a sixth layer and a missing version', async () => {
    const six = await refusal([...fcArns, ...fcArns]);
    expect([six.status, six.body.Code, six.body.Message]).toEqual([400, 'LimitExceededError', 'a function can use at most 5 layers, and 6 are given']);
    const missing = acsArn('no-such-layer', 3);
    const gone = await refusal([missing]);
    expect([gone.status, gone.body.Code, gone.body.Message]).toEqual([404, 'LayerVersionNotFound', "layer 'no-such-layer' version '3' does not exist"]);
  });

  it('GetMergedOpt: FC refuses layers that unzip to more than Strata\'s limit together', async () => {
    const big = async () => {
      const name = uniqueName('fcbig');
      await create23(fc, name, await makeTreeZip([{ name: 'blob.bin', data: Buffer.alloc(60_000, 7) }]), { compatibleRuntime: ['python3.10'] });
      return acsArn(name, 1);
    };
    const r = await refusal([await big(), await big()], '&runtime=python3.10');
    expect([r.status, r.body.Code, r.body.Message]).toEqual([
      400, 'InvalidArgument', "the layers unzip to 120000 bytes, more than Strata's limit of 100000 bytes (STRATA_FC_MAX_UNZIPPED_BYTES)",
    ]);
  });

  it("GetMergedOpt: ARNs of no cloud, of both, or none at all get Strata's own 400", async () => {
    expect(await refusal([])).toMatchObject({ status: 400, body: { message: 'name at least one layer version ARN: ?arn=<ARN>&arn=<ARN>…' } });
    expect(await refusal(['my-layer:1'])).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^'my-layer:1' is not a layer version ARN of AWS Lambda/) } });
    expect(await refusal([awsArns[0]!, fcArns[0]!])).toMatchObject({
      status: 400, body: { message: "the layers of one function are all AWS Lambda's or all Function Compute's, not both" },
    });
  });
});

/**
 * AWS's own limits, at their edges, with Strata's defaults: five layers are taken and a sixth is not (above), and the
 * layers' unzipped sizes together may reach 262144000 bytes ("The total unzipped size of the function and all layers
 * cannot exceed the unzipped deployment package size quota of 250 MB", adding-layers.html) but not pass it. Each layer
 * is counted whole, even where the merge overwrites its files: the layers here overlap entirely.
 */
describe(`GetMergedOpt at AWS's default limits (${BACKEND})`, () => {
  const LAMBDA_UNZIPPED = 262_144_000;
  let t: TestApp;
  let lambda: LambdaClient;

  beforeAll(async () => {
    t = await startTestApp();
    lambda = lambdaClient(t.url);
  });
  afterAll(async () => {
    lambda?.destroy();
    await t?.close();
  });

  const url = (arns: string[]) => `${t.url}/_strata/opt?${arns.map((a) => `arn=${encodeURIComponent(a)}`).join('&')}`;
  const layerOf = async (zip: Buffer) => (await publish(lambda, uniqueName('edge'), { Content: { ZipFile: zip } })).LayerVersionArn!;

  it('GetMergedOpt: five AWS layers are taken', async () => {
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) arns.push(await layerOf(await makeTreeZip([{ name: `python/l${i}.py`, data: `L = ${i}\n` }])));
    const res = await fetch(url(arns));
    expect(res.status).toBe(200);
    expect(await zipTreeOf(Buffer.from(await res.arrayBuffer()))).toEqual({
      'python/l0.py': 'f 644 L = 0\n', 'python/l1.py': 'f 644 L = 1\n', 'python/l2.py': 'f 644 L = 2\n',
      'python/l3.py': 'f 644 L = 3\n', 'python/l4.py': 'f 644 L = 4\n',
    });
  });

  it('GetMergedOpt: AWS layers of 262144000 bytes unzipped together are taken, one byte more is refused', async () => {
    const half = LAMBDA_UNZIPPED / 2;
    const bombs = [await layerOf(await zipBomb(half)), await layerOf(await zipBomb(half))];
    const taken = await fetch(url(bombs));
    expect(taken.status).toBe(200);
    // Stored entries: the merged zip is the 131072000 bytes of one layer's files (the second's replace them), plus headers.
    expect(Number(taken.headers.get('content-length'))).toBeGreaterThan(half);
    await taken.body?.cancel();

    const oneByte = await layerOf(await makeTreeZip([{ name: 'one.txt', data: 'x' }]));
    const refused = await fetch(url([...bombs, oneByte]));
    expect([refused.status, refused.headers.get('x-amzn-errortype')]).toEqual([400, 'InvalidParameterValueException']);
    expect(await refused.json()).toEqual({ Type: 'User', message: 'Layers consume more than the available size of 262144000 bytes' });
  });
});
