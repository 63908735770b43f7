/**
 * Helpers for the object endpoint's tests: ali-oss (Node) and oss2 (Python, from .cache/py) pointed at Strata,
 * the way each surfaces an OSS error, and a raw OSS-marked request for what no client lets a test see (the
 * error document itself).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
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

/** ali-oss against Strata's IP endpoint, as Serverless Devs points it (FC_CODE_TEMP_OSS_ENDPOINT). */
export function aliOss(url: string, opts: AliOssOptions): AliOss {
  return new AliOssClient({
    endpoint: url,
    accessKeyId: opts.accessKeyId ?? 'testAccessKeyId',
    accessKeySecret: opts.accessKeySecret ?? 'testAccessKeySecret',
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

/** A request that carries OSS's marks (V1 Authorization and x-oss-date), optionally with a security token. */
export function ossRaw(url: string, path: string, method: string, opts: { host?: string; token?: string; headers?: Record<string, string>; body?: RawBody } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = {
    authorization: 'OSS testAccessKeyId:c2lnbmF0dXJl',
    'x-oss-date': new Date().toUTCString(),
    ...(opts.host && { host: opts.host }),
    ...(opts.token && { 'x-oss-security-token': opts.token }),
    ...opts.headers,
  };
  return sendRaw(url, path, method, headers, opts.body);
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
