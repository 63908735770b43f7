/**
 * The console's errors: `{code, message}` with a message in plain words for the person at the page. Domain errors
 * are worded in one total table, so a new domain error fails the build until it has its words here too.
 */
import type { DomainErrorCode, AnyDomainError } from '../../core/errors.js';
import type { LayerRef } from '../../core/model.js';

export class ConsoleError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const CLOUD_NAMES = { aws: 'AWS', fc: 'Function Compute' } as const;

const where = (ref: LayerRef) => `${CLOUD_NAMES[ref.cloud]} account ${ref.account}, region ${ref.region}`;

/** 52428800 → "52428800 bytes (50 MiB)". */
export function bytesText(n: number): string {
  const units = ['KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = '';
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return unit === '' ? `${n} bytes` : `${n} bytes (${Number(value.toFixed(1))} ${unit})`;
}

type Worded<E> = (err: E) => { status: number; message: string };

const DOMAIN_WORDS: { [C in DomainErrorCode]: Worded<Extract<AnyDomainError, { code: C }>> } = {
  LayerNotFound: (e) => ({ status: 404, message: `There is no layer ${e.ref.name} in ${where(e.ref)} (was it deleted?).` }),
  LayerVersionNotFound: (e) => ({ status: 404, message: `Layer ${e.ref.name} has no version ${e.version} (was it deleted?).` }),
  InvalidVersionNumber: (e) => ({ status: 400, message: `Version numbers start at 1; ${e.version} is not one.` }),
  PolicyNotFound: () => ({ status: 404, message: 'This version has no permissions granted.' }),
  GrantNotFound: (e) => ({ status: 404, message: `No permission has the statement ID ${e.statementId} (was it revoked already?).` }),
  GrantAlreadyExists: (e) => ({ status: 409, message: `A permission with the statement ID ${e.statementId} exists already: choose another ID.` }),
  RevisionMismatch: () => ({ status: 409, message: 'The policy changed meanwhile: reload the version and try again.' }),
  PolicyTooLarge: (e) => ({ status: 400, message: `The policy would be ${e.size} bytes, over the limit of ${e.limit}: revoke a permission first.` }),
  RequestTooLarge: (e) => ({ status: 413, message: `The upload is larger than Strata accepts: ${bytesText(e.limit)}.` }),
  MalformedDocument: (e) => ({ status: 400, message: `The request could not be read: ${e.detail}.` }),
  ContentGivenTwice: () => ({ status: 400, message: 'The upload carries its content twice.' }),
  InvalidContentEncoding: (e) => ({ status: 400, message: `The content is not encoded properly: ${e.detail}.` }),
  ZippedTooLarge: (e) => ({ status: 413, message: `The zip is larger than this cloud accepts: at most ${bytesText(e.limit)}.` }),
  NotAZip: (e) => ({
    status: 400,
    message: `This is not a zip file that can be unzipped. Choose a .zip file, or upload a folder. (In detail: ${e.detail.replace(/\.$/, '')}.)`,
  }),
  EmptyZip: () => ({ status: 400, message: 'There is nothing in it: a layer needs at least one file.' }),
  UnzippedTooLarge: (e) => ({ status: 413, message: `Unzipped, the content would reach ${bytesText(e.limit)}, more than this cloud accepts.` }),
  ChecksumMismatch: (e) => ({ status: 400, message: `The content's CRC-64 is ${e.actual}, not ${e.expected} as given.` }),
  SourceObjectMissing: (e) => ({ status: 400, message: `The bucket object ${e.bucket}/${e.key} does not exist.` }),
  BlobStoreUnavailable: () => ({ status: 503, message: "Strata's blob store (MinIO) cannot be reached: try again once it is back." }),
  MetadataStoreUnavailable: () => ({ status: 503, message: "Strata's metadata store (PostgreSQL) cannot be reached: try again once it is back." }),
  RequestTimedOut: (e) => ({
    status: 408,
    message: `The upload stalled: it paused for over ${e.idleSeconds} seconds or arrived at under ${e.minBytesPerSecond} bytes per second.`,
  }),
  StorageFull: () => ({ status: 507, message: "Strata's disk is full: delete layer versions or free disk space, then try again." }),
  // A function's layers (GET /_strata/opt); the console merges none, but the table is total.
  TooManyLayers: (e) => ({ status: 400, message: `A function can use at most ${e.limit} layers; ${e.count} are named.` }),
  LayersTooLarge: (e) => ({ status: 400, message: `Together the layers unzip to ${bytesText(e.size)}, more than ${bytesText(e.limit)}.` }),
  MissingLayerVersion: (e) => ({ status: 404, message: `Layer ${e.ref.name} has no version ${e.version} (was it deleted?).` }),
  SameLayerTwice: (e) => ({ status: 400, message: `Versions ${e.first} and ${e.second} of layer ${e.ref.name} cannot be used together.` }),
  LayerInOtherRegion: (e) => ({ status: 400, message: `Layer ${e.ref.name} is in region ${e.ref.region}, not ${e.region} as the others.` }),
  RuntimeNotSupported: (e) => ({ status: 400, message: `Layer ${e.ref.name} version ${e.version} does not list the runtime ${e.runtime}.` }),
};

export function fromDomain(err: AnyDomainError): ConsoleError {
  const { status, message } = (DOMAIN_WORDS[err.code] as Worded<AnyDomainError>)(err);
  return new ConsoleError(status, err.code, message);
}

/** What Fastify and @fastify/multipart refuse, by their error codes, in plain words. */
const FRAMEWORK_WORDS: Record<string, string> = {
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'The upload must be sent as multipart/form-data.',
  FST_FILES_LIMIT: 'The upload carries too many files.',
  FST_FIELDS_LIMIT: 'The upload carries too many form fields.',
  FST_PARTS_LIMIT: 'The upload carries too many parts.',
  FST_PROTO_VIOLATION: 'The upload has a form field of a forbidden name.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This request needs a JSON body (Content-Type: application/json).',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'This request needs a JSON body; it was empty.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
};

/** A client error Fastify or a plugin raised before or around a handler. */
export function fromFramework(err: { code?: string; message: string; statusCode: number }): ConsoleError {
  const words = (err.code && FRAMEWORK_WORDS[err.code]) || (err.message.endsWith('.') ? err.message : `${err.message}.`);
  return new ConsoleError(err.statusCode, err.code ?? 'BadRequest', words);
}
