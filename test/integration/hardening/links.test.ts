/**
 * Download links accept exactly one spelling of their signature (64 lowercase hex digits) and expiry (a plain
 * decimal integer): anything else is refused as S3 refuses a presigned URL it cannot read. Raw requests: these are
 * links a client has altered, which no SDK does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { TestApp } from '../../helpers/app.js';
import { download, publish, smallZip, startAwsApp, stopAwsApp, uniqueName } from '../../helpers/aws.js';

let t: TestApp, client: LambdaClient;
let location: URL, zip: Buffer;
beforeAll(async () => {
  ({ t, client } = await startAwsApp());
  zip = await smallZip();
  location = new URL((await publish(client, uniqueName(), { Content: { ZipFile: zip } })).Content!.Location!);
});
afterAll(() => stopAwsApp(t, client));

/** The link with its query rewritten: `edit` gets the parameters and returns the raw query string to send. */
function altered(edit: (expires: string, signature: string) => string): string {
  const expires = location.searchParams.get('X-Strata-Expires')!;
  const signature = location.searchParams.get('X-Strata-Signature')!;
  return `${location.origin}${location.pathname}?${edit(expires, signature)}`;
}

const xmlCode = (body: Buffer) => /<Code>([^<]*)<\/Code>/.exec(body.toString())?.[1];

describe('download links', () => {
  it('DownloadLayerContent: the link as issued downloads the published bytes', async () => {
    const got = await download(location.toString());
    expect(got.status).toBe(200);
    expect(got.body.equals(zip)).toBe(true);
  });

  const forgedSignatures: [string, (s: string) => string][] = [
    ['"zz" appended', (s) => `${s}zz`],
    ['"0" appended', (s) => `${s}0`],
    ['"00" appended', (s) => `${s}00`],
    ['in uppercase', (s) => s.toUpperCase()],
    ['one digit short', (s) => s.slice(0, -1)],
    ['empty', () => ''],
  ];
  it.each(forgedSignatures)('DownloadLayerContent: the signature %s → 403 SignatureDoesNotMatch', async (_, spell) => {
    const got = await download(altered((e, s) => `X-Strata-Expires=${e}&X-Strata-Signature=${encodeURIComponent(spell(s))}`));
    expect(got.status).toBe(403);
    expect(got.headers['content-type']).toMatch(/^application\/xml/);
    expect(xmlCode(got.body)).toBe('SignatureDoesNotMatch');
  });

  const badExpiries: [string, (e: string) => string][] = [
    ['in hex (0x…)', (e) => `0x${Number(e).toString(16)}`],
    ['with a plus sign', (e) => `+${e}`],
    ['with a leading zero', (e) => `0${e}`],
    ['with ".0"', (e) => `${e}.0`],
    ['with a leading space', (e) => ` ${e}`],
    ['with a trailing space', (e) => `${e} `],
    ['as an exponent', (e) => `${(Number(e) / 1000).toFixed(3)}e3`],
    ['empty', () => ''],
  ];
  it.each(badExpiries)('DownloadLayerContent: the expiry %s → 400 AuthorizationQueryParametersError', async (_, spell) => {
    const got = await download(altered((e, s) => `X-Strata-Expires=${encodeURIComponent(spell(e))}&X-Strata-Signature=${s}`));
    expect(got.status).toBe(400);
    expect(got.headers['content-type']).toMatch(/^application\/xml/);
    expect(xmlCode(got.body)).toBe('AuthorizationQueryParametersError');
    expect(got.body.toString()).toContain(
      '<Message>X-Strata-Expires should be a number of seconds since the epoch, written in decimal digits, and each parameter given once</Message>',
    );
  });

  it('DownloadLayerContent: a parameter given twice → 400 AuthorizationQueryParametersError', async () => {
    const got = await download(altered((e, s) => `X-Strata-Expires=${e}&X-Strata-Expires=${e}&X-Strata-Signature=${s}`));
    expect(got.status).toBe(400);
    expect(xmlCode(got.body)).toBe('AuthorizationQueryParametersError');
    const twice = await download(altered((e, s) => `X-Strata-Expires=${e}&X-Strata-Signature=${s}&X-Strata-Signature=${s}`));
    expect(twice.status).toBe(400);
    expect(xmlCode(twice.body)).toBe('AuthorizationQueryParametersError');
  });

  it('DownloadLayerContent: a link without its parameters → 403 AccessDenied', async () => {
    for (const query of [(e: string) => `X-Strata-Expires=${e}`, (_: string, s: string) => `X-Strata-Signature=${s}`, () => '']) {
      const got = await download(altered(query));
      expect(got.status).toBe(403);
      expect(xmlCode(got.body)).toBe('AccessDenied');
      expect(got.body.toString()).toContain(
        '<Message>Query-string authentication requires the X-Strata-Signature and X-Strata-Expires parameters</Message>',
      );
    }
  });

  it('DownloadLayerContent: a later expiry with the old signature → 403 SignatureDoesNotMatch', async () => {
    const got = await download(altered((e, s) => `X-Strata-Expires=${Number(e) + 1}&X-Strata-Signature=${s}`));
    expect(got.status).toBe(403);
    expect(xmlCode(got.body)).toBe('SignatureDoesNotMatch');
  });
});
