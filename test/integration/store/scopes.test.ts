/** listScopes: the clouds, accounts and regions holding layers, counted, as publishes and deletes change them. */
import { DeleteLayerVersionCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { lambdaClient, publish } from '../../helpers/aws.js';
import { create23, fc23, smallZip } from '../../helpers/fc.js';

describe(`listScopes (${BACKEND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ STRATA_FC_ACCESS_KEYS: 'AK1=111,AK2=222' });
  });
  afterAll(() => t.close());

  it('listScopes: each cloud, account and region with its layer and version counts, in that order; none when empty', async () => {
    expect(t.app.layers.listScopes()).toEqual([]);
    const west = lambdaClient(t.url, { accessKeyId: '222222222222', region: 'eu-west-1' });
    const east = lambdaClient(t.url, { accessKeyId: '111111111111', region: 'us-east-1' });
    await publish(west, 'a');
    await publish(west, 'a');
    await publish(west, 'b');
    await publish(east, 'a');
    await create23(fc23(t.url, { accessKeyId: 'AK2' }), 'a', await smallZip());
    await create23(fc23(t.url, { accessKeyId: 'AK1' }), 'a', await smallZip());
    expect(t.app.layers.listScopes()).toEqual([
      { scope: { cloud: 'aws', account: '111111111111', region: 'us-east-1' }, layers: 1, versions: 1 },
      { scope: { cloud: 'aws', account: '222222222222', region: 'eu-west-1' }, layers: 2, versions: 3 },
      { scope: { cloud: 'fc', account: '111', region: 'cn-hangzhou' }, layers: 1, versions: 1 },
      { scope: { cloud: 'fc', account: '222', region: 'cn-hangzhou' }, layers: 1, versions: 1 },
    ]);
    // A layer whose every version is deleted no longer counts, nor does a scope left without layers.
    await west.send(new DeleteLayerVersionCommand({ LayerName: 'b', VersionNumber: 1 }));
    await east.send(new DeleteLayerVersionCommand({ LayerName: 'a', VersionNumber: 1 }));
    expect(t.app.layers.listScopes()).toEqual([
      { scope: { cloud: 'aws', account: '222222222222', region: 'eu-west-1' }, layers: 1, versions: 2 },
      { scope: { cloud: 'fc', account: '111', region: 'cn-hangzhou' }, layers: 1, versions: 1 },
      { scope: { cloud: 'fc', account: '222', region: 'cn-hangzhou' }, layers: 1, versions: 1 },
    ]);
  });
});
