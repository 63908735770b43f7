/**
 * Domain errors. Each dialect maps every code to its own wire error in one total table
 * (`Record<DomainErrorCode, …>`), so adding a code here fails the build until every dialect handles it.
 */
import type { LayerRef } from './model.js';

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** The layer has no live version (never published, or every version deleted). */
export class LayerNotFound extends DomainError {
  readonly code = 'LayerNotFound';
  /** `version` is the one the caller asked for, when it asked for one. */
  constructor(readonly ref: LayerRef, readonly version?: number) {
    super(`layer ${ref.name} does not exist`);
  }
}

export class LayerVersionNotFound extends DomainError {
  readonly code = 'LayerVersionNotFound';
  constructor(readonly ref: LayerRef, readonly version: number) {
    super(`layer ${ref.name} version ${version} does not exist`);
  }
}

export class InvalidVersionNumber extends DomainError {
  readonly code = 'InvalidVersionNumber';
  constructor(readonly version: number) {
    super(`version ${version} is less than 1`);
  }
}

export class PolicyNotFound extends DomainError {
  readonly code = 'PolicyNotFound';
  constructor() {
    super('the version has no access policy');
  }
}

export class GrantNotFound extends DomainError {
  readonly code = 'GrantNotFound';
  constructor(readonly statementId: string) {
    super(`statement ${statementId} not found`);
  }
}

export class GrantAlreadyExists extends DomainError {
  readonly code = 'GrantAlreadyExists';
  constructor(readonly statementId: string) {
    super(`statement ${statementId} already exists`);
  }
}

export class RevisionMismatch extends DomainError {
  readonly code = 'RevisionMismatch';
  constructor() {
    super('the revision does not match the current one');
  }
}

export class PolicyTooLarge extends DomainError {
  readonly code = 'PolicyTooLarge';
  constructor(readonly size: number, readonly limit: number) {
    super(`policy size ${size} exceeds ${limit}`);
  }
}

export class RequestTooLarge extends DomainError {
  readonly code = 'RequestTooLarge';
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

export class MalformedDocument extends DomainError {
  readonly code = 'MalformedDocument';
  constructor(readonly detail: string) {
    super(`request body is not valid JSON: ${detail}`);
  }
}

/** The document carries the zip in two places (say FC's `Code.zipFile` and `code.zipFile`). */
export class ContentGivenTwice extends DomainError {
  readonly code = 'ContentGivenTwice';
  constructor(readonly paths: string[]) {
    super(`content given twice: ${paths.join(', ')}`);
  }
}

export class InvalidContentEncoding extends DomainError {
  readonly code = 'InvalidContentEncoding';
  constructor(readonly detail: string) {
    super(`content is not valid base64: ${detail}`);
  }
}

export class ZippedTooLarge extends DomainError {
  readonly code = 'ZippedTooLarge';
  constructor(readonly limit: number) {
    super(`zip exceeds ${limit} bytes`);
  }
}

export class NotAZip extends DomainError {
  readonly code = 'NotAZip';
  constructor(readonly detail: string) {
    super(`content is not a usable zip: ${detail}`);
  }
}

export class EmptyZip extends DomainError {
  readonly code = 'EmptyZip';
  constructor() {
    super('zip has no entries');
  }
}

export class UnzippedTooLarge extends DomainError {
  readonly code = 'UnzippedTooLarge';
  constructor(readonly limit: number) {
    super(`unzipped size must be smaller than ${limit} bytes`);
  }
}

/** The publisher stated a checksum and the content does not have it. */
export class ChecksumMismatch extends DomainError {
  readonly code = 'ChecksumMismatch';
  constructor(readonly expected: string, readonly actual: string) {
    super(`content checksum ${actual} does not match the expected ${expected}`);
  }
}

/** The bucket object named as a layer's content source is missing. */
export class SourceObjectMissing extends DomainError {
  readonly code = 'SourceObjectMissing';
  constructor(
    readonly missing: 'bucket' | 'key' | 'version',
    readonly bucket: string,
    readonly key: string,
    readonly versionId?: string,
  ) {
    super(`source ${missing} missing: ${bucket}/${key}${versionId ? `@${versionId}` : ''}`);
  }
}

/** The blob store (e.g. MinIO) cannot be reached. */
export class BlobStoreUnavailable extends DomainError {
  readonly code = 'BlobStoreUnavailable';
  constructor(readonly detail: string) {
    super(`the blob store cannot be reached: ${detail}`);
  }
}

/** The metadata store (a PostgreSQL server) cannot be reached. */
export class MetadataStoreUnavailable extends DomainError {
  readonly code = 'MetadataStoreUnavailable';
  constructor(readonly detail: string) {
    super(`the metadata store cannot be reached: ${detail}`);
  }
}

/** The request body arrived too slowly (it paused too long, or fell below the minimum rate). */
export class RequestTimedOut extends DomainError {
  readonly code = 'RequestTimedOut';
  constructor(readonly idleSeconds: number, readonly minBytesPerSecond: number) {
    super(`the request body stalled for ${idleSeconds} s or fell below ${minBytesPerSecond} bytes per second`);
  }
}

/** The disk under the data directory (or SQLite's file) has no space left. */
export class StorageFull extends DomainError {
  readonly code = 'StorageFull';
  constructor(readonly detail: string) {
    super(`no space left to store the layer: ${detail}`);
  }
}

/** A merged /opt names more layers than the cloud lets a function use. */
export class TooManyLayers extends DomainError {
  readonly code = 'TooManyLayers';
  constructor(readonly count: number, readonly limit: number) {
    super(`${count} layers named; a function can use at most ${limit}`);
  }
}

/** The layers of a merged /opt unzip to more than the cloud lets a function's layers take. */
export class LayersTooLarge extends DomainError {
  readonly code = 'LayersTooLarge';
  constructor(readonly size: number, readonly limit: number) {
    super(`the layers unzip to ${size} bytes, more than ${limit}`);
  }
}

/** A layer version named for a merged /opt does not exist (never published, or deleted). */
export class MissingLayerVersion extends DomainError {
  readonly code = 'MissingLayerVersion';
  constructor(readonly ref: LayerRef, readonly version: number) {
    super(`layer ${ref.name} version ${version} does not exist`);
  }
}

/** Two versions of one layer named for the same merged /opt. */
export class SameLayerTwice extends DomainError {
  readonly code = 'SameLayerTwice';
  constructor(readonly ref: LayerRef, readonly first: number, readonly second: number) {
    super(`versions ${first} and ${second} of layer ${ref.name} named together`);
  }
}

/** A layer named for a merged /opt lives in another region than the first one (a function's region). */
export class LayerInOtherRegion extends DomainError {
  readonly code = 'LayerInOtherRegion';
  constructor(readonly region: string, readonly ref: LayerRef, readonly version: number) {
    super(`layer ${ref.name} is in ${ref.region}, not ${region}`);
  }
}

/** A layer version does not list the runtime the merged /opt is for, and the cloud requires it to. */
export class RuntimeNotSupported extends DomainError {
  readonly code = 'RuntimeNotSupported';
  constructor(readonly runtime: string, readonly ref: LayerRef, readonly version: number) {
    super(`layer ${ref.name} version ${version} does not support runtime ${runtime}`);
  }
}

/** The error as StorageFull when it means the disk is full (ENOSPC, a quota, SQLITE_FULL), else as it is. */
export function asStorageFull(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') {
    return new StorageFull(err instanceof Error ? err.message : String(code));
  }
  return err;
}

export type AnyDomainError =
  | LayerNotFound
  | LayerVersionNotFound
  | InvalidVersionNumber
  | PolicyNotFound
  | GrantNotFound
  | GrantAlreadyExists
  | RevisionMismatch
  | PolicyTooLarge
  | RequestTooLarge
  | MalformedDocument
  | ContentGivenTwice
  | InvalidContentEncoding
  | ZippedTooLarge
  | NotAZip
  | EmptyZip
  | UnzippedTooLarge
  | ChecksumMismatch
  | SourceObjectMissing
  | BlobStoreUnavailable
  | MetadataStoreUnavailable
  | RequestTimedOut
  | StorageFull
  | TooManyLayers
  | LayersTooLarge
  | MissingLayerVersion
  | SameLayerTwice
  | LayerInOtherRegion
  | RuntimeNotSupported;

export type DomainErrorCode = AnyDomainError['code'];
