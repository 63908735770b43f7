/**
 * Helpers for the FC-dialect integration tests: the three Alibaba Cloud SDKs pointed at Strata
 * (@alicloud/fc-open20210406 for 2021-04-06, @alicloud/fc20230330 for 2023-03-30, @alicloud/fc2 for 2016-08-15),
 * error matchers for the way each SDK surfaces an FC error, the fixture zips with their known CRC-64 values,
 * and a raw HTTP request for what no SDK sends.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import FC21Module, * as $21 from '@alicloud/fc-open20210406';
import FC23Module, * as $23 from '@alicloud/fc20230330';
import * as $OpenApi from '@alicloud/openapi-client';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { expect } from 'vitest';
import { bytesOf, inPieces, mergeHeaders, sendRaw, type RawResponse } from './http.js';
import { fcSchemeHeaders, keyFor, verifies } from './auth.js';
import { startTestApp } from './app.js';
import { makeZip } from './zips.js';

export { $21, $23 };

export const DEFAULT_ACCOUNT = '1234567890123456';
export const DEFAULT_REGION = 'cn-hangzhou';
export const ACCESS_KEY_ID = 'testAccessKeyId';
export const ACCESS_KEY_SECRET = 'testAccessKeySecret';

/** `2020-11-11T11:08:00Z` (doc samples). */
export const CREATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** FC 3.0 request ids: `1-64e70cf1-5cbef92ea8fc8c42899cf5d1`. */
export const FC3_REQUEST_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

/** FC 2.0's deprecated `arn`: `<32 hex>#<name>#<version>`. */
export function legacyArnPattern(name: string, version: number): RegExp {
  return new RegExp(`^[0-9a-f]{32}#${name}#${version}$`);
}

/** arnV2 (2016/2021) and layerVersionArn (2023). */
export function acsArn(name: string, version: number, account = DEFAULT_ACCOUNT, region = DEFAULT_REGION): string {
  return `acs:fc:${region}:${account}:layers/${name}/versions/${version}`;
}

// ---------------------------------------------------------------------------------------------------------
// Clients

/** The SDKs are CommonJS with `exports.default = Client`; Node's ESM import hands back `module.exports`. */
function ctorOf<T>(mod: unknown): T {
  const m = mod as { default?: unknown };
  return (typeof m === 'function' ? m : m.default) as T;
}

type FC21Ctor = typeof FC21Module.default;
type FC23Ctor = typeof FC23Module.default;
export type FC21Client = InstanceType<FC21Ctor>;
export type FC23Client = InstanceType<FC23Ctor>;

export interface ClientOptions {
  accessKeyId?: string;
  accessKeySecret?: string;
  /** STS credentials' token (x-acs-security-token, or x-fc-security-token for @alicloud/fc2). */
  securityToken?: string;
  regionId?: string;
}

/** The secret a client signs with: the test's, else the one registered for its key (test/helpers/auth.ts). */
function secretOf(url: string, opts: ClientOptions): string {
  return opts.accessKeySecret ?? keyFor(url, 'fc', opts.accessKeyId ?? ACCESS_KEY_ID, ACCESS_KEY_SECRET);
}

/** @alicloud/fc-open20210406. ACS3-HMAC-SHA256 by default; `signatureAlgorithm: 'v2'` signs with `acs` HMAC-SHA1. */
export function fc21(url: string, opts: ClientOptions & { signatureAlgorithm?: 'v2' } = {}): FC21Client {
  const Client = ctorOf<FC21Ctor>(FC21Module);
  return new Client(
    new $OpenApi.Config({
      accessKeyId: opts.accessKeyId ?? ACCESS_KEY_ID,
      accessKeySecret: secretOf(url, opts),
      ...(opts.securityToken !== undefined && { securityToken: opts.securityToken }),
      endpoint: url.replace(/^http:\/\//, ''),
      protocol: 'http',
      regionId: opts.regionId ?? DEFAULT_REGION,
      ...(opts.signatureAlgorithm && { signatureAlgorithm: opts.signatureAlgorithm }),
    }),
  );
}

/** @alicloud/fc20230330 (ACS3-HMAC-SHA256). */
export function fc23(url: string, opts: ClientOptions = {}): FC23Client {
  const Client = ctorOf<FC23Ctor>(FC23Module);
  return new Client(
    new $OpenApiUtil.Config({
      accessKeyId: opts.accessKeyId ?? ACCESS_KEY_ID,
      accessKeySecret: secretOf(url, opts),
      ...(opts.securityToken !== undefined && { securityToken: opts.securityToken }),
      endpoint: url.replace(/^http:\/\//, ''),
      protocol: 'http',
      regionId: opts.regionId ?? DEFAULT_REGION,
    }),
  );
}

/** What @alicloud/fc2 (untyped) resolves with. */
export interface Fc2Response {
  headers: Record<string, string>;
  data: any;
}

type Opts = Record<string, unknown>;
type Headers = Record<string, string>;

/** The layer methods of @alicloud/fc2 (2016-08-15, FC HMAC-SHA256 signatures). */
export interface FC2Client {
  listLayers(options?: Opts, headers?: Headers): Promise<Fc2Response>;
  listLayerVersions(layerName: string, options?: Opts, headers?: Headers): Promise<Fc2Response>;
  getLayerVersion(layerName: string, version: number | string, options?: Opts, headers?: Headers): Promise<Fc2Response>;
  getLayerVersionByArn(arn: string, options?: Opts, headers?: Headers): Promise<Fc2Response>;
  publishLayerVersion(layerName: string, options?: Opts, headers?: Headers): Promise<Fc2Response>;
  putLayerACL(layerName: string, options?: Opts, headers?: Headers): Promise<Fc2Response>;
  deleteLayerVersion(layerName: string, version: number | string, headers?: Headers): Promise<Fc2Response>;
}

const require = createRequire(import.meta.url);
const FC2 = require('@alicloud/fc2') as new (accountId: string, config: Record<string, unknown>) => FC2Client;

/** @alicloud/fc2 always sends `x-fc-account-id`: the account given here (default: the default account). */
export function fc2(url: string, opts: ClientOptions & { accountId?: string } = {}): FC2Client {
  return new FC2(opts.accountId ?? DEFAULT_ACCOUNT, {
    accessKeyID: opts.accessKeyId ?? ACCESS_KEY_ID,
    accessKeySecret: secretOf(url, opts),
    ...(opts.securityToken !== undefined && { securityToken: opts.securityToken }),
    region: opts.regionId ?? DEFAULT_REGION,
    endpoint: url,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Publishing

export function uniqueName(prefix = 'fc'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** A small distinct zip. */
export function smallZip(seed: string = randomBytes(8).toString('hex')): Promise<Buffer> {
  return makeZip({ 'python/lib.py': `SEED = ${JSON.stringify(seed)}\n` });
}

export interface CreateOptions {
  compatibleRuntime?: string[];
  description?: string;
  license?: string;
  checksum?: string;
}

export function create21(client: FC21Client, name: string, zip: Buffer, o: CreateOptions = {}) {
  return client.createLayerVersion(
    name,
    new $21.CreateLayerVersionRequest({
      code: new $21.Code({ zipFile: zip.toString('base64') }),
      compatibleRuntime: o.compatibleRuntime ?? ['python3'],
      ...(o.description !== undefined && { description: o.description }),
    }),
  );
}

/** A 2023 create with the body's members as given (e.g. a `code` naming an OSS object). */
export function create23With(client: FC23Client, name: string, input: ConstructorParameters<typeof $23.CreateLayerVersionInput>[0]) {
  return client.createLayerVersion(name, new $23.CreateLayerVersionRequest({ body: new $23.CreateLayerVersionInput(input) }));
}

export function create23(client: FC23Client, name: string, zip: Buffer, o: CreateOptions = {}) {
  return client.createLayerVersion(
    name,
    new $23.CreateLayerVersionRequest({
      body: new $23.CreateLayerVersionInput({
        code: new $23.InputCodeLocation({
          zipFile: zip.toString('base64'),
          ...(o.checksum !== undefined && { checksum: o.checksum }),
        }),
        compatibleRuntime: o.compatibleRuntime ?? ['python3.10'],
        ...(o.description !== undefined && { description: o.description }),
        ...(o.license !== undefined && { license: o.license }),
      }),
    }),
  );
}

export function publish2(client: FC2Client, name: string, zip: Buffer, o: CreateOptions = {}) {
  return client.publishLayerVersion(name, {
    code: { zipFile: zip.toString('base64') },
    compatibleRuntime: o.compatibleRuntime ?? ['nodejs12'],
    ...(o.description !== undefined && { description: o.description }),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures and checksums

const VECTORS = JSON.parse(readFileSync(new URL('../fixtures/fc/fc-vectors.json', import.meta.url), 'utf8')) as {
  crc64: { zips: { label: string; size: number; crc64: string }[] };
};

/** The fixture zips under test/fixtures/zips with their size and CRC-64 from fc-vectors.json (crc64.zips). */
export const FIXTURES = (
  [
    ['tf_fcv3_example.zip', 'terraform'],
    ['fcgo_hello_world.zip', 'fc-go-sdk'],
    ['fcpy_hello_world.zip', 'fc-python-sdk'],
  ] as const
).map(([file, label]) => {
  const vector = VECTORS.crc64.zips.find((z) => z.label.includes(label));
  if (!vector) throw new Error(`no crc64 vector for ${file}`);
  return { file, bytes: readFileSync(new URL(`../fixtures/zips/${file}`, import.meta.url)), size: vector.size, crc64: vector.crc64 };
});

export const TF_ZIP = FIXTURES[0]!;

const POLY = 0xc96c5795d7870f42n;
const MASK = 0xffffffffffffffffn;
const TABLE = Array.from({ length: 256 }, (_, i) => {
  let c = BigInt(i);
  for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ POLY : c >> 1n;
  return c;
});

/** CRC-64/XZ as a decimal string (docs/specs/fc-layers.md §5, reference implementation). */
export function crc64(buf: Uint8Array): string {
  let c = MASK;
  for (const b of buf) c = TABLE[Number((c ^ BigInt(b)) & 0xffn)]! ^ (c >> 8n);
  return ((c ^ MASK) & MASK).toString(10);
}

// ---------------------------------------------------------------------------------------------------------
// Errors, as each SDK surfaces them

/** The rejection of `call`; fails the test if it resolves. */
export async function errorOf(call: Promise<unknown>): Promise<any> {
  try {
    await call;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export interface ExpectedFcError {
  status: number;
  code: string;
  message: string | RegExp;
}

function expectMessage(actual: unknown, expected: string | RegExp): void {
  if (typeof expected === 'string') expect(actual).toBe(expected);
  else expect(actual).toMatch(expected);
}

/**
 * @alicloud/fc2: `err.name` `FC<Code>Error`, `err.code`, and
 * "`<METHOD> <path> failed with <status>. requestid: <X-Fc-Request-Id>, message: <ErrorMessage>.`".
 */
export async function expectFc2Error(call: Promise<unknown>, e: ExpectedFcError): Promise<any> {
  const err = await errorOf(call);
  expect(err.name).toBe(`FC${e.code}Error`);
  expect(err.code).toBe(e.code);
  const m = /^[A-Z]+ \S+ failed with (\d+)\. requestid: (\S+), message: ([\s\S]*)\.$/.exec(err.message);
  expect(m, err.message).not.toBeNull();
  expect(Number(m![1])).toBe(e.status);
  expect(m![2]).toMatch(UUID);
  expectMessage(m![3], e.message);
  return err;
}

/**
 * @alicloud/fc-open20210406 reads `Code`/`Message`/`RequestId`, which FC 2.0 bodies carry beside
 * `ErrorCode`/`ErrorMessage`: `err.code` is the wire code, `err.data` the body plus the status.
 */
export async function expectFc21Error(call: Promise<unknown>, e: ExpectedFcError): Promise<any> {
  const err = await errorOf(call);
  expect(err.data, String(err)).toBeDefined();
  expect(err.statusCode).toBe(e.status);
  expect(err.code).toBe(e.code);
  expect(err.data.statusCode).toBe(e.status);
  expect(err.data.ErrorCode).toBe(e.code);
  expect(err.data.Code).toBe(e.code);
  expectMessage(err.data.ErrorMessage, e.message);
  expect(err.data.Message).toBe(err.data.ErrorMessage);
  expect(err.data.RequestId).toMatch(UUID);
  expect(Object.keys(err.data).sort()).toEqual(['Code', 'ErrorCode', 'ErrorMessage', 'Message', 'RequestId', 'statusCode']);
  expect(err.message).toBe(`${e.code}: code: ${e.status}, ${err.data.Message} request id: ${err.data.RequestId}`);
  return err;
}

/** @alicloud/fc20230330: ClientError with `code`, `statusCode`, `requestId`, `data` {Code, Message, RequestId}. */
export async function expectFc23Error(call: Promise<unknown>, e: ExpectedFcError): Promise<any> {
  const err = await errorOf(call);
  expect(err.name, String(err)).toBe(e.status < 500 ? 'ClientError' : 'ServerError');
  expect(err.code).toBe(e.code);
  expect(err.statusCode).toBe(e.status);
  expect(err.data.Code).toBe(e.code);
  expectMessage(err.data.Message, e.message);
  expect(err.data.RequestId).toMatch(FC3_REQUEST_ID);
  expect(err.requestId).toBe(err.data.RequestId);
  expect(err.message).toBe(`${e.code}: code: ${e.status}, ${err.data.Message} request id: ${err.data.RequestId}`);
  return err;
}

// ---------------------------------------------------------------------------------------------------------
// Raw HTTP, for what no SDK sends

export type { RawResponse };

export interface RawOptions {
  method?: string;
  /** A null value omits that header. */
  headers?: Record<string, string | null>;
  /** Sent byte for byte; an async iterable is streamed chunked, without Content-Length. */
  body?: string | Uint8Array | AsyncIterable<Uint8Array>;
  /**
   * The access key id of an FC-scheme signature: a real one against a verifying Strata (signed by @alicloud/fc2), a
   * placeholder otherwise; false: none.
   */
  accessKeyId?: string | false;
}

/** One request on its own connection (`agent: false`, so no keep-alive socket delays the server's shutdown). */
export function rawRequest(baseUrl: string, path: string, opts: RawOptions = {}): Promise<RawResponse> {
  const method = opts.method ?? 'GET';
  let headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  headers = mergeHeaders(headers, opts.headers);
  const ownAuthorization = Object.keys(opts.headers ?? {}).some((k) => k.toLowerCase() === 'authorization');
  if (opts.accessKeyId !== false && !ownAuthorization) {
    const accessKeyId = opts.accessKeyId ?? ACCESS_KEY_ID;
    if (verifies(baseUrl)) {
      headers = fcSchemeHeaders(baseUrl, method, path, headers, bytesOf(opts.body), { accessKeyId });
    } else headers.authorization = `FC ${accessKeyId}:c2lnbmF0dXJl`;
  }
  return sendRaw(baseUrl, path, method, headers, opts.body);
}

export { inPieces };

/** GETs a `code.location` link. */
export async function download(location: string): Promise<{ status: number; body: Buffer }> {
  const { origin, pathname, search } = new URL(location);
  const res = await rawRequest(origin, `${pathname}${search}`, { accessKeyId: false });
  return { status: res.status, body: res.bytes };
}

/**
 * Expects a raw FC 2.0 error: exactly {ErrorCode, ErrorMessage, Code, Message, RequestId}, JSON, RequestId =
 * X-Fc-Request-Id.
 */
export function expectRawFc2Error(res: RawResponse, e: ExpectedFcError): void {
  expect(res.status, res.text).toBe(e.status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-fc-request-id']).toMatch(UUID);
  expect(Object.keys(res.json ?? {}).sort()).toEqual(['Code', 'ErrorCode', 'ErrorMessage', 'Message', 'RequestId']);
  expect(res.json.ErrorCode).toBe(e.code);
  expect(res.json.Code).toBe(e.code);
  expectMessage(res.json.ErrorMessage, e.message);
  expect(res.json.Message).toBe(res.json.ErrorMessage);
  expect(res.json.RequestId).toBe(res.headers['x-fc-request-id']);
}

/** Expects a raw FC 3.0 error: exactly {Code, Message, RequestId}, JSON, RequestId = X-Fc-Request-Id. */
export function expectRawFc3Error(res: RawResponse, e: ExpectedFcError): void {
  expect(res.status, res.text).toBe(e.status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.json ?? {}).sort()).toEqual(['Code', 'Message', 'RequestId']);
  expect(res.json.Code).toBe(e.code);
  expectMessage(res.json.Message, e.message);
  expect(res.json.RequestId).toMatch(FC3_REQUEST_ID);
  expect(res.headers['x-fc-request-id']).toBe(res.json.RequestId);
}

// ---------------------------------------------------------------------------------------------------------
// `*WithOptions` calls (to send X-Fc-Account-Id)

/**
 * The runtime options argument of the `*WithOptions` methods. Its classes live in transitive dependencies
 * (@alicloud/tea-util, @darabonba/typescript); an empty object means "all defaults" to both SDKs.
 */
export const RUNTIME21 = {} as Parameters<FC21Client['getLayerVersionWithOptions']>[3];
export const RUNTIME23 = {} as Parameters<FC23Client['getLayerVersionWithOptions']>[3];

/** A Strata for a test file and the three SDK clients pointed at it. */
export async function startFcApp(env?: Record<string, string>) {
  const t = await startTestApp(env);
  return { t, c21: fc21(t.url), c23: fc23(t.url), c2: fc2(t.url) };
}
