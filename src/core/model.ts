/**
 * Domain types shared by every dialect. Names here are Strata's own: no wire field names, ARN formats or
 * HTTP statuses (test/unit/core-boundary.test.ts keeps it that way).
 */

/** Which cloud's namespace a layer lives in: the same name in two clouds is two layers. */
export type Cloud = 'aws' | 'fc';

export interface LayerScope {
  cloud: Cloud;
  account: string;
  region: string;
}

export interface LayerRef extends LayerScope {
  name: string;
}

export interface ContentDigests {
  /** Raw 32-byte SHA-256 of the zip. */
  sha256: Buffer;
  /** CRC-64/XZ of the zip as an unsigned decimal string. */
  crc64: string;
  /** Zip size in bytes. */
  size: number;
}

export interface StoredContent extends ContentDigests {
  /** Unguessable key of the immutable blob holding the zip. */
  blobKey: string;
  /**
   * Set by deleteVersion and reset when the metadata store itself kept the bytes (LayerRepository.inlineContentMax):
   * there is no blob to remove.
   */
  inline?: boolean;
}

export interface LayerVersionMeta {
  /** null when the publisher gave none (distinct from ""). */
  description: string | null;
  /** null when the publisher gave none (distinct from ""). */
  license: string | null;
  /** null when not given; [] when given empty: both clouds echo the difference. */
  compatibleRuntimes: string[] | null;
  compatibleArchitectures: string[] | null;
}

export interface LayerVersion extends LayerVersionMeta {
  ref: LayerRef;
  version: number;
  /** Epoch milliseconds. */
  createdAt: number;
  content: StoredContent;
  /** Visible to every account (FC's public ACL). */
  isPublic: boolean;
}

/** One statement of a version's access policy: who may use the version. */
export interface Grant {
  statementId: string;
  action: string;
  principal: string;
  organizationId: string | null;
}

export interface AccessPolicy {
  grants: Grant[];
  /** Changes on every add and remove. */
  revision: string;
}

export interface VersionFilter {
  runtime?: string | undefined;
  architecture?: string | undefined;
}

export interface LayerFilter extends VersionFilter {
  /** Only layers whose name starts with this. */
  namePrefix?: string | undefined;
  /** Only layers made visible to every account. */
  publicOnly?: boolean | undefined;
}

export type VersionOrder = 'newest-first' | 'oldest-first';

export interface Page<T, C> {
  items: T[];
  /** The first item of the next page (the next page starts at it, inclusive), or undefined on the last page. */
  next: C | undefined;
}

/** A cloud, account and region that holds layers, with how many. */
export interface ScopeSummary {
  scope: LayerScope;
  /** Layers with at least one version. */
  layers: number;
  versions: number;
}

export interface LayerSummary {
  ref: LayerRef;
  /** The newest version that matches the list filter. */
  latest: LayerVersion;
}

/** What a reset empties: everything, or the layers of one cloud, account, region or name within it. */
export interface ResetScope {
  cloud?: Cloud | undefined;
  account?: string | undefined;
  region?: string | undefined;
  name?: string | undefined;
}

export interface ResetResult {
  layers: number;
  versions: number;
  blobs: number;
}

/** What the store holds, per cloud. */
export interface StoreStats {
  cloud: Cloud;
  layers: number;
  versions: number;
  storedBytes: number;
}
