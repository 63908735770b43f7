/** Package size limits, with a small STRATA_FC_MAX_CODE_BYTES (and STRATA_FC_MAX_UNZIPPED_BYTES) configured. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import {
  TF_ZIP, create21, create23, expectFc21Error, expectFc23Error, expectFc2Error, fc2, fc21, fc23, publish2, uniqueName,
  type ExpectedFcError, type FC21Client, type FC23Client, type FC2Client,
} from '../../helpers/fc.js';
import { makeZip, zipBomb } from '../../helpers/zips.js';

const MAX_CODE = 8 * 1024;
const MAX_UNZIPPED = 1024 * 1024;

let t: TestApp;
let c21: FC21Client;
let c23: FC23Client;
let c2: FC2Client;

beforeAll(async () => {
  t = await startTestApp({ STRATA_FC_MAX_CODE_BYTES: String(MAX_CODE), STRATA_FC_MAX_UNZIPPED_BYTES: String(MAX_UNZIPPED) });
  c21 = fc21(t.url);
  c23 = fc23(t.url);
  c2 = fc2(t.url);
});
afterAll(async () => {
  await t?.close();
});

const tooLarge: ExpectedFcError = { status: 400, code: 'InvalidArgument', message: `the code package must be at most ${MAX_CODE} bytes` };

/** A stored (uncompressed) zip of random bytes, so its size is about `bytes`. */
function incompressibleZip(bytes: number): Promise<Buffer> {
  return makeZip({ 'bin/blob': randomBytes(bytes) }, { compress: false });
}

async function expectAbsent(name: string) {
  await expectFc23Error(c23.getLayerVersion(name, '1'), { status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist` });
}

describe('STRATA_FC_MAX_CODE_BYTES', () => {
  it('CreateLayerVersion (2023-03-30): a package within the configured limit is accepted', async () => {
    const zip = await incompressibleZip(MAX_CODE - 512);
    expect(zip.length).toBeLessThanOrEqual(MAX_CODE);
    const res = await create23(c23, uniqueName(), zip);
    expect(res.body!.codeSize).toBe(zip.length);
  });

  it('CreateLayerVersion (2023-03-30, 2021-04-06): a package just over the limit → 400 InvalidArgument', async () => {
    const name = uniqueName();
    const zip = await incompressibleZip(MAX_CODE + 1);
    expect(zip.length).toBeGreaterThan(MAX_CODE);
    await expectFc23Error(create23(c23, name, zip), tooLarge);
    await expectFc21Error(create21(c21, name, zip), tooLarge);
    await expectAbsent(name);
  });

  it('PublishLayerVersion (2016-08-15): a package just over the limit → 400 InvalidArgument', async () => {
    const name = uniqueName();
    await expectFc2Error(publish2(c2, name, await incompressibleZip(MAX_CODE + 1)), tooLarge);
    await expectAbsent(name);
  });

  // The tea SDKs stream the body chunked; @alicloud/fc2 declares a Content-Length, which here is far over any
  // body a package within the limit could need.
  it('CreateLayerVersion (2023-03-30): a package of 2 MB (limit 8 KB) → 400 InvalidArgument', async () => {
    const name = uniqueName();
    await expectFc23Error(create23(c23, name, await incompressibleZip(2 * 1024 * 1024)), tooLarge);
    await expectAbsent(name);
  });

  it('PublishLayerVersion (2016-08-15): a package of 2 MB (limit 8 KB), sent with Content-Length → 400 InvalidArgument', async () => {
    const name = uniqueName();
    await expectFc2Error(publish2(c2, name, await incompressibleZip(2 * 1024 * 1024)), tooLarge);
    await expectAbsent(name);
  });

  it('CreateLayerVersion (2021-04-06): the server still works after refusals (a small package is accepted)', async () => {
    const res = await create21(c21, uniqueName(), TF_ZIP.bytes);
    expect(res.body!.codesize).toBe(TF_ZIP.size);
  });
});

describe('STRATA_FC_MAX_UNZIPPED_BYTES', () => {
  it('CreateLayerVersion (2023-03-30): a zip that inflates past the unzipped limit → 400 InvalidArgument', async () => {
    const name = uniqueName();
    const bomb = await zipBomb(4 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(MAX_CODE);
    await expectFc23Error(create23(c23, name, bomb), {
      status: 400, code: 'InvalidArgument', message: `the unzipped code package must be smaller than ${MAX_UNZIPPED} bytes`,
    });
    await expectAbsent(name);
  });
});
