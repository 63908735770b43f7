/**
 * PublishLayerVersion: the layer content itself — zip checks, content sources and size limits (spec §3.1, §5).
 * After every refusal no version number is consumed and nothing is left in staging/ or added to blobs/.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import {
  blobFiles, expectAwsError, expectNoResidue, inPieces, lambdaClient, publish, rawRequest, sha256Base64, uniqueName,
  userErrorBody,
  startAwsApp, stopAwsApp,
} from '../../helpers/aws.js';
import { emptyZip, makeZip, notAZip, zipBomb, zipWithLyingSize } from '../../helpers/zips.js';

const COULD_NOT_UNZIP = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

let t: TestApp;
let client: LambdaClient;
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client));

/** Publishes v1 of a fresh layer, runs `refuse`, checks nothing was left behind and the next publish is v2. */
async function afterRefusal(app: TestApp, c: LambdaClient, refuse: (name: string) => Promise<unknown>): Promise<void> {
  const name = uniqueName();
  expect((await publish(c, name)).Version).toBe(1);
  const blobsBefore = await blobFiles(app);
  await refuse(name);
  await expectNoResidue(app, blobsBefore);
  expect((await publish(c, name)).Version).toBe(2);
}

function expectInvalidParameter(call: Promise<unknown>, message?: string) {
  return expectAwsError(call, {
    status: 400,
    code: 'InvalidParameterValueException',
    ...(message !== undefined && { message, body: userErrorBody(message) }),
  });
}

describe('PublishLayerVersion content', () => {
  it('PublishLayerVersion: content that is not a zip is "Could not unzip uploaded file"', async () => {
    await afterRefusal(t, client, async (name) => {
      await expectInvalidParameter(publish(client, name, { Content: { ZipFile: await notAZip() } }), COULD_NOT_UNZIP);
    });
  });

  it('PublishLayerVersion: a zip without entries is "Uploaded file must be a non-empty zip"', async () => {
    await afterRefusal(t, client, async (name) => {
      await expectInvalidParameter(
        publish(client, name, { Content: { ZipFile: await emptyZip() } }),
        'Uploaded file must be a non-empty zip',
      );
    });
  });

  it('PublishLayerVersion: a zip whose declared sizes lie is "Could not unzip uploaded file"', async () => {
    await afterRefusal(t, client, async (name) => {
      await expectInvalidParameter(publish(client, name, { Content: { ZipFile: await zipWithLyingSize() } }), COULD_NOT_UNZIP);
    });
  });

  it('PublishLayerVersion: an unzipped size of 262144000 bytes or more is refused', async () => {
    const bomb = await zipBomb(262_144_000);
    expect(bomb.length).toBeLessThan(1_000_000);
    await afterRefusal(t, client, async (name) => {
      await expectInvalidParameter(
        publish(client, name, { Content: { ZipFile: bomb } }),
        'Unzipped size must be smaller than 262144000 bytes',
      );
    });
  });

  it('PublishLayerVersion: the unzipped limit is exclusive (STRATA_AWS_MAX_UNZIPPED_BYTES)', async () => {
    const small = await startTestApp({ STRATA_AWS_MAX_UNZIPPED_BYTES: '1000' });
    const c = lambdaClient(small.url);
    try {
      const under = await makeZip({ 'a.txt': 'a'.repeat(600), 'b.txt': 'b'.repeat(399) });
      expect((await publish(c, uniqueName(), { Content: { ZipFile: under } })).Version).toBe(1);
      const at = await makeZip({ 'a.txt': 'a'.repeat(600), 'b.txt': 'b'.repeat(400) });
      await afterRefusal(small, c, async (name) => {
        await expectInvalidParameter(publish(c, name, { Content: { ZipFile: at } }), 'Unzipped size must be smaller than 1000 bytes');
      });
    } finally {
      c.destroy();
      await small.close();
    }
  });

  it('PublishLayerVersion: Content without ZipFile or S3 location is InvalidParameterValueException', async () => {
    await afterRefusal(t, client, async (name) => {
      const err = await expectInvalidParameter(publish(client, name, { Content: {} }));
      expect(err.Type).toBe('User');
    });
  });

  it('PublishLayerVersion: ZipFile together with S3Bucket/S3Key is InvalidParameterValueException', async () => {
    await afterRefusal(t, client, async (name) => {
      const zip = await makeZip({ 'a.txt': 'a' });
      const err = await expectInvalidParameter(
        publish(client, name, { Content: { ZipFile: zip, S3Bucket: 'my-bucket', S3Key: 'layer.zip' } }),
      );
      expect(err.Type).toBe('User');
    });
  });

  it('PublishLayerVersion: S3 content is refused with InvalidParameterValueException, not a 500', async () => {
    await afterRefusal(t, client, async (name) => {
      const err = await expectInvalidParameter(publish(client, name, { Content: { S3Bucket: 'my-bucket', S3Key: '/layercontent.zip' } }));
      expect(err.Type).toBe('User');
      expect(err.$metadata.httpStatusCode).toBe(400);
    });
  });

  it('PublishLayerVersion: a zip just under the zipped limit is accepted and hashed exactly', async () => {
    const app = await startTestApp({ STRATA_AWS_MAX_REQUEST_BYTES: '100000', STRATA_AWS_MAX_ZIPPED_BYTES: '50000' });
    const c = lambdaClient(app.url);
    try {
      const zip = await makeZip({ 'r.bin': randomBytes(40_000) }, { compress: false });
      expect(zip.length).toBeLessThan(50_000);
      const out = await publish(c, uniqueName(), { Content: { ZipFile: zip } });
      expect(out.Content).toMatchObject({ CodeSha256: sha256Base64(zip), CodeSize: zip.length });
    } finally {
      c.destroy();
      await app.close();
    }
  });
});

describe('PublishLayerVersion size limits', () => {
  let small: TestApp;
  let c: LambdaClient;
  beforeAll(async () => {
    small = await startTestApp({ STRATA_AWS_MAX_REQUEST_BYTES: '100000', STRATA_AWS_MAX_ZIPPED_BYTES: '50000' });
    c = lambdaClient(small.url);
  });
  afterAll(async () => {
    c?.destroy();
    await small?.close();
  });

  it('PublishLayerVersion: a request body over the limit is 413 RequestEntityTooLargeException', async () => {
    // 150 KB of incompressible zip → ~200 KB of JSON, over STRATA_AWS_MAX_REQUEST_BYTES=100000.
    const zip = await makeZip({ 'r.bin': randomBytes(150_000) }, { compress: false });
    await afterRefusal(small, c, async (name) => {
      await expectAwsError(publish(c, name, { Content: { ZipFile: zip } }), {
        status: 413,
        code: 'RequestEntityTooLargeException',
        message: 'Request must be smaller than 100000 bytes for the PublishLayerVersion operation',
      });
    });
  });

  it('PublishLayerVersion: a chunked request body over the limit is 413 too', async () => {
    // No Content-Length: the limit must be enforced while streaming. The SDK always sends a length, so this is a raw
    // chunked request. The zipped limit stays at its default here so that only the request limit can trip.
    const app = await startTestApp({ STRATA_AWS_MAX_REQUEST_BYTES: '100000' });
    const ac = lambdaClient(app.url);
    const zip = await makeZip({ 'r.bin': randomBytes(150_000) }, { compress: false });
    try {
      await afterRefusal(app, ac, async (name) => {
        const json = Buffer.from(JSON.stringify({ Content: { ZipFile: zip.toString('base64') } }));
        const res = await rawRequest(app.url, `/2018-10-31/layers/${name}/versions`, {
          method: 'POST',
          body: inPieces(json, 8192),
        });
        expect(res.status).toBe(413);
        expect(res.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException');
        expect(res.json.message).toBe('Request must be smaller than 100000 bytes for the PublishLayerVersion operation');
      });
    } finally {
      ac.destroy();
      await app.close();
    }
  });

  it('PublishLayerVersion: a zip over the zipped limit is 413 "Zipped size must be smaller than N bytes"', async () => {
    // 60 KB zip → 80 KB of base64: under the request limit, over STRATA_AWS_MAX_ZIPPED_BYTES=50000.
    const zip = await makeZip({ 'r.bin': randomBytes(60_000) }, { compress: false });
    await afterRefusal(small, c, async (name) => {
      await expectAwsError(publish(c, name, { Content: { ZipFile: zip } }), {
        status: 413,
        code: 'RequestEntityTooLargeException',
        message: 'Zipped size must be smaller than 50000 bytes',
      });
    });
  });
});
