/**
 * SigV4 verification for the AWS dialect (STRATA_AUTH=verify), in two hooks: `onRequest` checks everything the head
 * shows (the form of the signature, the key, its session token, the scope and the clock), so that a request refused
 * on those grounds is refused before its body is read; `preHandler` checks the signature itself over the body's
 * SHA-256, which the body parser computed as the body streamed (json-bodies.ts). Either refusal happens before any
 * handler runs: a forged publish leaves no row and no blob, and its staged upload is removed with the response.
 *
 * The scope's region: any region Lambda's ARN pattern accepts, since Strata answers for every region on one port,
 * except that a Host naming a region (`lambda.eu-west-1.…`, as the SDKs address real Lambda) fixes it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Credential, CredentialStore } from '../../auth/credentials.js';
import { type HttpParts, httpPartsOf } from '../../auth/http-parts.js';
import { EMPTY_SHA256, type PendingSigV4, type SigV4Failure, checkHead, checkSignature } from '../../auth/sigv4.js';
import {
  type AwsError, IncompleteSignatureException, InvalidSignatureException, MissingAuthenticationTokenException,
  UnrecognizedClientException,
} from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the signature verified: whom the request comes from. */
    awsPrincipal: AwsPrincipal | null;
    awsPendingAuth: { parts: HttpParts; pending: PendingSigV4; credential: Credential } | null;
  }
}

export interface AwsPrincipal {
  accessKeyId: string;
  account: string;
  region: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const HOST_REGION = /(?:^|\.)lambda\.([a-z]{2}(?:-[a-z]+)+-\d)\./;

const WIRE: Record<SigV4Failure['kind'], (message: string) => AwsError> = {
  missing: (m) => new MissingAuthenticationTokenException(m),
  incomplete: (m) => new IncompleteSignatureException(m),
  unrecognized: (m) => new UnrecognizedClientException(m),
  invalid: (m) => new InvalidSignatureException(m),
};

export function registerAwsVerification(app: FastifyInstance, store: CredentialStore): void {
  const { maxSkewSeconds } = app.config.auth;
  app.decorateRequest('awsPrincipal', null);
  app.decorateRequest('awsPendingAuth', null);

  // Callback hooks (a throw is the hook's error): one promise and microtask less per request than async ones.
  app.addHook('onRequest', (request, _reply, done) => {
    const parts = httpPartsOf(request);
    let credential: Credential | undefined;
    const head = checkHead(parts, {
      service: 'lambda',
      regionProblem: (region) => regionProblem(region, request),
      lookup: (id) => (credential = store.lookup('aws', id)),
      now: Date.now(),
      maxSkewSeconds,
    });
    if (!head.ok) throw WIRE[head.failure.kind](head.failure.message);
    request.awsPendingAuth = { parts, pending: head.pending, credential: credential! };
    done();
  });

  app.addHook('preHandler', (request, _reply, done) => {
    const auth = request.awsPendingAuth;
    if (!auth) return done();
    const failure = checkSignature(auth.parts, auth.pending, request.bodyDigest?.sha256 ?? EMPTY_SHA256);
    if (failure) throw WIRE[failure.kind](failure.message);
    request.awsPrincipal = { accessKeyId: auth.credential.accessKeyId, account: auth.credential.account, region: auth.pending.region };
    done();
  });
}

function regionProblem(region: string, request: FastifyRequest): string | undefined {
  const hostRegion = HOST_REGION.exec(request.headers.host ?? '')?.[1];
  const valid = REGION.test(region) && (hostRegion === undefined || hostRegion === region);
  return valid ? undefined : `Credential should be scoped to a valid region, not '${region}'. `;
}
