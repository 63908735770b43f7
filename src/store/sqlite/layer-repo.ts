import type { Db } from './db.js';
import { InlineBlobs } from './inline-blobs.js';
import type {
  AccessPolicy, Cloud, Grant, LayerFilter, LayerRef, LayerScope, LayerSummary, LayerVersion, LayerVersionMeta, ResetScope,
  ScopeSummary, StoreStats, StoredContent, VersionFilter, VersionOrder,
} from '../../core/model.js';

interface VersionRow {
  name: string;
  cloud: string;
  account: string;
  region: string;
  version: number;
  description: string | null;
  license: string | null;
  compatible_runtimes: string | null;
  compatible_architectures: string | null;
  created_at: number;
  blob_key: string;
  sha256: Buffer;
  crc64: string;
  size: number;
  is_public: number;
}

interface GrantRow {
  statement_id: string;
  action: string;
  principal: string;
  organization_id: string | null;
}

const VERSION_COLUMNS = `l.name, l.cloud, l.account, l.region, v.version, v.description, v.license,
  v.compatible_runtimes, v.compatible_architectures, v.created_at, v.blob_key, v.sha256, v.crc64, v.size, l.is_public`;

// A version matches a filter value only when it declared it (a version with no runtimes matches no runtime filter).
const FILTER_SQL = `
  AND (@runtime IS NULL OR EXISTS (SELECT 1 FROM json_each(v.compatible_runtimes) WHERE value = @runtime))
  AND (@architecture IS NULL OR EXISTS (SELECT 1 FROM json_each(v.compatible_architectures) WHERE value = @architecture))`;

function toVersion(row: VersionRow): LayerVersion {
  return {
    ref: { cloud: row.cloud as LayerRef['cloud'], account: row.account, region: row.region, name: row.name },
    version: row.version,
    description: row.description,
    license: row.license,
    compatibleRuntimes: row.compatible_runtimes === null ? null : (JSON.parse(row.compatible_runtimes) as string[]),
    compatibleArchitectures:
      row.compatible_architectures === null ? null : (JSON.parse(row.compatible_architectures) as string[]),
    createdAt: row.created_at,
    content: { blobKey: row.blob_key, sha256: row.sha256, crc64: row.crc64, size: row.size },
    isPublic: row.is_public === 1,
  };
}

const toGrant = (row: GrantRow): Grant => ({
  statementId: row.statement_id,
  action: row.action,
  principal: row.principal,
  organizationId: row.organization_id,
});

const filterParams = (filter: VersionFilter) => ({
  runtime: filter.runtime ?? null,
  architecture: filter.architecture ?? null,
});

// A reset's scope: each part that is given must match.
const SCOPE_SQL = `(@cloud IS NULL OR cloud = @cloud) AND (@account IS NULL OR account = @account)
  AND (@region IS NULL OR region = @region) AND (@name IS NULL OR name = @name)`;

/**
 * Everything Strata keeps about layers, in SQLite, synchronously (better-sqlite3). Every method is one statement or
 * one transaction. SqliteLayerRepo (sqlite-repository.ts) serves it through the core's asynchronous port.
 */
export class SqliteLayerStore {
  private readonly stmts;
  private readonly inline: InlineBlobs;

  constructor(private readonly db: Db) {
    this.inline = new InlineBlobs(db);
    this.stmts = {
      upsertLayer: db.prepare(`INSERT INTO layers (cloud, account, region, name, created_at)
        VALUES (@cloud, @account, @region, @name, @now)
        ON CONFLICT (cloud, account, region, name) DO NOTHING`),
      // The layer's row is made by its first version, which takes number 1; later ones bump the counter. One
      // statement: each costs a B-tree search and a round of parameter binding.
      claimVersion: db.prepare(`INSERT INTO layers (cloud, account, region, name, created_at, next_version)
        VALUES (@cloud, @account, @region, @name, @now, 2)
        ON CONFLICT (cloud, account, region, name) DO UPDATE SET next_version = next_version + 1
        RETURNING id, next_version - 1 AS version, is_public`),
      layerId: db.prepare(`SELECT id FROM layers
        WHERE cloud = @cloud AND account = @account AND region = @region AND name = @name`),
      insertVersion: db.prepare(`INSERT INTO layer_versions (layer_id, version, description, license,
          compatible_runtimes, compatible_architectures, created_at, blob_key, sha256, crc64, size, inline_id)
        VALUES (@layerId, @version, @description, @license, @runtimes, @architectures, @createdAt,
          @blobKey, @sha256, @crc64, @size, @inlineId)`),
      getVersion: db.prepare(`SELECT ${VERSION_COLUMNS} FROM layer_versions v JOIN layers l ON l.id = v.layer_id
        WHERE l.cloud = @cloud AND l.account = @account AND l.region = @region AND l.name = @name
          AND v.version = @version`),
      versionsNewestFirst: db.prepare(`SELECT ${VERSION_COLUMNS} FROM layer_versions v JOIN layers l ON l.id = v.layer_id
        WHERE l.cloud = @cloud AND l.account = @account AND l.region = @region AND l.name = @name
          AND (@start IS NULL OR v.version <= @start) ${FILTER_SQL}
        ORDER BY v.version DESC LIMIT @limit`),
      versionsOldestFirst: db.prepare(`SELECT ${VERSION_COLUMNS} FROM layer_versions v JOIN layers l ON l.id = v.layer_id
        WHERE l.cloud = @cloud AND l.account = @account AND l.region = @region AND l.name = @name
          AND (@start IS NULL OR v.version >= @start) ${FILTER_SQL}
        ORDER BY v.version ASC LIMIT @limit`),
      layerExists: db.prepare(`SELECT 1 FROM layer_versions v JOIN layers l ON l.id = v.layer_id
        WHERE l.cloud = @cloud AND l.account = @account AND l.region = @region AND l.name = @name LIMIT 1`).pluck(),
      listLayers: db.prepare(`SELECT ${VERSION_COLUMNS} FROM layers l
        JOIN layer_versions v ON v.layer_id = l.id AND v.version = (
          SELECT MAX(v.version) FROM layer_versions v WHERE v.layer_id = l.id ${FILTER_SQL})
        WHERE l.cloud = @cloud AND l.account = @account AND l.region = @region
          AND (@start IS NULL OR l.name >= @start)
          AND (@prefix IS NULL OR substr(l.name, 1, length(@prefix)) = @prefix)
          AND (@publicOnly = 0 OR l.is_public = 1)
        ORDER BY l.name LIMIT @limit`),
      deleteVersion: db.prepare(`DELETE FROM layer_versions
        WHERE layer_id = @layerId AND version = @version RETURNING blob_key, sha256, crc64, size, inline_id`),
      policyRevision: db.prepare(`SELECT policy_revision FROM layer_versions
        WHERE layer_id = @layerId AND version = @version`),
      setPolicyRevision: db.prepare(`UPDATE layer_versions SET policy_revision = @revision
        WHERE layer_id = @layerId AND version = @version`),
      grants: db.prepare(`SELECT statement_id, action, principal, organization_id FROM layer_version_grants
        WHERE layer_id = @layerId AND version = @version ORDER BY position`),
      insertGrant: db.prepare(`INSERT INTO layer_version_grants
          (layer_id, version, position, statement_id, action, principal, organization_id)
        VALUES (@layerId, @version,
          (SELECT COALESCE(MAX(position), 0) + 1 FROM layer_version_grants WHERE layer_id = @layerId AND version = @version),
          @statementId, @action, @principal, @organizationId)`),
      deleteGrant: db.prepare(`DELETE FROM layer_version_grants
        WHERE layer_id = @layerId AND version = @version AND statement_id = @statementId`),
      setPublic: db.prepare(`UPDATE layers SET is_public = @isPublic
        WHERE cloud = @cloud AND account = @account AND region = @region AND name = @name`),
      scopes: db.prepare(`SELECT l.cloud, l.account, l.region, COUNT(DISTINCT l.id) AS layers, COUNT(*) AS versions
        FROM layers l JOIN layer_versions v ON v.layer_id = l.id
        GROUP BY l.cloud, l.account, l.region ORDER BY l.cloud, l.account, l.region`),
      blobKeys: db.prepare(`SELECT blob_key FROM layer_versions`).pluck(),
      resetVersions: db.prepare(`DELETE FROM layer_versions WHERE layer_id IN (SELECT id FROM layers WHERE ${SCOPE_SQL})
        RETURNING blob_key, inline_id`),
      resetLayers: db.prepare(`DELETE FROM layers WHERE ${SCOPE_SQL}`),
      raiseCounter: db.prepare(`UPDATE layers SET next_version = MAX(next_version, @version + 1)
        WHERE cloud = @cloud AND account = @account AND region = @region AND name = @name
        RETURNING id, is_public`),
      stats: db.prepare(`SELECT l.cloud, COUNT(DISTINCT l.id) AS layers, COUNT(*) AS versions, SUM(v.size) AS bytes
        FROM layer_versions v JOIN layers l ON l.id = v.layer_id GROUP BY l.cloud ORDER BY l.cloud`),
      getSetting: db.prepare(`SELECT value FROM settings WHERE key = ?`).pluck(),
      putSetting: db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`),
    };
  }

  /**
   * `fn` as one BEGIN IMMEDIATE transaction, made once: better-sqlite3's transaction() wraps its function in new
   * closures, and V8 keeps type feedback per closure, so a transaction made at each call ran unoptimised every time
   * (about 25 µs of CPU per publish on the bench machine). Made at the first call: the fields that hold these are
   * initialised before the constructor sets `db`.
   */
  private immediate<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    let tx: ((...args: A) => R) | undefined;
    return (...args) => (tx ??= this.db.transaction(fn).immediate)(...args);
  }

  /** Takes the next version number and records the version, atomically. */
  readonly insertVersion = this.immediate((
    ref: LayerRef, meta: LayerVersionMeta, content: StoredContent, inline?: Buffer,
  ): LayerVersion => {
    const now = Date.now();
    const claimed = this.stmts.claimVersion.get({ ...ref, now }) as { id: number; version: number; is_public: number };
    return this.recordVersion(ref, claimed, meta, content, now, inline);
  });

  /**
   * Records the version under the number given (a seed; the number must be free), and numbers later versions
   * above it.
   */
  readonly insertVersionAt = this.immediate(
    (ref: LayerRef, version: number, meta: LayerVersionMeta, content: StoredContent, inline?: Buffer): LayerVersion => {
      const now = Date.now();
      this.stmts.upsertLayer.run({ ...ref, now });
      const layer = this.stmts.raiseCounter.get({ ...ref, version }) as { id: number; is_public: number };
      return this.recordVersion(ref, { ...layer, version }, meta, content, now, inline);
    },
  );

  private recordVersion(
    ref: LayerRef, layer: { id: number; version: number; is_public: number }, meta: LayerVersionMeta,
    content: StoredContent, now: number, inline: Buffer | undefined,
  ): LayerVersion {
    const inlineId = inline ? this.inline.put(inline) : null;
    this.stmts.insertVersion.run({
      layerId: layer.id,
      version: layer.version,
      description: meta.description,
      license: meta.license,
      runtimes: meta.compatibleRuntimes === null ? null : JSON.stringify(meta.compatibleRuntimes),
      architectures: meta.compatibleArchitectures === null ? null : JSON.stringify(meta.compatibleArchitectures),
      createdAt: now,
      blobKey: content.blobKey,
      sha256: content.sha256,
      crc64: content.crc64,
      size: content.size,
      inlineId,
    });
    return { ref, version: layer.version, ...meta, createdAt: now, content, isPublic: layer.is_public === 1 };
  }

  /** Removes every layer in scope with its versions, grants and version counter; returns the blobs to remove. */
  readonly reset = this.immediate((scope: ResetScope): { layers: number; versions: number; blobKeys: string[]; inline: number } => {
    const params = { cloud: scope.cloud ?? null, account: scope.account ?? null, region: scope.region ?? null, name: scope.name ?? null };
    const rows = this.stmts.resetVersions.all(params) as { blob_key: string; inline_id: number | null }[];
    const layers = this.stmts.resetLayers.run(params).changes;
    // Inline content goes with its rows; only the rest has blobs to remove.
    const blobKeys: string[] = [];
    for (const row of rows) {
      if (row.inline_id === null) blobKeys.push(row.blob_key);
      else this.inline.delete(row.inline_id);
    }
    return { layers, versions: rows.length, blobKeys, inline: rows.length - blobKeys.length };
  });

  stats(): StoreStats[] {
    const rows = this.stmts.stats.all() as { cloud: Cloud; layers: number; versions: number; bytes: number }[];
    return rows.map((r) => ({ cloud: r.cloud, layers: r.layers, versions: r.versions, storedBytes: r.bytes }));
  }

  getVersion(ref: LayerRef, version: number): LayerVersion | undefined {
    const row = this.stmts.getVersion.get({ ...ref, version }) as VersionRow | undefined;
    return row && toVersion(row);
  }

  /** Versions from `start` (inclusive) on, in the given order. */
  listVersions(
    ref: LayerRef, filter: VersionFilter, order: VersionOrder, start: number | undefined, limit: number,
  ): LayerVersion[] {
    const stmt = order === 'newest-first' ? this.stmts.versionsNewestFirst : this.stmts.versionsOldestFirst;
    const rows = stmt.all({ ...ref, ...filterParams(filter), start: start ?? null, limit });
    return (rows as VersionRow[]).map(toVersion);
  }

  /** Whether the layer has at least one version. */
  layerExists(ref: LayerRef): boolean {
    return this.stmts.layerExists.get(ref) !== undefined;
  }

  /**
   * Layers by name from `start` (inclusive), each with its newest version matching the filter; layers with no
   * such version are skipped.
   */
  listLayers(scope: LayerScope, filter: LayerFilter, start: string | undefined, limit: number): LayerSummary[] {
    const rows = this.stmts.listLayers.all({
      ...scope,
      ...filterParams(filter),
      prefix: filter.namePrefix ?? null,
      publicOnly: filter.publicOnly ? 1 : 0,
      start: start ?? null,
      limit,
    });
    return (rows as VersionRow[]).map((row) => {
      const latest = toVersion(row);
      return { ref: latest.ref, latest };
    });
  }

  /** Every cloud, account and region holding at least one version, in that order. */
  listScopes(): ScopeSummary[] {
    const rows = this.stmts.scopes.all() as { cloud: string; account: string; region: string; layers: number; versions: number }[];
    return rows.map((r) => ({
      scope: { cloud: r.cloud as LayerScope['cloud'], account: r.account, region: r.region },
      layers: r.layers,
      versions: r.versions,
    }));
  }

  /** Removes the version's row (and its grants and inline bytes); returns its content so the blob can be removed. */
  readonly deleteVersion = this.immediate((ref: LayerRef, version: number): StoredContent | undefined => {
    const layer = this.stmts.layerId.get(ref) as { id: number } | undefined;
    if (!layer) return undefined;
    const row = this.stmts.deleteVersion.get({ layerId: layer.id, version }) as
      | { blob_key: string; sha256: Buffer; crc64: string; size: number; inline_id: number | null }
      | undefined;
    if (!row) return undefined;
    const content: StoredContent = { blobKey: row.blob_key, sha256: row.sha256, crc64: row.crc64, size: row.size };
    if (row.inline_id !== null) {
      this.inline.delete(row.inline_id);
      content.inline = true;
    }
    return content;
  });

  /** The bytes of a small layer kept in the database (inline-blobs.ts). */
  inlineContent(blobKey: string): Buffer | undefined {
    return this.inline.get(blobKey);
  }

  /** The version's grants and revision; `revision` is null before the first grant. */
  getPolicy(ref: LayerRef, version: number): { grants: Grant[]; revision: string | null } | undefined {
    const found = this.versionKey(ref, version);
    return found && { grants: this.grantsOf(found.key), revision: found.revision };
  }

  /**
   * Runs `change` on the version's current policy inside one transaction and stores what it returns.
   * `change` throws to refuse (stale revision, duplicate statement…); nothing is written then.
   */
  readonly updatePolicy = this.immediate((
    ref: LayerRef,
    version: number,
    newRevision: string,
    change: (current: { grants: Grant[]; revision: string | null }) => { add?: Grant; removeId?: string },
  ): AccessPolicy | undefined => {
    const found = this.versionKey(ref, version);
    if (!found) return undefined;
    const { key } = found;
    const { add, removeId } = change({ grants: this.grantsOf(key), revision: found.revision });
    if (add) this.stmts.insertGrant.run({ ...key, ...add });
    if (removeId !== undefined) this.stmts.deleteGrant.run({ ...key, statementId: removeId });
    this.stmts.setPolicyRevision.run({ ...key, revision: newRevision });
    return { grants: this.grantsOf(key), revision: newRevision };
  });

  /** Sets the layer's visibility; false when the layer has no version. */
  readonly setPublic = this.immediate((ref: LayerRef, isPublic: boolean): boolean => {
    if (!this.layerExists(ref)) return false;
    this.stmts.setPublic.run({ ...ref, isPublic: isPublic ? 1 : 0 });
    return true;
  });

  allBlobKeys(): Set<string> {
    return new Set(this.stmts.blobKeys.all() as string[]);
  }

  /** Returns the stored setting, storing `initial` first if there was none. */
  setting(key: string, initial: () => string): string {
    this.stmts.putSetting.run(key, initial());
    return this.stmts.getSetting.get(key) as string;
  }

  /** The version's row key and policy revision, if the version exists. */
  private versionKey(
    ref: LayerRef, version: number,
  ): { key: { layerId: number; version: number }; revision: string | null } | undefined {
    const layer = this.stmts.layerId.get(ref) as { id: number } | undefined;
    if (!layer) return undefined;
    const key = { layerId: layer.id, version };
    const row = this.stmts.policyRevision.get(key) as { policy_revision: string | null } | undefined;
    return row && { key, revision: row.policy_revision };
  }

  private grantsOf(key: { layerId: number; version: number }): Grant[] {
    return (this.stmts.grants.all(key) as GrantRow[]).map(toGrant);
  }
}
