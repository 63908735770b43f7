/**
 * The ports the core needs and the stores implement (imports point one way: routes → core ← store). Every
 * metadata operation is asynchronous, so a repository may be an embedded SQLite file or a PostgreSQL server shared
 * by several Strata replicas; each method is one statement or one transaction.
 */
import type { Readable } from 'node:stream';
import type {
  AccessPolicy, ContentDigests, Grant, LayerFilter, LayerRef, LayerScope, LayerSummary, LayerVersion,
  LayerVersionMeta, ResetScope, ScopeSummary, StoreStats, StoredContent, VersionFilter, VersionOrder,
} from './model.js';

/** A policy's current state, as `updatePolicy`'s change sees it. */
export interface PolicyState {
  grants: Grant[];
  revision: string | null;
}

/** Everything Strata keeps about layers. */
export interface LayerRepository {
  /**
   * The largest content this store keeps itself, in the version's own transaction, instead of a blob store (0: none).
   * Such content is passed as `inline` to the inserts, and read back with inlineContent().
   */
  readonly inlineContentMax: number;
  /** Takes the next version number and records the version (with its `inline` bytes, if given), atomically. */
  insertVersion(ref: LayerRef, meta: LayerVersionMeta, content: StoredContent, inline?: Buffer): Promise<LayerVersion>;
  /**
   * Records the version under the number given (a seed), and numbers later versions above it. Throws
   * VersionTaken when the layer already has that number.
   */
  insertVersionAt(
    ref: LayerRef, version: number, meta: LayerVersionMeta, content: StoredContent, inline?: Buffer,
  ): Promise<LayerVersion>;
  /** The bytes kept inline under a version's blob key; undefined when that content is in the blob store. */
  inlineContent(blobKey: string): Promise<Buffer | undefined>;
  getVersion(ref: LayerRef, version: number): Promise<LayerVersion | undefined>;
  /** Versions from `start` (inclusive) on, in the given order. */
  listVersions(
    ref: LayerRef, filter: VersionFilter, order: VersionOrder, start: number | undefined, limit: number,
  ): Promise<LayerVersion[]>;
  /** Whether the layer has at least one version. */
  layerExists(ref: LayerRef): Promise<boolean>;
  /** Layers by name from `start` (inclusive), each with its newest version matching the filter. */
  listLayers(scope: LayerScope, filter: LayerFilter, start: string | undefined, limit: number): Promise<LayerSummary[]>;
  /** The clouds, accounts and regions that hold at least one version. */
  listScopes(): Promise<ScopeSummary[]>;
  /**
   * Removes the version's row (and its grants, and its inline bytes); returns its content so the blob can be removed
   * (`inline` set when there is none).
   */
  deleteVersion(ref: LayerRef, version: number): Promise<StoredContent | undefined>;
  /** The version's grants and revision (null before the first grant); undefined when there is no such version. */
  getPolicy(ref: LayerRef, version: number): Promise<PolicyState | undefined>;
  /**
   * Runs `change` on the version's current policy inside one transaction and stores what it returns. `change`
   * throws to refuse (stale revision, duplicate statement…); nothing is written then.
   */
  updatePolicy(
    ref: LayerRef, version: number, newRevision: string,
    change: (current: PolicyState) => { add?: Grant; removeId?: string },
  ): Promise<AccessPolicy | undefined>;
  /** Sets the layer's visibility; false when the layer has no version. */
  setPublic(ref: LayerRef, isPublic: boolean): Promise<boolean>;
  /** Every blob key a version refers to. */
  allBlobKeys(): Promise<Set<string>>;
  /** Returns the stored setting, storing `initial()` first if there was none (the first writer wins). */
  setting(key: string, initial: () => string): Promise<string>;
  /**
   * Removes every layer in scope with its versions, grants, inline bytes and version counter; returns the blobs to
   * remove (none for content that was kept inline) and how many zips were kept inline.
   */
  reset(scope: ResetScope): Promise<{ layers: number; versions: number; blobKeys: string[]; inline?: number }>;
  stats(): Promise<StoreStats[]>;
  /** Whether the store answers (a server can be unreachable; an embedded file always answers). */
  health(): Promise<{ reachable: boolean; error?: string }>;
  close(): Promise<void>;
}

/** Immutable blobs under unguessable keys. */
export interface BlobStore {
  /**
   * Takes a finished local file as a new blob (moved where possible, else streamed). `digests` are the file's,
   * computed while it was written, so stores that want a payload hash need not read it twice.
   */
  adopt(localPath: string, digests: ContentDigests): Promise<string>;
  /** Whether adopt() moves the local file (it is then no longer at its path) rather than copying it. */
  readonly adoptMovesFile: boolean;
  /**
   * Stores content held in memory (a small layer, which never had a local file) as a new blob, durably as adopt()
   * would; nothing is left behind when it fails.
   */
  write(bytes: Buffer, digests: ContentDigests): Promise<string>;
  /**
   * For stores whose write takes about as long as the receipt (a server such as MinIO): a blob written in parts
   * while its content still arrives, so that the publish waits for the last part only. Undefined: no such
   * uploads; the content is adopted or written once it is whole.
   */
  readonly uploads?: BlobUploads;
  /** The blob's bytes, or undefined when there is no such blob. */
  open(key: string): Promise<{ stream: Readable; size: number } | undefined>;
  /**
   * The blob as a local file that can be read in place (random access, as a zip reader needs), when the store keeps
   * blobs on this machine's disk; undefined otherwise, or when there is no such blob.
   */
  localPath?(key: string): Promise<string | undefined>;
  /** Removes a blob; removing a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Removes blobs that `isReferenced` does not claim (left by a crash between blob and metadata). With
   * `olderThanMs`, only blobs written longer ago than that: another replica may be committing a newer one.
   */
  sweep(isReferenced: (key: string) => boolean, olderThanMs?: number): Promise<number>;
}

export interface BlobUploads {
  /** The size of every part but the last (the store's smallest, at most a few MiB). */
  readonly partSize: number;
  /** Starts a blob; nothing of it is readable until complete(). */
  begin(): Promise<BlobUpload>;
}

export interface BlobUpload {
  /** Sends the next part (exactly `partSize` bytes unless it is the last); one at a time, in order. */
  part(bytes: Buffer): Promise<void>;
  /** Makes the parts sent one blob and returns its key; `digests` describe all of them. */
  complete(digests: ContentDigests): Promise<string>;
  /** Drops the parts sent; nothing is left (a crash's leftovers are removed by the next sweep). */
  abort(): Promise<void>;
}

export interface ObjectLocation {
  bucket: string;
  key: string;
  versionId?: string | undefined;
}

/**
 * The bucket store users put layer packages in before publishing them by reference (AWS S3Bucket/S3Key,
 * FC ossBucketName/ossObjectName). Throws SourceObjectMissing for a missing bucket, key or version.
 */
export interface ObjectSource {
  open(location: ObjectLocation): Promise<Readable>;
}

/** The layer already has the version number a seed names (another replica seeded it first, say). */
export class VersionTaken extends Error {
  constructor(readonly ref: LayerRef, readonly version: number) {
    super(`layer ${ref.name} already has version ${version}`);
  }
}
