import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { newBlobKey } from './blob-keys.js';
import { inspectZip, ZipInspectionError } from '../codec/zip.js';
import { VersionTaken, type BlobStore, type LayerRepository, type ObjectLocation, type ObjectSource } from './ports.js';
import type { StagedFile, StagingArea } from '../store/staging.js';
import { stageStream } from './ingest.js';
import {
  ChecksumMismatch, EmptyZip, GrantAlreadyExists, GrantNotFound, InvalidVersionNumber, LayerNotFound,
  LayerVersionNotFound, NotAZip, PolicyNotFound, RevisionMismatch, UnzippedTooLarge, asStorageFull,
} from './errors.js';
import type { ContentLinks } from './links.js';
import type {
  AccessPolicy, Grant, LayerFilter, LayerRef, LayerScope, LayerSummary, LayerVersion, LayerVersionMeta, Page,
  ResetResult, ResetScope, ScopeSummary, StoreStats, StoredContent, VersionFilter, VersionOrder,
} from './model.js';

export interface PublishLimits {
  /** Refuse zips whose unzipped size reaches this many bytes. */
  maxUnzippedBytes: number;
  /** The CRC-64 the publisher says the content has, if it said one. */
  expectedCrc64?: string | undefined;
}

export interface PageRequest<C> {
  /** Where the page starts, inclusive (a `next` of an earlier page). */
  start?: C | undefined;
  limit: number;
}

/**
 * The operations both dialects share. Blob first, then metadata in one transaction: a publish that fails at
 * any step leaves no row, no blob and no consumed version number.
 */
export class LayerService {
  constructor(
    private readonly repo: LayerRepository,
    private readonly blobs: BlobStore,
    private readonly sources: ObjectSource,
    readonly staging: StagingArea,
    readonly links: ContentLinks,
  ) {}

  /**
   * Drops blobs that a crash left without metadata. With `olderThanMs`, only blobs older than that: replicas that
   * share the metadata store may be committing newer ones.
   */
  async recover(olderThanMs?: number): Promise<{ orphanBlobs: number }> {
    // The blob listing starts after the keys are read: a blob committed in between is newer than the threshold.
    const keys = await this.repo.allBlobKeys();
    return { orphanBlobs: await this.blobs.sweep((key) => keys.has(key), olderThanMs) };
  }

  /** Copies a bucket object into staging, to publish it like inline content. */
  async stageObject(location: ObjectLocation, maxBytes: number): Promise<StagedFile> {
    return stageStream(await this.sources.open(location), this.staging, maxBytes, { toBlobStore: true });
  }

  async publish(ref: LayerRef, meta: LayerVersionMeta, staged: StagedFile, limits: PublishLimits): Promise<LayerVersion> {
    return this.store(staged, limits, (content, inline) => this.repo.insertVersion(ref, meta, content, inline));
  }

  /**
   * Publishes under the version number given (a seed) with the same checks as a publish; later publishes are
   * numbered above it. A version that is already there is kept as it is: `created` is false, and `sameContent`
   * says whether it holds the staged bytes.
   */
  async publishAt(
    ref: LayerRef, version: number, meta: LayerVersionMeta, staged: StagedFile, limits: PublishLimits,
  ): Promise<{ created: boolean; sameContent: boolean; version: LayerVersion }> {
    assertVersionNumber(version);
    const existing = await this.repo.getVersion(ref, version);
    if (existing) return this.compare(staged, existing);
    let sha256: Buffer | undefined;
    try {
      const created = await this.store(staged, limits, (content, inline) => {
        sha256 = content.sha256;
        return this.repo.insertVersionAt(ref, version, meta, content, inline);
      });
      return { created: true, sameContent: true, version: created };
    } catch (err) {
      // Seeded meanwhile by another replica sharing the metadata store (the blob just stored is gone again).
      const taken = err instanceof VersionTaken ? await this.repo.getVersion(ref, version) : undefined;
      if (!taken) throw err;
      return { created: false, sameContent: sha256 !== undefined && sha256.equals(taken.content.sha256), version: taken };
    }
  }

  /** A version already there, and whether it holds the staged bytes. */
  private async compare(staged: StagedFile, existing: LayerVersion) {
    try {
      const { sha256 } = await staged.finish();
      return { created: false, sameContent: sha256.equals(existing.content.sha256), version: existing };
    } finally {
      await staged.discard();
    }
  }

  /**
   * Checks staged content, stores it and records it with `record`; on any failure, nothing is kept. Content small
   * enough for the metadata store (`inlineContentMax`) goes to `record` as `inline` bytes, in the version's own
   * transaction; the rest becomes a blob first.
   */
  private async store(
    staged: StagedFile, limits: PublishLimits,
    record: (content: StoredContent, inline?: Buffer) => Promise<LayerVersion>,
  ): Promise<LayerVersion> {
    try {
      const digests = await staged.finish();
      if (limits.expectedCrc64 !== undefined && limits.expectedCrc64 !== digests.crc64) {
        throw new ChecksumMismatch(limits.expectedCrc64, digests.crc64);
      }
      // The zip is checked while the staged file's fsync runs; it becomes the blob once both are done.
      await checkZip(staged, limits);
      await staged.synced();
      if (staged.inMemory && digests.size <= this.repo.inlineContentMax) {
        // Keys of inline content look like the blob stores' own: links and listings cannot tell them apart.
        return await record({ ...digests, blobKey: newBlobKey() }, staged.contentInMemory);
      }
      let blobKey: string;
      if (staged.inMemory) blobKey = await this.blobs.write(staged.contentInMemory!, digests);
      else {
        // Sent to the store while it arrived, when the store takes uploads and the content was large enough.
        const uploaded = await staged.uploadedBlob(digests);
        if (uploaded !== undefined) blobKey = uploaded;
        else {
          blobKey = await this.blobs.adopt(staged.path, digests);
          if (this.blobs.adoptMovesFile) staged.markMoved();
        }
      }
      try {
        return await record({ ...digests, blobKey });
      } catch (err) {
        // The metadata failed: drop the blob (if that fails too, the next start sweeps it) and report the cause.
        await this.blobs.delete(blobKey).catch(() => undefined);
        throw err;
      }
    } catch (err) {
      throw asStorageFull(err);
    } finally {
      await staged.discard();
    }
  }

  /** Empties the store, or the layers in `scope`: versions, policies, counters, and (before it returns) blobs. */
  async reset(scope: ResetScope): Promise<ResetResult> {
    const { layers, versions, blobKeys, inline = 0 } = await this.repo.reset(scope);
    // Rows first: a blob left by a failure here is swept at the next start; a row without its blob never exists.
    await Promise.all(blobKeys.map((key) => this.blobs.delete(key)));
    return { layers, versions, blobs: blobKeys.length + inline };
  }

  /** What the store holds, per cloud. */
  stats(): Promise<StoreStats[]> {
    return this.repo.stats();
  }

  /** Whether the metadata store answers. */
  metadataHealth(): Promise<{ reachable: boolean; error?: string }> {
    return this.repo.health();
  }

  /** Throws LayerNotFound when the layer has no version, LayerVersionNotFound when it lacks this one. */
  async getVersion(ref: LayerRef, version: number): Promise<LayerVersion> {
    assertVersionNumber(version);
    const found = await this.repo.getVersion(ref, version);
    if (!found) throw await this.missing(ref, version);
    return found;
  }

  /** Throws LayerNotFound unless the layer has at least one version. */
  async requireLayer(ref: LayerRef): Promise<void> {
    if (!(await this.repo.layerExists(ref))) throw new LayerNotFound(ref);
  }

  async listVersions(
    ref: LayerRef, filter: VersionFilter, order: VersionOrder, page: PageRequest<number>,
  ): Promise<Page<LayerVersion, number>> {
    const rows = await this.repo.listVersions(ref, filter, order, page.start, page.limit + 1);
    return paginate(rows, page.limit, (v) => v.version);
  }

  async listLayers(scope: LayerScope, filter: LayerFilter, page: PageRequest<string>): Promise<Page<LayerSummary, string>> {
    return paginate(await this.repo.listLayers(scope, filter, page.start, page.limit + 1), page.limit, (l) => l.ref.name);
  }

  /** The clouds, accounts and regions that hold layers, with how many layers and versions each holds. */
  listScopes(): Promise<ScopeSummary[]> {
    return this.repo.listScopes();
  }

  /**
   * Deletes a version and then its blob. With `mustExist` a missing version is LayerNotFound or
   * LayerVersionNotFound; without it deleting is idempotent. Returns whether something was deleted.
   */
  async deleteVersion(ref: LayerRef, version: number, opts: { mustExist?: boolean } = {}): Promise<boolean> {
    assertVersionNumber(version);
    const content = await this.repo.deleteVersion(ref, version);
    if (!content && opts.mustExist) throw await this.missing(ref, version);
    // Row first: a blob left by a failure here is swept at the next start; a row without its blob never exists.
    if (content && !content.inline) await this.blobs.delete(content.blobKey);
    return content !== undefined;
  }

  async getPolicy(ref: LayerRef, version: number): Promise<AccessPolicy> {
    assertVersionNumber(version);
    const policy = await this.repo.getPolicy(ref, version);
    if (!policy) throw await this.missing(ref, version);
    if (policy.revision === null || policy.grants.length === 0) throw new PolicyNotFound();
    return { grants: policy.grants, revision: policy.revision };
  }

  /** Who may use a version besides its owner: its grants, none when it has none or does not exist. */
  async grantsOf(ref: LayerRef, version: number): Promise<Grant[]> {
    if (version < 1) return [];
    return (await this.repo.getPolicy(ref, version))?.grants ?? [];
  }

  /**
   * Adds a statement. `checkSize` sees the grants as they would be and may throw to refuse them.
   * A duplicate statement id is reported before a stale revision (LocalStack's order; AWS's is not recorded).
   */
  async addGrant(
    ref: LayerRef, version: number, grant: Grant, expectedRevision: string | undefined,
    checkSize?: (grants: Grant[]) => void,
  ): Promise<AccessPolicy> {
    assertVersionNumber(version);
    const policy = await this.repo.updatePolicy(ref, version, randomUUID(), (current) => {
      if (current.grants.some((g) => g.statementId === grant.statementId)) {
        throw new GrantAlreadyExists(grant.statementId);
      }
      if (expectedRevision !== undefined && expectedRevision !== current.revision) throw new RevisionMismatch();
      checkSize?.([...current.grants, grant]);
      return { add: grant };
    });
    if (!policy) throw await this.missing(ref, version);
    return policy;
  }

  /** Removes a statement; a stale revision is reported before a missing statement (LocalStack's order). */
  async removeGrant(
    ref: LayerRef, version: number, statementId: string, expectedRevision: string | undefined,
  ): Promise<AccessPolicy> {
    assertVersionNumber(version);
    const policy = await this.repo.updatePolicy(ref, version, randomUUID(), (current) => {
      if (expectedRevision !== undefined && expectedRevision !== current.revision) throw new RevisionMismatch();
      if (!current.grants.some((g) => g.statementId === statementId)) throw new GrantNotFound(statementId);
      return { removeId: statementId };
    });
    if (!policy) throw await this.missing(ref, version);
    return policy;
  }

  /** Makes every version of the layer visible to all accounts, or to its owner only. */
  async setLayerPublic(ref: LayerRef, isPublic: boolean): Promise<void> {
    if (!(await this.repo.setPublic(ref, isPublic))) throw new LayerNotFound(ref);
  }

  /** The content's bytes, wherever they are kept; undefined when there are none under this key. */
  async openContent(blobKey: string): Promise<{ stream: Readable; size: number } | undefined> {
    const inline = await this.repo.inlineContent(blobKey);
    if (inline) return { stream: Readable.from([inline], { objectMode: false }), size: inline.length };
    return this.blobs.open(blobKey);
  }

  /**
   * The blob as a local file for random access: in place when the store keeps it on this disk, else copied into
   * staging (removed by `release`). Undefined when there is no such blob.
   */
  async localContent(blobKey: string, maxBytes: number): Promise<{ path: string; release(): Promise<void> } | undefined> {
    const direct = await this.blobs.localPath?.(blobKey);
    if (direct !== undefined) return { path: direct, release: async () => undefined };
    const blob = await this.openContent(blobKey);
    if (!blob) return undefined;
    const staged = await stageStream(blob.stream, this.staging, maxBytes);
    return { path: staged.path, release: () => staged.discard() };
  }

  private async missing(ref: LayerRef, version: number): Promise<LayerNotFound | LayerVersionNotFound> {
    return (await this.repo.layerExists(ref)) ? new LayerVersionNotFound(ref, version) : new LayerNotFound(ref, version);
  }
}

function assertVersionNumber(version: number): void {
  if (version < 1) throw new InvalidVersionNumber(version);
}

function paginate<T, C>(rows: T[], limit: number, cursorOf: (row: T) => C): Page<T, C> {
  if (rows.length <= limit) return { items: rows, next: undefined };
  return { items: rows.slice(0, limit), next: cursorOf(rows[limit]!) };
}

async function checkZip(staged: StagedFile, limits: PublishLimits): Promise<void> {
  try {
    await inspectZip(staged.contentInMemory ?? staged, { maxUncompressedSize: limits.maxUnzippedBytes }, staged.storedCrcs);
  } catch (err) {
    if (!(err instanceof ZipInspectionError)) throw err;
    switch (err.problem) {
      case 'empty':
        throw new EmptyZip();
      case 'unzipped-too-large':
        throw new UnzippedTooLarge(limits.maxUnzippedBytes);
      default:
        // A zip whose entries lie about their sizes cannot be unzipped faithfully either.
        throw new NotAZip(err.message);
    }
  }
}
