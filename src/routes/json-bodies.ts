/**
 * Request bodies for a dialect plugin: every body is read as JSON whatever its Content-Type (both clouds do;
 * the FC SDKs send chunked bodies without a Content-Length). On routes that carry a layer, the base64 zip is
 * streamed out of the body to a staged file while it arrives (core/ingest.ts) instead of parsed into memory.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ingestJson } from '../core/ingest.js';
import { guardBody } from './body-guard.js';
import type { StagedFile } from '../store/staging.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Layer content staged by the body parser; whoever takes it sets this back to null. */
    stagedContent: StagedFile | null;
    /** Digests of the body's bytes exactly as received, when the dialect verifies signatures; null: no body read. */
    bodyDigest: BodyDigest | null;
  }
}

export interface BodyDigest {
  /** Hex SHA-256 (SigV4 and ACS3 sign it). */
  sha256: string;
  /** Raw MD5, when the request carried a Content-MD5 to check it against. */
  md5: Buffer | undefined;
}

export interface ContentBody {
  /** Paths of the fields that may carry the zip as base64. */
  fields: readonly (readonly string[])[];
  /** Match the fields' keys whatever their case. */
  ignoreKeyCase?: boolean;
  maxBodyBytes: number;
  maxContentBytes: number;
}

export interface JsonBodyOptions {
  /** How the matched route carries layer content, or undefined for a small plain JSON body. */
  contentOf: (request: FastifyRequest) => ContentBody | undefined;
  /**
   * Whether the matched route's operation takes a body. Those that take none accept an empty one however it is
   * framed: the Alibaba Java SDK sends chunked zero bytes, the aliyun CLI `Content-Length: 0` or a Content-Type and
   * Content-MD5 of nothing (docs/specs/tools-on-the-wire.md).
   */
  takesBody: (request: FastifyRequest) => boolean;
  /** Limit of bodies without layer content. */
  smallBodyLimit: number;
  /** Hash the raw bytes as they stream (signature verification on), into `request.bodyDigest`. */
  digestBody?: boolean;
}

export function registerJsonBodies(app: FastifyInstance, opts: JsonBodyOptions): void {
  app.decorateRequest('stagedContent', null);
  app.decorateRequest('bodyDigest', null);
  // A staged upload that no handler took (validation failed, client went away) is removed.
  // A callback hook: it runs on every request, and almost always has nothing to do.
  const discardStaged = (request: FastifyRequest, _reply: unknown, done: (err?: Error) => void) => {
    const staged = request.stagedContent;
    if (!staged) return done();
    request.stagedContent = null;
    staged.discard().then(() => done(), done);
  };
  app.addHook('onResponse', discardStaged);
  app.addHook('onRequestAbort', (request, done) => discardStaged(request, undefined, done));

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', async (request: FastifyRequest, payload: NodeJS.ReadableStream) => {
    const content = opts.contentOf(request);
    const declared = request.headers['content-length'];
    const { bodyTimeoutSeconds, minBodyBytesPerSecond } = request.server.config.http;
    const digest = opts.digestBody ? bodyDigester(request) : undefined;
    const source = guardBody(
      payload as AsyncIterable<Uint8Array>, { idleSeconds: bodyTimeoutSeconds, minBytesPerSecond: minBodyBytesPerSecond }, digest?.update,
    );
    const ingested = await ingestJson(source, {
      contentFields: content?.fields ?? [],
      ignoreKeyCase: content?.ignoreKeyCase,
      maxBodyBytes: content?.maxBodyBytes ?? opts.smallBodyLimit,
      maxContentBytes: content?.maxContentBytes ?? 0,
      declaredLength: declared === undefined ? undefined : Number(declared),
      emptyIsNone: !opts.takesBody(request),
      staging: request.server.layers.staging,
    });
    if (digest) request.bodyDigest = digest.end();
    if (ingested.content) request.stagedContent = ingested.content.file;
    return ingested.document;
  });
}

/**
 * Hashes the body's chunks as they pass: the signature check needs the hash of the bytes as received, and the one pass
 * that reads them is the body's. `end()` (once the body has been read whole) gives `request.bodyDigest`.
 */
function bodyDigester(request: FastifyRequest): { update: (chunk: Uint8Array) => void; end: () => BodyDigest } {
  const sha256 = createHash('sha256');
  const md5 = request.headers['content-md5'] !== undefined ? createHash('md5') : undefined;
  return {
    update: (chunk) => {
      sha256.update(chunk);
      md5?.update(chunk);
    },
    end: () => ({ sha256: sha256.digest('hex'), md5: md5?.digest() }),
  };
}

/** The client went away mid-request: nobody is left to answer, and it is no server error. */
export function isClientAbort(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === 'ECONNRESET' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE' || e?.message === 'aborted';
}
