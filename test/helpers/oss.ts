/**
 * Helpers for the object endpoint's tests: ali-oss (Node) and oss2 (Python, from .cache/py) pointed at Strata,
 * the way each surfaces an OSS error, and a raw OSS-marked request for what no client lets a test see (the
 * error document itself).
 *
 * When Strata verifies signatures (test/helpers/auth.ts), the clients' long-term keys are registered as `fc` keys;
 * temporary keys (`STS.…`) are the ones GetTempBucketToken issued and are never registered. Raw requests are signed
 * with ali-oss's own V1 signer (signUtils), independent of Strata's verifier.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { keyFor } from './auth.js';
import { sendRaw, type RawBody, type RawResponse } from './http.js';

const require = createRequire(import.meta.url);

/** The ali-oss methods the tests use (the package ships no types). */
export interface AliOss {
  put(name: string, body: Buffer | string, options?: { headers?: Record<string, string>; mime?: string }): Promise<{ name: string; res: AliRes }>;
  get(name: string, options?: { headers?: Record<string, string> }): Promise<{ content: Buffer; res: AliRes }>;
  head(name: string): Promise<{ status: number; meta: Record<string, string> | null; res: AliRes }>;
  delete(name: string): Promise<{ res: AliRes }>;
  putACL(name: string, acl: string): Promise<unknown>;
  list(query: Record<string, unknown> | null, options?: unknown): Promise<unknown>;
  signatureUrl(name: string, options?: { expires?: number; method?: string }): string;
}

export interface AliRes {
  status: number;
  headers: Record<string, string>;
}

export interface AliOssOptions {
  accessKeyId?: string;
  accessKeySecret?: string;
  stsToken?: string;
  bucket: string;
  /** Sign with OSS4-HMAC-SHA256 (needs a region). */
  v4?: boolean;
}

const AliOssClient = require('ali-oss') as new (options: Record<string, unknown>) => AliOss;
const SIGN_UTILS = require('ali-oss/lib/common/signUtils') as {
  buildCanonicalString(method: string, resource: string, request: { headers: Record<string, string>; parameters?: unknown }, expires?: string): string;
  computeSignature(secret: string, canonicalString: string): string;
  authorizationV4(
    accessKeyId: string, secret: string, region: string, method: string,
    request: { headers: Record<string, string>; queries?: Record<string, string | null> }, bucket: string, object: string,
    additionalHeaders?: string[],
  ): string;
};

export const OSS_ACCESS_KEY_ID = 'testAccessKeyId';
const OSS_ACCESS_KEY_SECRET = 'testAccessKeySecret';

/** The secret a client signs with: the test's, else the one registered for its key (none for temporary keys). */
export function ossSecretOf(url: string, accessKeyId: string, accessKeySecret?: string): string {
  if (accessKeySecret !== undefined || accessKeyId.startsWith('STS.')) return accessKeySecret ?? OSS_ACCESS_KEY_SECRET;
  return keyFor(url, 'fc', accessKeyId, OSS_ACCESS_KEY_SECRET);
}

/** ali-oss against Strata's IP endpoint, as Serverless Devs points it (FC_CODE_TEMP_OSS_ENDPOINT). */
export function aliOss(url: string, opts: AliOssOptions): AliOss {
  const accessKeyId = opts.accessKeyId ?? OSS_ACCESS_KEY_ID;
  return new AliOssClient({
    endpoint: url,
    accessKeyId,
    accessKeySecret: ossSecretOf(url, accessKeyId, opts.accessKeySecret),
    bucket: opts.bucket,
    ...(opts.stsToken !== undefined && { stsToken: opts.stsToken, refreshSTSTokenInterval: 3_600_000, refreshSTSToken: undefined }),
    ...(opts.v4 && { authorizationV4: true, region: 'oss-cn-hangzhou' }),
    retryMax: 0,
  });
}

export interface AliOssError {
  name: string;
  code: string;
  status: number;
  message: string;
  requestId: string;
  ecCode: string | undefined;
}

/** The error a call rejects with, as ali-oss surfaces it. */
export async function aliError(p: Promise<unknown>): Promise<AliOssError> {
  const err = await p.then(() => undefined, (e: unknown) => e as AliOssError);
  expect(err, 'expected an error').toBeDefined();
  return { name: err!.name, code: err!.code, status: err!.status, message: err!.message, requestId: err!.requestId, ecCode: err!.ecCode };
}

export interface OssRawOptions {
  /** A Host naming no bucket (path style) unless `resource` says otherwise. */
  host?: string;
  token?: string;
  headers?: Record<string, string>;
  body?: RawBody;
  /** The `/<bucket>/<key>` signed; by default the decoded path. */
  resource?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  /** The x-oss-date signed and sent (default now); null sends no date at all. */
  date?: Date | null;
}

/**
 * A request that carries OSS's marks (a V1 Authorization signed by ali-oss's signer, and x-oss-date), optionally
 * with a security token; `opts.headers` are added after signing (an `authorization` there replaces the signature).
 */
export function ossRaw(url: string, path: string, method: string, opts: OssRawOptions = {}): Promise<RawResponse> {
  const accessKeyId = opts.accessKeyId ?? OSS_ACCESS_KEY_ID;
  const signed: Record<string, string> = {
    ...(opts.date !== null && { 'x-oss-date': (opts.date ?? new Date()).toUTCString() }),
    ...(opts.token && { 'x-oss-security-token': opts.token }),
  };
  const q = path.indexOf('?');
  const parameters = q < 0 ? undefined : Object.fromEntries(new URLSearchParams(path.slice(q + 1)));
  const resource = opts.resource ?? decodeURIComponent(q < 0 ? path : path.slice(0, q));
  const canonical = SIGN_UTILS.buildCanonicalString(method, resource, { headers: signed, parameters });
  const signature = SIGN_UTILS.computeSignature(ossSecretOf(url, accessKeyId, opts.accessKeySecret), canonical);
  const headers: Record<string, string> = {
    ...signed,
    authorization: `OSS ${accessKeyId}:${signature}`,
    ...(opts.host && { host: opts.host }),
    ...opts.headers,
  };
  return sendRaw(url, path, method, headers, opts.body);
}

/**
 * OSS4-HMAC-SHA256 headers for a path-style request by hand, signed by ali-oss's own V4 signer: with `payloadSha256`
 * the body's SHA-256 goes into x-oss-content-sha256 (which no SDK sends: they all send UNSIGNED-PAYLOAD).
 */
export function ossV4Headers(
  bucket: string, key: string, method: string,
  opts: { accessKeyId: string; accessKeySecret: string; body?: Buffer; payloadSha256?: boolean; headers?: Record<string, string>; date?: Date },
): Record<string, string> {
  const now = (opts.date ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const payload = opts.payloadSha256 ? createHash('sha256').update(opts.body ?? Buffer.alloc(0)).digest('hex') : 'UNSIGNED-PAYLOAD';
  const headers: Record<string, string> = { ...opts.headers, 'x-oss-date': now, 'x-oss-content-sha256': payload };
  headers.authorization = SIGN_UTILS.authorizationV4(opts.accessKeyId, opts.accessKeySecret, 'cn-hangzhou', method, { headers, queries: {} }, bucket, key);
  return headers;
}

// ---------------------------------------------------------------------------------------------------------
// oss2

const PY = resolve('.cache/py/bin/python');
export const haveOss2 = existsSync(PY) && pythonHasOss2();

function pythonHasOss2(): boolean {
  try {
    execFileSync(PY, ['-c', 'import oss2'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs a Python program (with oss2 importable) and returns its standard output, trimmed. */
export async function runPython(program: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(PY, ['-c', program], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}
