/**
 * PutObject, GetObject, HeadObject and DeleteObject (help.aliyun.com OSS API reference), on the bucket and key
 * that access.ts resolved. Headers as OSS sends them: ETag the quoted upper-case MD5 of a simple upload, the CRC-64
 * in x-oss-hash-crc64ecma (which oss2 checks after every upload and download when it is there), user metadata
 * as x-oss-meta-*.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ObjectInfo } from '../../core/buckets.js';
import { guardBody } from '../body-guard.js';
import { objectNameProblem } from './addressing.js';
import type { Access } from './access.js';
import { FileAlreadyExists, InvalidDigest, InvalidObjectName, MESSAGES, NotImplemented } from './errors.js';
import { parseRange } from './range.js';

export type OssHandler = (request: FastifyRequest, reply: FastifyReply, access: Access) => Promise<unknown>;

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const META_PREFIX = 'x-oss-meta-';
/** Query parameters that are not sub-resources: signed-URL fields and response header overrides. */
const PLAIN_QUERY = /^(OSSAccessKeyId|Expires|Signature|security-token|x-oss-.*|response-.*)$/;

export function objectHandlers(app: FastifyInstance): Record<'PUT' | 'GET' | 'HEAD' | 'DELETE', OssHandler> {
  const { objects, config } = app;
  return {
    async PUT(request, reply, { target, payloadSha256 }) {
      const key = objectKey(target, 'PutBucket', request);
      if (request.headers['x-oss-copy-source'] !== undefined) throw new NotImplemented(MESSAGES.notImplemented('CopyObject'));
      const declared = request.headers['content-length'];
      const opts = {
        maxBytes: config.oss.maxObjectBytes,
        declaredLength: declared === undefined ? undefined : Number(declared),
        expectedMd5: md5Of(request.headers['content-md5']),
        expectedSha256: payloadSha256,
        contentType: request.headers['content-type'] || DEFAULT_CONTENT_TYPE,
        metadata: userMetadata(request),
      };
      await objects.checkPut(target.bucket, key, opts);
      if (request.headers['x-oss-forbid-overwrite'] === 'true' && (await exists(app, target.bucket, key))) {
        throw new FileAlreadyExists(MESSAGES.fileAlreadyExists);
      }
      const { bodyTimeoutSeconds, minBodyBytesPerSecond } = config.http;
      const body = guardBody(request.raw, { idleSeconds: bodyTimeoutSeconds, minBytesPerSecond: minBodyBytesPerSecond });
      const info = await objects.put(target.bucket, key, body, opts);
      return reply
        .code(200)
        .header('etag', etagOf(info))
        .header('content-md5', Buffer.from(info.etag, 'hex').toString('base64'))
        .header('x-oss-hash-crc64ecma', info.crc64)
        .send();
    },

    async GET(request, reply, { target }) {
      const key = objectKey(target, target.bucket === '' ? 'ListBuckets' : 'ListObjects', request);
      const standard = request.headers['x-oss-range-behavior'] === 'standard';
      const rangeHeader = request.headers.range;
      const { info, stream, range } = await objects.read(target.bucket, key, (size) => parseRange(rangeHeader, standard, size));
      describe(reply, info);
      if (!range) return reply.code(200).send(stream);
      return reply
        .code(206)
        .header('content-length', range.end - range.start + 1)
        .header('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
        .send(stream);
    },

    // HeadObject, and GetObjectMeta (`?objectMeta`, oss2 get_object_meta), which answers with a subset of it.
    async HEAD(request, reply, { target }) {
      const key = objectKey(target, 'GetBucketInfo', request, ['objectMeta']);
      describe(reply, await objects.head(target.bucket, key));
      return reply.code(200).send();
    },

    async DELETE(request, reply, { target }) {
      const key = objectKey(target, 'DeleteBucket', request);
      await objects.delete(target.bucket, key);
      return reply.code(204).send();
    },
  };
}

/** The object key, refusing bucket-level operations and sub-resources (`?acl`, `?uploads`, …) Strata lacks. */
function objectKey(target: Access['target'], bucketOperation: string, request: FastifyRequest, allowed: string[] = []): string {
  if (target.key === '') throw new NotImplemented(MESSAGES.notImplemented(bucketOperation));
  const sub = Object.keys(request.query as object).find((q) => !PLAIN_QUERY.test(q) && !allowed.includes(q));
  if (sub !== undefined) throw new NotImplemented(MESSAGES.notImplemented(`The sub-resource '${sub}'`));
  const problem = objectNameProblem(target.key);
  if (problem) throw new InvalidObjectName(MESSAGES.invalidObjectName(problem)).with('Key', target.key);
  return target.key;
}

function describe(reply: FastifyReply, info: ObjectInfo): void {
  reply
    .header('content-type', info.contentType)
    .header('content-length', info.size)
    .header('etag', etagOf(info))
    .header('last-modified', new Date(info.modifiedAt).toUTCString())
    .header('accept-ranges', 'bytes')
    .header('x-oss-object-type', 'Normal')
    .header('x-oss-storage-class', 'Standard');
  if (info.crc64 !== undefined) reply.header('x-oss-hash-crc64ecma', info.crc64);
  for (const [name, value] of Object.entries(info.metadata)) reply.header(META_PREFIX + name, value);
}

function etagOf(info: ObjectInfo): string {
  return `"${info.etag.toUpperCase()}"`;
}

/** Content-MD5: base64 of the 16-byte digest (RFC 1864). */
function md5Of(header: string | string[] | undefined): Buffer | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0]! : header;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== value) throw new InvalidDigest(MESSAGES.invalidDigest);
  return bytes;
}

function userMetadata(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(META_PREFIX) && value !== undefined) out[name.slice(META_PREFIX.length)] = String(value);
  }
  return out;
}

async function exists(app: FastifyInstance, bucket: string, key: string): Promise<boolean> {
  return app.objects.head(bucket, key).then(() => true, () => false);
}
