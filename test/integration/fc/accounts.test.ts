/**
 * Accounts: the access key id (STRATA_FC_ACCESS_KEYS) picks the account whichever SDK, API version and signing
 * scheme is used; X-Fc-Account-Id naming another account is refused; region and default account from the env;
 * FC's layer namespace is separate from AWS's.
 */
import { PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { lambdaClient } from '../../helpers/aws.js';
import {
  $21, $23, RUNTIME21, RUNTIME23, TF_ZIP, acsArn, create21, create23, expectFc21Error, expectFc23Error, expectFc2Error,
  fc2, fc21, fc23, publish2, uniqueName, type ExpectedFcError, type FC21Client, type FC23Client,
} from '../../helpers/fc.js';

const REGION = 'cn-shanghai';
const DEFAULT = '7777';
const arnOf = (name: string, v: number, account: string) => acsArn(name, v, account, REGION);

let t: TestApp;
const ENV = { STRATA_FC_ACCESS_KEYS: 'AK1=111,AK2=222', STRATA_FC_ACCOUNT_ID: DEFAULT, STRATA_FC_REGION: REGION };

beforeAll(async () => {
  t = await startTestApp(ENV);
});
afterAll(async () => {
  await t?.close();
});

const as21 = (ak: string, v2 = false) => fc21(t.url, { accessKeyId: ak, ...(v2 && { signatureAlgorithm: 'v2' as const }) });
const as23 = (ak: string) => fc23(t.url, { accessKeyId: ak });
const as2 = (ak: string, accountId: string) => fc2(t.url, { accessKeyId: ak, accountId });

const names21 = async (c: FC21Client, prefix: string) =>
  ((await c.listLayers(new $21.ListLayersRequest({ prefix }))).body!.layers ?? []).map((l) => l.layerName);

const accessDenied = (ak: string, account: string, claimed: string): ExpectedFcError => ({
  status: 403,
  code: 'AccessDenied',
  message: new RegExp(`'${ak}'.*'${account}'.*'${claimed}'`),
});

describe('the access key picks the account', () => {
  it('CreateLayerVersion (2023-03-30) with AK1: ListLayers through the 2021 SDK and @alicloud/fc2 with AK1 shows it', async () => {
    const name = uniqueName('acct');
    const created = await create23(as23('AK1'), name, TF_ZIP.bytes);
    expect(created.body!.layerVersionArn).toBe(arnOf(name, 1, '111'));

    const l21 = await as21('AK1').listLayers(new $21.ListLayersRequest({ prefix: name }));
    expect(l21.body!.layers!.map((l) => [l.layerName, l.arnV2])).toEqual([[name, arnOf(name, 1, '111')]]);
    const l2 = await as2('AK1', '111').listLayers({ prefix: name });
    expect(l2.data.layers.map((l: any) => [l.layerName, l.arnV2])).toEqual([[name, arnOf(name, 1, '111')]]);
    const g2 = await as2('AK1', '111').getLayerVersion(name, 1);
    expect(g2.data.codeChecksum).toBe(TF_ZIP.crc64);
  });

  it('ListLayers / GetLayerVersion (2021-04-06, 2023-03-30) with AK2: AK1\'s layer is not there', async () => {
    const name = uniqueName('acct');
    await create21(as21('AK1'), name, TF_ZIP.bytes);
    expect(await names21(as21('AK2'), name)).toEqual([]);
    const notFound = { status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist` };
    await expectFc21Error(as21('AK2').getLayerVersion(name, '1'), notFound);
    await expectFc23Error(as23('AK2').getLayerVersion(name, '1'), notFound);
    await expectFc23Error(as23('AK2').deleteLayerVersion(name, '1'), notFound);
    expect((await as23('AK1').getLayerVersion(name, '1')).body!.version).toBe(1);
  });

  it('CreateLayerVersion (2023-03-30): one name is numbered separately per account', async () => {
    const name = uniqueName('acct');
    expect((await create23(as23('AK1'), name, TF_ZIP.bytes)).body!.version).toBe(1);
    expect((await create23(as23('AK1'), name, TF_ZIP.bytes)).body!.version).toBe(2);
    const other = await create23(as23('AK2'), name, TF_ZIP.bytes);
    expect(other.body!.version).toBe(1);
    expect(other.body!.layerVersionArn).toBe(arnOf(name, 1, '222'));
  });

  it('CreateLayerVersion (2023-03-30, 2016-08-15): an unmapped access key uses STRATA_FC_ACCOUNT_ID and STRATA_FC_REGION', async () => {
    const name = uniqueName('acct');
    const created = await create23(as23('someone-else'), name, TF_ZIP.bytes);
    expect(created.body!.layerVersionArn).toBe(arnOf(name, 1, DEFAULT));
    const { data } = await as2('another-key', DEFAULT).getLayerVersion(name, 1);
    expect(data.arnV2).toBe(arnOf(name, 1, DEFAULT));
  });
});

describe('every signing scheme carries the access key id', () => {
  const schemes = [
    ['ACS3-HMAC-SHA256 (2023-03-30 SDK)', async (name: string) => (await create23(as23('AK2'), name, TF_ZIP.bytes)).body!.layerVersionArn],
    ['ACS3-HMAC-SHA256 (2021-04-06 SDK)', async (name: string) => {
      await create21(as21('AK2'), name, TF_ZIP.bytes);
      return (await as21('AK2').getLayerVersion(name, '1')).body!.arnV2;
    }],
    ['acs HMAC-SHA1 (2021-04-06 SDK, signatureAlgorithm v2)', async (name: string) => {
      await create21(as21('AK2', true), name, TF_ZIP.bytes);
      return (await as21('AK2', true).getLayerVersion(name, '1')).body!.arnV2;
    }],
    ['FC HMAC-SHA256 (@alicloud/fc2, 2016-08-15)', async (name: string) =>
      (await publish2(as2('AK2', '222'), name, TF_ZIP.bytes)).data.arnV2],
  ] as const;

  it.each(schemes)('CreateLayerVersion signed with %s: AK2 creates in account 222', async (_scheme, createAsAk2) => {
    const name = uniqueName('sig');
    expect(await createAsAk2(name)).toBe(arnOf(name, 1, '222'));
    expect(await names21(as21('AK2'), name)).toEqual([name]);
    expect(await names21(as21('AK1'), name)).toEqual([]);
  });

  it('ListLayers (2021-04-06) signed with acs HMAC-SHA1: sees the layers of its key\'s account', async () => {
    const name = uniqueName('sig');
    await create23(as23('AK1'), name, TF_ZIP.bytes);
    expect(await names21(as21('AK1', true), name)).toEqual([name]);
    expect(await names21(as21('AK2', true), name)).toEqual([]);
  });
});

describe('X-Fc-Account-Id', () => {
  it('GetLayerVersion (2021-04-06, 2023-03-30): X-Fc-Account-Id naming the key\'s own account is accepted', async () => {
    const name = uniqueName('hdr');
    await create23(as23('AK1'), name, TF_ZIP.bytes);
    const r21 = await as21('AK1').getLayerVersionWithOptions(name, '1', new $21.GetLayerVersionHeaders({ xFcAccountId: '111' }), RUNTIME21);
    expect(r21.body!.arnV2).toBe(arnOf(name, 1, '111'));
    const r23 = await as23('AK1').getLayerVersionWithOptions(name, '1', { 'X-Fc-Account-Id': '111' }, RUNTIME23);
    expect(r23.body!.layerVersionArn).toBe(arnOf(name, 1, '111'));
  });

  it('(2016-08-15): @alicloud/fc2 whose account id is not the key\'s account → 403 AccessDenied', async () => {
    const name = uniqueName('hdr');
    const denied = accessDenied('AK1', '111', '222');
    await expectFc2Error(publish2(as2('AK1', '222'), name, TF_ZIP.bytes), denied);
    await expectFc2Error(as2('AK1', '222').listLayers({ prefix: name }), denied);
    await expectFc2Error(as2('AK1', '222').getLayerVersion(name, 1), denied);
    expect(await names21(as21('AK1'), name)).toEqual([]);
    expect(await names21(as21('AK2'), name)).toEqual([]);
  });

  it('(2021-04-06): X-Fc-Account-Id naming another account → 403 AccessDenied', async () => {
    const name = uniqueName('hdr');
    const c = as21('AK1');
    const denied = accessDenied('AK1', '111', '222');
    await expectFc21Error(
      c.createLayerVersionWithOptions(
        name,
        new $21.CreateLayerVersionRequest({ code: new $21.Code({ zipFile: TF_ZIP.bytes.toString('base64') }), compatibleRuntime: ['python3'] }),
        new $21.CreateLayerVersionHeaders({ xFcAccountId: '222' }),
        RUNTIME21,
      ),
      denied,
    );
    await expectFc21Error(c.listLayersWithOptions(new $21.ListLayersRequest({}), new $21.ListLayersHeaders({ xFcAccountId: '222' }), RUNTIME21), denied);
    expect(await names21(c, name)).toEqual([]);
  });

  it('(2023-03-30): X-Fc-Account-Id naming another account → 403 AccessDenied', async () => {
    const name = uniqueName('hdr');
    await create23(as23('AK1'), name, TF_ZIP.bytes);
    const denied = accessDenied('AK1', '111', '222');
    const headers = { 'X-Fc-Account-Id': '222' };
    await expectFc23Error(as23('AK1').getLayerVersionWithOptions(name, '1', headers, RUNTIME23), denied);
    await expectFc23Error(as23('AK1').deleteLayerVersionWithOptions(name, '1', headers, RUNTIME23), denied);
    await expectFc23Error(
      as23('AK1').putLayerACLWithOptions(name, new $23.PutLayerACLRequest({ acl: '1' }), headers, RUNTIME23),
      denied,
    );
    const still = await as23('AK1').getLayerVersion(name, '1');
    expect(still.body!.acl).toBe('0');
  });
});

describe('GetLayerVersionByArn across accounts', () => {
  it('GetLayerVersionByArn (2023-03-30, 2016-08-15): another account\'s private version → 403 AccessDenied; public → readable', async () => {
    const name = uniqueName('xacct');
    const arn = (await create23(as23('AK1'), name, TF_ZIP.bytes)).body!.layerVersionArn!;
    const denied = { status: 403, code: 'AccessDenied', message: `you are not allowed to access the private layer version '${arn}'` };
    await expectFc23Error(as23('AK2').getLayerVersionByArn(arn), denied);
    await expectFc2Error(as2('AK2', '222').getLayerVersionByArn(arn), denied);

    await as23('AK1').putLayerACL(name, new $23.PutLayerACLRequest({ acl: '1' }));
    const got = await as23('AK2').getLayerVersionByArn(arn);
    expect(got.body!.layerVersionArn).toBe(arn);
    expect(got.body!.acl).toBe('1');
    expect(got.body!.codeChecksum).toBe(TF_ZIP.crc64);
    expect((await as2('AK2', '222').getLayerVersionByArn(arn)).data.acl).toBe(1);
  });

  it('GetLayerVersionByArn (2023-03-30): an ARN of another account\'s missing layer → 404 LayerNotFound', async () => {
    const name = uniqueName('xacct');
    await expectFc23Error(as23('AK2').getLayerVersionByArn(arnOf(name, 1, '111')), {
      status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist`,
    });
  });
});

describe('FC and AWS namespaces', () => {
  it('CreateLayerVersion (2023-03-30) and AWS PublishLayerVersion (2018-10-31): one name is numbered separately in each', async () => {
    const name = uniqueName('shared-name');
    const aws = lambdaClient(t.url);
    try {
      const publishAws = async () =>
        (await aws.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: TF_ZIP.bytes } }))).Version;
      expect(await publishAws()).toBe(1);
      expect((await create23(as23('AK1'), name, TF_ZIP.bytes)).body!.version).toBe(1);
      expect((await publish2(as2('AK1', '111'), name, TF_ZIP.bytes)).data.version).toBe(2);
      expect(await publishAws()).toBe(2);
      const versions = await as23('AK1').listLayerVersions(name, new $23.ListLayerVersionsRequest({}));
      expect(versions.body!.layers!.map((l) => l.version)).toEqual([1, 2]);
    } finally {
      aws.destroy();
    }
  });
});

// Last in the file: these restart the server in another region, on the same data directory, and run in order.
describe('regions', () => {
  let shanghaiLayer = '';

  it('CreateLayerVersion (2023-03-30): a server restarted with another STRATA_FC_REGION has its own namespace', async () => {
    const name = uniqueName('region');
    await create23(as23('AK1'), name, TF_ZIP.bytes);
    await create23(as23('AK1'), name, TF_ZIP.bytes);
    shanghaiLayer = name;
    await t.app.close();
    t = await startTestApp({ ...ENV, STRATA_FC_REGION: 'cn-beijing' }, t.dataDir);

    expect(await names21(as21('AK1'), name)).toEqual([]);
    const created = await create23(as23('AK1'), name, TF_ZIP.bytes);
    expect(created.body!.version).toBe(1);
    expect(created.body!.layerVersionArn).toBe(acsArn(name, 1, '111', 'cn-beijing'));
    await expectFc23Error(as23('AK1').getLayerVersion(name, '2'), {
      status: 404, code: 'LayerVersionNotFound', message: `layer '${name}' version '2' does not exist`,
    });
  });

  it('GetLayerVersionByArn (2023-03-30): a cn-beijing server does not serve a cn-shanghai ARN (404 LayerNotFound)', async () => {
    expect(shanghaiLayer).not.toBe('');
    await expectFc23Error(as23('AK1').getLayerVersionByArn(arnOf(shanghaiLayer, 2, '111')), {
      status: 404, code: 'LayerNotFound', message: `layer '${shanghaiLayer}' does not exist`,
    });
  });
});
