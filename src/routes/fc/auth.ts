/**
 * Signature verification for the FC dialect (STRATA_AUTH=verify), for the three schemes FC clients use
 * (docs/specs/fc-layers.md §4): `ACS3-HMAC-SHA256` (the 2021 and 2023 SDKs), `acs <ak>:<sig>` HMAC-SHA1 (tea-roa:
 * Terraform; the 2021 SDK with signatureAlgorithm v2) and `FC <ak>:<sig>` HMAC-SHA256 (the 2016 SDKs).
 *
 * As for AWS, the head is checked in `onRequest` (scheme, key, security token, clock) and the signature in
 * `preHandler`, over the body's digests computed while it streamed. Body integrity: ACS3 signs the body's
 * SHA-256 (`x-acs-content-sha256`, checked against the body); the other two sign `Content-MD5` when the client sends
 * it (@alicloud/fc2 does, as base64 of the hex MD5), which is then checked against the body. A client of those two
 * that sends no Content-MD5 (tea-roa) signs nothing of its body, in FC as here.
 *
 * The clock: `x-acs-date` (ACS3) or `Date` (the others; fc-java-sdk's `x-fc-date`) within
 * STRATA_AUTH_MAX_SKEW_SECONDS of the server's ("客户端需要保证生成的时间与函数计算服务端的时间相差不超过15分钟",
 * the signature doc; it gives 403 and no code, so Strata answers AccessDenied).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Credential, CredentialStore } from '../../auth/credentials.js';
import { ACS3, acs3CanonicalRequest, acs3Signature, acs3StringToSign, parseAcs3 } from '../../auth/fc/acs3.js';
import { fcResources, fcSignature, fcStringToSign } from '../../auth/fc/fc2016.js';
import { parseKeyColonSignature, roaCanonicalResource, roaSignature, roaStringToSign } from '../../auth/fc/roa-v1.js';
import { type HttpParts, header, httpPartsOf } from '../../auth/http-parts.js';
import {
  AccessDenied, InvalidAccessKeyID, InvalidSecurityTokenMismatch, MESSAGES, MissingRequiredHeader, SignatureNotMatch,
} from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the signature verified: the key and the account it belongs to. */
    fcPrincipal: { accessKeyId: string; account: string } | null;
    fcPendingAuth: PendingFcAuth | null;
  }
}

type Scheme = 'acs3' | 'roa' | 'fc';

interface PendingFcAuth {
  scheme: Scheme;
  parts: HttpParts;
  credential: Credential;
  signature: string;
  signedHeaders: string[];
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');
const EMPTY_MD5 = createHash('md5').digest();

export function registerFcVerification(app: FastifyInstance, store: CredentialStore): void {
  const { maxSkewSeconds } = app.config.auth;
  app.decorateRequest('fcPrincipal', null);
  app.decorateRequest('fcPendingAuth', null);

  // Callback hooks (a throw is the hook's error): one promise and microtask less per request than async ones.
  app.addHook('onRequest', (request, _reply, done) => {
    const parts = httpPartsOf(request);
    const authorization = header(parts, 'authorization');
    if (authorization === undefined) throw new AccessDenied(MESSAGES.notSigned);
    const parsed = parseAuthorization(authorization);
    if (!parsed) throw new SignatureNotMatch(MESSAGES.signatureNotMatch);
    const credential = store.lookup('fc', parsed.accessKeyId);
    if (!credential) throw new InvalidAccessKeyID(MESSAGES.invalidAccessKey(parsed.accessKeyId));
    const token = parsed.scheme === 'fc'
      ? header(parts, 'x-fc-security-token') ?? header(parts, 'x-acs-security-token')
      : header(parts, 'x-acs-security-token');
    if (token !== credential.sessionToken) throw new InvalidSecurityTokenMismatch(MESSAGES.tokenMismatch);
    checkClock(parts, parsed.scheme, Date.now(), maxSkewSeconds);
    request.fcPendingAuth = { ...parsed, parts, credential };
    done();
  });

  app.addHook('preHandler', (request, _reply, done) => {
    const auth = request.fcPendingAuth;
    if (!auth) return done();
    const digest = request.bodyDigest;
    if (!verifies(auth, digest?.sha256 ?? EMPTY_SHA256, digest?.md5 ?? EMPTY_MD5)) {
      throw new SignatureNotMatch(MESSAGES.signatureNotMatch);
    }
    request.fcPrincipal = { accessKeyId: auth.credential.accessKeyId, account: auth.credential.account };
    done();
  });
}

function parseAuthorization(authorization: string): { scheme: Scheme; accessKeyId: string; signature: string; signedHeaders: string[] } | undefined {
  if (authorization.startsWith(`${ACS3} `)) {
    const a = parseAcs3(authorization);
    return a && { scheme: 'acs3', ...a };
  }
  const roa = parseKeyColonSignature(authorization, 'acs');
  if (roa) return { scheme: 'roa', ...roa, signedHeaders: [] };
  const fc = parseKeyColonSignature(authorization, 'FC');
  if (fc) return { scheme: 'fc', ...fc, signedHeaders: [] };
  return undefined;
}

function checkClock(parts: HttpParts, scheme: Scheme, now: number, maxSkewSeconds: number): void {
  const name = scheme === 'acs3' ? 'x-acs-date' : header(parts, 'date') !== undefined ? 'date' : 'x-fc-date';
  const text = header(parts, name);
  if (text === undefined) throw new MissingRequiredHeader(MESSAGES.missingHeader(scheme === 'acs3' ? 'x-acs-date' : 'Date'));
  const at = scheme === 'acs3' ? parseIsoSeconds(text) : parseRfc1123(text);
  if (at === undefined || Math.abs(now - at) > maxSkewSeconds * 1000) {
    throw new AccessDenied(MESSAGES.skewed(text, new Date(now).toUTCString(), maxSkewSeconds / 60));
  }
}

function verifies(auth: PendingFcAuth, bodySha256: string, bodyMd5: Buffer): boolean {
  const { parts, credential: { secret } } = auth;
  const md5 = header(parts, 'content-md5');
  if (md5 !== undefined && !md5Matches(md5, bodyMd5)) return false;
  switch (auth.scheme) {
    case 'acs3': {
      const declared = header(parts, 'x-acs-content-sha256');
      if (declared !== undefined && declared !== bodySha256) return false;
      // Every x-acs-* header is signed by the SDKs: one added after signing is refused, as is an unsigned host.
      if (!auth.signedHeaders.includes('host')) return false;
      for (const name of parts.headers.keys()) if (name.startsWith('x-acs-') && !auth.signedHeaders.includes(name)) return false;
      return same(auth.signature, acs3Signature(secret, acs3StringToSign(acs3CanonicalRequest(parts, auth.signedHeaders, bodySha256))));
    }
    case 'roa':
      return (['name=', 'name'] as const).some((empty) =>
        same(auth.signature, roaSignature(secret, roaStringToSign(parts, roaCanonicalResource(parts, empty)))));
    case 'fc':
      return fcResources(parts).some((resource) => same(auth.signature, fcSignature(secret, fcStringToSign(parts, resource))));
  }
}

/** Content-MD5 as the standard base64 of the digest, or as @alicloud/fc2 sends it: base64 of its hex (or the hex). */
function md5Matches(value: string, md5: Buffer): boolean {
  const hex = md5.toString('hex');
  return value === md5.toString('base64') || value === Buffer.from(hex).toString('base64') || value.toLowerCase() === hex;
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `2026-11-21T05:29:22Z`. */
function parseIsoSeconds(text: string): number | undefined {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/** `Sat, 21 Nov 2026 05:29:22 GMT`. */
function parseRfc1123(text: string): number | undefined {
  if (!/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}
