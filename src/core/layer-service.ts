import { randomBytes, randomUUID } from 'node:crypto';
import { inspectZip, ZipInspectionError } from '../codec/zip.js';
import type { BlobStore } from '../store/blob/blob-store.js';
import type { LayerRepo } from '../store/layer-repo.js';
import type { StagedFile, StagingArea } from '../store/staging.js';
import {
  EmptyZip, GrantAlreadyExists, GrantNotFound, InvalidVersionNumber, LayerVersionNotFound, NotAZip, PolicyNotFound,
  RevisionMismatch, UnzippedTooLarge,
} from './errors.js';
import { ContentLinks } from './links.js';
import type {
  AccessPolicy, Grant, LayerRef, LayerScope, LayerSummary, LayerVersion, LayerVersionMeta, Page, VersionFilter,
} from './model.js';

export interface PublishLimits {
  /** Refuse zips whose unzipped size reaches this many bytes. */
  maxUnzippedBytes: number;
}

export interface PageRequest<C> {
  after?: C | undefined;
  limit: number;
}

/**
 * The operations both dialects share. Blob first, then metadata in one transaction: a publish that fails at
 * any step leaves no row, no blob and no consumed version number.
 */
export class LayerService {
  readonly links: ContentLinks;

  constructor(
    private readonly repo: LayerRepo,
    private readonly blobs: BlobStore,
    readonly staging: StagingArea,
    linkTtlSeconds: number,
  ) {
    this.links = new ContentLinks(repo.setting('link-secret', () => randomBytes(32).toString('hex')), linkTtlSeconds);
  }

  /** Drops uploads and blobs that a crash left without metadata. */
  async recover(): Promise<{ orphanBlobs: number }> {
    await this.staging.reset();
    const keys = this.repo.allBlobKeys();
    return { orphanBlobs: await this.blobs.sweep((key) => keys.has(key)) };
  }

  async publish(ref: LayerRef, meta: LayerVersionMeta, staged: StagedFile, limits: PublishLimits): Promise<LayerVersion> {
    try {
      const digests = await staged.finish();
      await checkZip(staged.path, limits);
      const blobKey = await this.blobs.adopt(staged.path);
      try {
        return this.repo.insertVersion(ref, meta, { ...digests, blobKey });
      } catch (err) {
        await this.blobs.delete(blobKey);
        throw err;
      }
    } finally {
      await staged.discard();
    }
  }

  getVersion(ref: LayerRef, version: number): LayerVersion {
    assertVersionNumber(version);
    const found = this.repo.getVersion(ref, version);
    if (!found) throw new LayerVersionNotFound(ref, version);
    return found;
  }

  listVersions(ref: LayerRef, filter: VersionFilter, page: PageRequest<number>): Page<LayerVersion, number> {
    return paginate(this.repo.listVersions(ref, filter, page.after, page.limit + 1), page.limit, (v) => v.version);
  }

  listLayers(scope: LayerScope, filter: VersionFilter, page: PageRequest<string>): Page<LayerSummary, string> {
    return paginate(this.repo.listLayers(scope, filter, page.after, page.limit + 1), page.limit, (l) => l.ref.name);
  }

  /** Idempotent: deleting a missing version is not an error. Returns whether something was deleted. */
  async deleteVersion(ref: LayerRef, version: number): Promise<boolean> {
    assertVersionNumber(version);
    const content = this.repo.deleteVersion(ref, version);
    // Row first: a blob left by a failure here is swept at the next start; a row without its blob never exists.
    if (content) await this.blobs.delete(content.blobKey);
    return content !== undefined;
  }

  getPolicy(ref: LayerRef, version: number): AccessPolicy {
    assertVersionNumber(version);
    const policy = this.repo.getPolicy(ref, version);
    if (!policy) throw new LayerVersionNotFound(ref, version);
    if (policy.revision === null || policy.grants.length === 0) throw new PolicyNotFound();
    return { grants: policy.grants, revision: policy.revision };
  }

  /**
   * Adds a statement. `checkSize` sees the grants as they would be and may throw to refuse them.
   * A duplicate statement id is reported before a stale revision (LocalStack's order; AWS's is not recorded).
   */
  addGrant(
    ref: LayerRef, version: number, grant: Grant, expectedRevision: string | undefined,
    checkSize?: (grants: Grant[]) => void,
  ): AccessPolicy {
    assertVersionNumber(version);
    const policy = this.repo.updatePolicy(ref, version, randomUUID(), (current) => {
      if (current.grants.some((g) => g.statementId === grant.statementId)) {
        throw new GrantAlreadyExists(grant.statementId);
      }
      if (expectedRevision !== undefined && expectedRevision !== current.revision) throw new RevisionMismatch();
      checkSize?.([...current.grants, grant]);
      return { add: grant };
    });
    if (!policy) throw new LayerVersionNotFound(ref, version);
    return policy;
  }

  /** Removes a statement; a stale revision is reported before a missing statement (LocalStack's order). */
  removeGrant(ref: LayerRef, version: number, statementId: string, expectedRevision: string | undefined): AccessPolicy {
    assertVersionNumber(version);
    const policy = this.repo.updatePolicy(ref, version, randomUUID(), (current) => {
      if (expectedRevision !== undefined && expectedRevision !== current.revision) throw new RevisionMismatch();
      if (!current.grants.some((g) => g.statementId === statementId)) throw new GrantNotFound(statementId);
      return { removeId: statementId };
    });
    if (!policy) throw new LayerVersionNotFound(ref, version);
    return policy;
  }

  setPublic(ref: LayerRef, version: number, isPublic: boolean): void {
    assertVersionNumber(version);
    if (!this.repo.setPublic(ref, version, isPublic)) throw new LayerVersionNotFound(ref, version);
  }

  openContent(blobKey: string) {
    return this.blobs.open(blobKey);
  }
}

function assertVersionNumber(version: number): void {
  if (version < 1) throw new InvalidVersionNumber(version);
}

function paginate<T, C>(rows: T[], limit: number, cursorOf: (row: T) => C): Page<T, C> {
  if (rows.length <= limit) return { items: rows, next: undefined };
  const items = rows.slice(0, limit);
  return { items, next: cursorOf(items[items.length - 1]!) };
}

async function checkZip(path: string, limits: PublishLimits): Promise<void> {
  try {
    await inspectZip(path, { maxUncompressedSize: limits.maxUnzippedBytes });
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
