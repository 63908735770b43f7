/**
 * Bucket objects: the object store that users and tools upload layer packages to before publishing them by
 * reference (FC's ossBucketName/ossObjectName, AWS's S3Bucket/S3Key). Apart from layer blobs, which are Strata's
 * own. The store implements the port; the object service (object-service.ts) and the dialects use it.
 */
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  size: number;
  /** Lower-case hex MD5 of the bytes as stored (the store's own entity tag for objects it did not write). */
  etag: string;
  /** CRC-64/XZ as an unsigned decimal string, when known. */
  crc64: string | undefined;
  contentType: string;
  /** Epoch milliseconds of the write. */
  modifiedAt: number;
  /** User metadata: lower-case names without any wire prefix. */
  metadata: Record<string, string>;
}

/** What a writer says about a new object besides its bytes. */
export interface NewObject {
  contentType: string;
  metadata: Record<string, string>;
}

/** A finished local file, hashed while it was written, ready to become an object. */
export interface StagedObject {
  path: string;
  size: number;
  md5: Buffer;
  sha256: Buffer;
  crc64: string;
}

/** Inclusive byte offsets within an object. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BucketStore {
  bucketExists(bucket: string): Promise<boolean>;
  /** Creates the bucket unless it exists. */
  createBucket(bucket: string): Promise<void>;
  /** Throws ObjectKeyUnusable when this store cannot hold an object of that key (checked before any upload). */
  checkKey(key: string): void;
  /** Takes the staged file as the object, atomically replacing any earlier one. Throws BucketMissing. */
  put(bucket: string, key: string, staged: StagedObject, meta: NewObject): Promise<ObjectInfo>;
  /** Throws BucketMissing; undefined when there is no such object. */
  head(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  read(bucket: string, key: string, range?: ByteRange): Promise<{ info: ObjectInfo; stream: Readable } | undefined>;
  /** Removing a missing object is not an error; a missing bucket is (BucketMissing). */
  delete(bucket: string, key: string): Promise<void>;
  /** Removes the objects of `bucket` written before `cutoff` (epoch ms) and says how many there were. */
  removeOlderThan(bucket: string, cutoff: number): Promise<number>;
}

/** Errors of the bucket store and the object service; the object dialect maps every code (a total table). */
export abstract class BucketError extends Error {
  abstract readonly code: string;
}

export class BucketMissing extends BucketError {
  readonly code = 'BucketMissing';
  constructor(readonly bucket: string) {
    super(`bucket ${bucket} does not exist`);
  }
}

export class ObjectMissing extends BucketError {
  readonly code = 'ObjectMissing';
  constructor(readonly bucket: string, readonly key: string) {
    super(`object ${key} of bucket ${bucket} does not exist`);
  }
}

/** The key is one the store cannot hold (a `..` segment, a parent that is an object, …). */
export class ObjectKeyUnusable extends BucketError {
  readonly code = 'ObjectKeyUnusable';
  constructor(readonly key: string, readonly reason: string) {
    super(`object key ${JSON.stringify(key)} cannot be stored: ${reason}`);
  }
}

export class ObjectTooLarge extends BucketError {
  readonly code = 'ObjectTooLarge';
  constructor(readonly limit: number) {
    super(`object exceeds ${limit} bytes`);
  }
}

/** The writer stated a digest of the bytes (an MD5, or the SHA-256 it signed) and the bytes do not have it. */
export class ObjectDigestMismatch extends BucketError {
  readonly code = 'ObjectDigestMismatch';
  constructor(readonly expected: string, readonly actual: string, readonly algorithm: 'md5' | 'sha256' = 'md5') {
    super(`content ${algorithm === 'md5' ? 'MD5' : 'SHA-256'} ${actual} does not match the stated ${expected}`);
  }
}

/** The body ended before the length the writer declared. */
export class ObjectIncomplete extends BucketError {
  readonly code = 'ObjectIncomplete';
  constructor(readonly declared: number, readonly received: number) {
    super(`received ${received} of ${declared} declared bytes`);
  }
}

export type AnyBucketError =
  | BucketMissing
  | ObjectMissing
  | ObjectKeyUnusable
  | ObjectTooLarge
  | ObjectDigestMismatch
  | ObjectIncomplete;

export type BucketErrorCode = AnyBucketError['code'];
