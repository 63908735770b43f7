/**
 * Helpers for the AWS-dialect integration tests: an SDK v3 client that keeps the raw HTTP response of every
 * call (so tests can assert headers, exact body keys and explicit nulls the SDK would hide), error matchers,
 * raw-request helpers for what the SDK cannot send, and data-directory inspection.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LambdaClient, ListLayerVersionsCommand, PublishLayerVersionCommand, type PublishLayerVersionCommandInput } from '@aws-sdk/client-lambda';
import { expect, vi } from 'vitest';
import { startTestApp, type TestApp } from './app.js';
import { bytesOf, inPieces, mergeHeaders, sendRaw } from './http.js';
import { keyFor, sigv4Headers, verifies } from './auth.js';
import { makeZip } from './zips.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const DEFAULT_ACCOUNT = '000000000000';

/** `yyyy-MM-ddTHH:mm:ss.SSS+0000` (spec §2). */
export const CREATED_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface RawResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: any;
}

const RAW = Symbol('raw response');
const raws = new WeakMap<object, RawResponse>();

export interface ClientOptions {
  region?: string;
  accessKeyId?: string;
  /** The secret to sign with; by default the one registered for the key (test/helpers/auth.ts). */
  secretAccessKey?: string;
  sessionToken?: string;
}

/**
 * A LambdaClient pointed at Strata, signing as `accessKeyId` (a 12-digit key id is the account). Retries are off so a
 * 500 shows up as one failure instead of three attempts.
 */
export function lambdaClient(url: string, opts: ClientOptions = {}): LambdaClient {
  const accessKeyId = opts.accessKeyId ?? ACCOUNT;
  const client = new LambdaClient({
    endpoint: url,
    region: opts.region ?? REGION,
    credentials: {
      accessKeyId,
      secretAccessKey: opts.secretAccessKey ?? keyFor(url, 'aws', accessKeyId),
      ...(opts.sessionToken !== undefined && { sessionToken: opts.sessionToken }),
    },
    maxAttempts: 1,
  });
  // Innermost (just above the HTTP handler): buffer the body, remember it, hand the SDK an equivalent stream.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode: number; headers: Record<string, string>; body?: unknown };
      const chunks: Buffer[] = [];
      if (response.body && typeof (response.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
        for await (const c of response.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
      }
      const buf = Buffer.concat(chunks);
      response.body = Readable.from(buf.length > 0 ? [buf] : []);
      const text = buf.toString('utf8');
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(response.headers)) headers[k.toLowerCase()] = String(v);
      (context as Record<symbol, unknown>)[RAW] = { status: response.statusCode, headers, text, json };
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'strataRecordRaw' },
  );
  // Outermost: attach the recorded response to the output or the error the caller gets.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        const result = await next(args);
        const raw = (context as Record<symbol, RawResponse | undefined>)[RAW];
        if (raw && result.output && typeof result.output === 'object') raws.set(result.output, raw);
        return result;
      } catch (err) {
        const raw = (context as Record<symbol, RawResponse | undefined>)[RAW];
        if (raw && err && typeof err === 'object') raws.set(err, raw);
        throw err;
      }
    },
    { step: 'initialize', priority: 'high', name: 'strataAttachRaw' },
  );
  return client;
}

/** The raw HTTP response behind an SDK output or error. */
export function rawOf(x: unknown): RawResponse {
  const raw = typeof x === 'object' && x !== null ? raws.get(x) : undefined;
  if (!raw) throw new Error(`no raw response recorded for ${String(x)}`);
  return raw;
}

export interface SdkError extends Error {
  $metadata: { httpStatusCode?: number };
  [k: string]: unknown;
}

/** The error a call rejects with (fails the test when it resolves). */
export async function errorOf(call: Promise<unknown>): Promise<SdkError> {
  let result: unknown;
  try {
    result = await call;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error(`expected the call to fail, it returned ${JSON.stringify(result)}`);
}

export interface ExpectedError {
  status: number;
  code: string;
  /** The exact message (from `message` or `Message`). */
  message?: string | RegExp;
  /** The exact JSON body. */
  body?: Record<string, unknown>;
}

/** Asserts status, `x-amzn-ErrorType`, the SDK's error name, message and (optionally) the exact body. */
export async function expectAwsError(call: Promise<unknown>, expected: ExpectedError): Promise<SdkError> {
  const err = await errorOf(call);
  if (!raws.has(err)) throw err; // not a service error (network failure…): show it as is
  const raw = rawOf(err);
  expect({ status: raw.status, errorType: raw.headers['x-amzn-errortype'], name: err.name }).toEqual({
    status: expected.status,
    errorType: expected.code,
    name: expected.code,
  });
  expect(err.$metadata.httpStatusCode).toBe(expected.status);
  expect(raw.headers['content-type']).toMatch(/^application\/json/);
  expect(raw.headers['x-amzn-requestid']).toMatch(UUID);
  if (expected.message !== undefined) {
    const message = raw.json?.message ?? raw.json?.Message;
    if (typeof expected.message === 'string') expect(message).toBe(expected.message);
    else expect(message).toMatch(expected.message);
  }
  if (expected.body !== undefined) expect(raw.json).toEqual(expected.body);
  return err;
}

/** The response body AWS sends for ResourceNotFoundException (capital M, spec §1.1). */
export const notFoundBody = (message: string) => ({ Type: 'User', Message: message });
/** InvalidParameterValueException / ResourceConflictException / PreconditionFailedException (lower-case m). */
export const userErrorBody = (message: string) => ({ Type: 'User', message });

export function expectValidationError(call: Promise<unknown>, message: string | RegExp): Promise<SdkError> {
  return expectAwsError(call, { status: 400, code: 'ValidationException', message });
}

/** `2 validation errors detected: a; b` in any order of a and b (AWS does not keep one, spec §1.2). */
export function expectValidationLines(message: string, lines: string[]): void {
  const m = /^(\d+) validation errors? detected: (.*)$/s.exec(message);
  expect(m, message).not.toBeNull();
  expect(Number(m![1])).toBe(lines.length);
  expect(m![2]!.split('; ').sort()).toEqual([...lines].sort());
}

let counter = 0;
/** A layer name unique within the run: [a-zA-Z0-9-_] only. */
export function uniqueName(prefix = 'layer'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** A fresh 12-digit account id, so that account-wide listings see only the test's own layers. */
export function uniqueAccount(): string {
  return `9${String(randomInt(0, 1e11)).padStart(11, '0')}`;
}

export function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** A small, distinct zip for each call (unless `seed` repeats). */
export function smallZip(seed: string = randomBytes(8).toString('hex')): Promise<Buffer> {
  return makeZip({ 'nodejs/node_modules/lib/index.js': `module.exports = ${JSON.stringify(seed)};\n` });
}

/** PublishLayerVersion with a fresh small zip unless one is given. */
export async function publish(
  client: LambdaClient,
  layerName: string,
  input: Partial<Omit<PublishLayerVersionCommandInput, 'LayerName'>> = {},
) {
  const Content = input.Content ?? { ZipFile: await smallZip() };
  return client.send(new PublishLayerVersionCommand({ ...input, LayerName: layerName, Content }));
}

/**
 * A SigV4-shaped Authorization header with a zero signature: Strata without verification reads account and region
 * from it. Against a verifying Strata the raw helpers sign for real instead (rawRequest).
 */
export function sigv4Auth(account = ACCOUNT, region = REGION): string {
  return (
    `AWS4-HMAC-SHA256 Credential=${account}/20250101/${region}/lambda/aws4_request, ` +
    'SignedHeaders=host;x-amz-date, Signature=' + '0'.repeat(64)
  );
}

export interface RawRequestOptions {
  method?: string;
  /** A null value omits that header (e.g. `'content-type': null` sends no Content-Type). */
  headers?: Record<string, string | null>;
  /**
   * Sent byte for byte (superagent would JSON-serialise a Buffer sent with a JSON Content-Type). An async iterable
   * is streamed with Transfer-Encoding: chunked and no Content-Length.
   */
  body?: string | Uint8Array | AsyncIterable<Uint8Array>;
  /**
   * Signs as this account (default ACCOUNT): for real against a verifying Strata, else with a SigV4-shaped header;
   * false sends no signature.
   */
  account?: string | false;
  /** The region of the signature's scope (default REGION). */
  region?: string;
}

/**
 * One HTTP request on its own connection (`Connection: close`, so no keep-alive socket outlives the test and holds
 * up the server's shutdown), for what the SDK cannot send. The response is fully read.
 */
export async function rawRequest(baseUrl: string, path: string, opts: RawRequestOptions = {}): Promise<RawResponse & { bytes: Buffer }> {
  const method = opts.method ?? 'GET';
  let headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  headers = mergeHeaders(headers, opts.headers);
  if (opts.account !== false) {
    if (verifies(baseUrl)) {
      const signed = await sigv4Headers(baseUrl, method, path, headers, bytesOf(opts.body), {
        accessKeyId: opts.account ?? ACCOUNT, region: opts.region ?? REGION,
      });
      const given = headers.host;
      headers = { ...headers, ...Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v])) };
      if (given === undefined) delete headers.host; // Node sends its own, the one signed
    } else {
      headers.authorization = sigv4Auth(opts.account ?? ACCOUNT, opts.region ?? REGION);
    }
  }
  return sendRaw(baseUrl, path, method, headers, opts.body);
}

export { inPieces };

/** GETs a download link (on its own connection, see rawRequest). */
export async function download(url: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const { origin, pathname, search } = new URL(url);
  const res = await rawRequest(origin, `${pathname}${search}`, { account: false });
  return { status: res.status, headers: res.headers, body: res.bytes };
}

/** The blob key in a Location URL: `/_strata/content/<key>?…`. */
export function blobKeyOf(location: string): string {
  const key = new URL(location).pathname.split('/').pop();
  if (!key) throw new Error(`no blob key in ${location}`);
  return key;
}

/** Every regular file under `dir` (recursively); [] when `dir` does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** Blob keys in the store (files under `blobs/`, or MinIO objects): backend-neutral. */
export const blobFiles = (t: { listBlobKeys(): Promise<string[]> }) => t.listBlobKeys();
export const stagingFiles = (dataDir: string) => filesUnder(join(dataDir, 'staging'));

/**
 * After a failed publish: the staging area empties (it is cleaned when the response completes, so allow a moment)
 * and the blob store holds exactly the files it held before.
 */
export async function expectNoResidue(
  t: { dataDir: string; listBlobKeys(): Promise<string[]> }, blobsBefore: string[],
): Promise<void> {
  await vi.waitFor(async () => expect(await stagingFiles(t.dataDir)).toEqual([]), { timeout: 3000, interval: 25 });
  expect((await blobFiles(t)).sort()).toEqual([...blobsBefore].sort());
}

/** A Strata for a test file and an SDK client pointed at it. */
export async function startAwsApp(): Promise<{ t: TestApp; client: LambdaClient }> {
  const t = await startTestApp();
  return { t, client: lambdaClient(t.url) };
}

/** Stops what startAwsApp started (and any further clients), even if it only half started. */
export async function stopAwsApp(t: TestApp | undefined, ...clients: (LambdaClient | undefined)[]): Promise<void> {
  for (const c of clients) c?.destroy();
  await t?.close();
}

/** Every version of a layer the server holds, through ListLayerVersions pages. */
export async function listedVersions(client: LambdaClient, name: string): Promise<number[]> {
  const versions: number[] = [];
  let Marker: string | undefined;
  do {
    const page = await client.send(new ListLayerVersionsCommand({ LayerName: name, Marker, MaxItems: 50 }));
    versions.push(...page.LayerVersions!.map((v) => v.Version!));
    Marker = page.NextMarker;
  } while (Marker);
  return versions;
}
