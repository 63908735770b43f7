/**
 * Signatures in the integration tests. With STRATA_TEST_AUTH=verify (the vitest project `verify`), every Strata a
 * test starts verifies signatures (STRATA_AUTH=verify) against a credentials file of its own, and the test clients
 * sign with secrets registered there: a client made for a key adds `<cloud>:<key>:<secret>:<account>` to the file
 * (Strata re-reads it when it changes), with the account the test expects that key to stand for. Otherwise nothing
 * is registered and Strata checks nothing, as before.
 *
 * The requests the raw helpers send are signed too, with independent signers: @smithy/signature-v4 for SigV4 and
 * @alicloud/fc2's own `getSignature` for the FC scheme, so a mistake in Strata's verifier cannot hide behind one in
 * the signer.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SignatureV4 } from '@smithy/signature-v4';

export const VERIFY = process.env.STRATA_TEST_AUTH === 'verify';

export type Cloud = 'aws' | 'fc';

interface Registered {
  file: string;
  /** The FC account a key stands for in this Strata (its STRATA_FC_ACCESS_KEYS, else its default account). */
  fcAccountOf: (accessKeyId: string) => string;
  awsAccountOf: (accessKeyId: string) => string;
}

const apps = new Map<string, Registered>();

/** The secret the helpers sign with for a key, unless a test gives one. */
export function secretFor(cloud: Cloud, accessKeyId: string): string {
  return `${cloud}-secret-of-${accessKeyId}`;
}

/**
 * The environment that makes a Strata verify, given the environment the test asked for; `{}` when not verifying or
 * when the test turned verification off itself (STRATA_AUTH=off: requests made by hand, byte by byte, that carry
 * no signature by design).
 */
export function verifyEnv(env: Record<string, string>, file: string): Record<string, string> {
  if (!VERIFY || env.STRATA_AUTH === 'off' || env.STRATA_AUTH === 'verify') return {};
  if (!existsSync(file)) writeFileSync(file, '# written by test/helpers/auth.ts\n');
  return { STRATA_AUTH: 'verify', STRATA_CREDENTIALS_FILE: file };
}

/** Remembers where a verifying Strata at `url` reads its keys, and which accounts its keys stand for. */
export function registerApp(url: string, env: Record<string, string>): void {
  const file = env.STRATA_CREDENTIALS_FILE;
  if (!VERIFY || env.STRATA_AUTH !== 'verify' || file === undefined) return;
  const fcKeys = new Map(
    (env.STRATA_FC_ACCESS_KEYS ?? '').split(',').filter((p) => p.includes('=')).map((p) => p.split('=') as [string, string]),
  );
  apps.set(url, {
    file,
    fcAccountOf: (id) => fcKeys.get(id) ?? env.STRATA_FC_ACCOUNT_ID ?? '1234567890123456',
    // The convention of the tests (and of Strata without verification): a 12-digit key id is its account.
    awsAccountOf: (id) => (/^\d{12}$/.test(id) ? id : env.STRATA_AWS_ACCOUNT_ID ?? '000000000000'),
  });
}

export function forgetApp(url: string): void {
  const app = apps.get(url);
  apps.delete(url);
  if (app) rmSync(app.file, { force: true });
}

/**
 * Registers the key with Strata at `url` (when it verifies) and returns the secret to sign with. A key already
 * registered keeps its first secret: a client made with another secret then signs wrongly, as a test wants.
 */
export function keyFor(url: string, cloud: Cloud, accessKeyId: string, secret = secretFor(cloud, accessKeyId)): string {
  const app = apps.get(new URL(url).origin);
  if (!app) return secret;
  const known = readFileSync(app.file, 'utf8').split('\n').find((l) => l.startsWith(`${cloud}:${accessKeyId}:`));
  if (known) return known.split(':')[2]!;
  const account = cloud === 'aws' ? app.awsAccountOf(accessKeyId) : app.fcAccountOf(accessKeyId);
  appendFileSync(app.file, `${cloud}:${accessKeyId}:${secret}:${account}\n`);
  return secret;
}

/** Whether Strata at `url` verifies signatures. */
export function verifies(url: string): boolean {
  return apps.has(new URL(url).origin);
}

// ---------------------------------------------------------------------------------------------------------
// Signing requests made by hand

class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {}
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** The query string as sent, decoded into what @smithy/signature-v4 takes. */
function queryObject(rawQuery: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const pair of rawQuery.split('&').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    const dec = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    const [k, v] = eq < 0 ? [dec(pair), ''] : [dec(pair.slice(0, eq)), dec(pair.slice(eq + 1))];
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** SigV4 headers (authorization, x-amz-date, x-amz-content-sha256 left out) for a request by hand. */
export async function sigv4Headers(
  baseUrl: string, method: string, pathAndQuery: string, headers: Record<string, string>, body: Uint8Array | undefined,
  opts: SigV4Options,
): Promise<Record<string, string>> {
  const signed = await signerOf(baseUrl, opts).sign(httpRequestOf(baseUrl, method, pathAndQuery, headers, body), {
    ...(opts.signingDate && { signingDate: opts.signingDate }),
  });
  return signed.headers;
}

export interface SigV4Options {
  accessKeyId: string;
  region: string;
  secret?: string;
  sessionToken?: string;
  /** Default `lambda`. */
  service?: string;
  signingDate?: Date;
}

/** A presigned URL (SigV4 query form) for a GET, valid `expiresIn` seconds from `signingDate` (default now). */
export async function presignedUrl(baseUrl: string, pathAndQuery: string, opts: SigV4Options & { expiresIn: number }): Promise<string> {
  const req = await signerOf(baseUrl, opts).presign(httpRequestOf(baseUrl, 'GET', pathAndQuery, {}, undefined), {
    expiresIn: opts.expiresIn, ...(opts.signingDate && { signingDate: opts.signingDate }),
  });
  const query = Object.entries(req.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x ?? ''))}`))
    .join('&');
  return `${baseUrl}${req.path}?${query}`;
}

function signerOf(baseUrl: string, opts: SigV4Options): SignatureV4 {
  return new SignatureV4({
    service: opts.service ?? 'lambda', region: opts.region, sha256: NodeSha256, uriEscapePath: true,
    credentials: {
      accessKeyId: opts.accessKeyId,
      secretAccessKey: opts.secret ?? keyFor(baseUrl, 'aws', opts.accessKeyId),
      ...(opts.sessionToken !== undefined && { sessionToken: opts.sessionToken }),
    },
  });
}

function httpRequestOf(baseUrl: string, method: string, pathAndQuery: string, headers: Record<string, string>, body: Uint8Array | undefined) {
  const url = new URL(baseUrl);
  const q = pathAndQuery.indexOf('?');
  return {
    method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: q < 0 ? pathAndQuery : pathAndQuery.slice(0, q),
    query: q < 0 ? {} : queryObject(pathAndQuery.slice(q + 1)),
    headers: { host: url.host, ...headers }, body,
  };
}

const require = createRequire(import.meta.url);
const FC2 = require('@alicloud/fc2') as {
  getSignature(id: string, secret: string, method: string, path: string, headers: Record<string, string>, queries?: unknown): string;
};

/** `FC <ak>:<sig>` headers (authorization, date, content-md5 of the body) signed by @alicloud/fc2 itself. */
export function fcSchemeHeaders(
  baseUrl: string, method: string, pathAndQuery: string, headers: Record<string, string>, body: Uint8Array | undefined,
  opts: { accessKeyId: string; secret?: string },
): Record<string, string> {
  const out: Record<string, string> = { date: new Date().toUTCString(), ...headers };
  if (body !== undefined && body.length > 0 && out['content-md5'] === undefined) {
    out['content-md5'] = Buffer.from(createHash('md5').update(body).digest('hex')).toString('base64');
  }
  const path = pathAndQuery.split('?')[0]!;
  const secret = opts.secret ?? keyFor(baseUrl, 'fc', opts.accessKeyId);
  out.authorization = FC2.getSignature(opts.accessKeyId, secret, method, path, out, null);
  return out;
}
