import type { LayerRepository } from '../../core/ports.js';
import { VersionTaken } from '../../core/ports.js';
import type { Db } from './db.js';
import { GroupCommit } from './group-commit.js';
import { INLINE_MAX } from './inline-blobs.js';
import { SqliteLayerStore } from './layer-repo.js';

/**
 * The embedded metadata store behind the core's port: SQLite calls are synchronous and each is one statement or
 * one transaction, so every method here is that call, answered as a promise.
 */
export class SqliteLayerRepo implements LayerRepository {
  private readonly store: SqliteLayerStore;
  private readonly group: GroupCommit | undefined;

  /** `groupCommits`: publishes that arrive together share one commit (group-commit.ts; for a syncing database). */
  constructor(private readonly db: Db, opts: { inlineContent: boolean; groupCommits?: boolean } = { inlineContent: true }) {
    this.store = new SqliteLayerStore(db);
    this.inlineContentMax = opts.inlineContent ? INLINE_MAX : 0;
    this.group = opts.groupCommits ? new GroupCommit(db) : undefined;
  }

  /**
   * `inlineContent`: keep zips of up to INLINE_MAX bytes in the database (the filesystem backend's small blobs); off,
   * every zip goes to the blob store (MinIO users keep every zip in their bucket). Zips kept inline stay readable
   * either way.
   */
  readonly inlineContentMax: number;

  insertVersion: LayerRepository['insertVersion'] = async (ref, meta, content, inline) =>
    this.group
      ? this.group.run(() => this.store.insertVersion(ref, meta, content, inline))
      : this.store.insertVersion(ref, meta, content, inline);

  insertVersionAt: LayerRepository['insertVersionAt'] = async (ref, version, meta, content, inline) => {
    try {
      return this.store.insertVersionAt(ref, version, meta, content, inline);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new VersionTaken(ref, version);
      throw err;
    }
  };

  inlineContent: LayerRepository['inlineContent'] = async (blobKey) => this.store.inlineContent(blobKey);
  getVersion: LayerRepository['getVersion'] = async (ref, version) => this.store.getVersion(ref, version);
  listVersions: LayerRepository['listVersions'] = async (ref, filter, order, start, limit) =>
    this.store.listVersions(ref, filter, order, start, limit);
  layerExists: LayerRepository['layerExists'] = async (ref) => this.store.layerExists(ref);
  listLayers: LayerRepository['listLayers'] = async (scope, filter, start, limit) => this.store.listLayers(scope, filter, start, limit);
  listScopes: LayerRepository['listScopes'] = async () => this.store.listScopes();
  deleteVersion: LayerRepository['deleteVersion'] = async (ref, version) => this.store.deleteVersion(ref, version);
  getPolicy: LayerRepository['getPolicy'] = async (ref, version) => this.store.getPolicy(ref, version);
  updatePolicy: LayerRepository['updatePolicy'] = async (ref, version, revision, change) =>
    this.store.updatePolicy(ref, version, revision, change);
  setPublic: LayerRepository['setPublic'] = async (ref, isPublic) => this.store.setPublic(ref, isPublic);
  allBlobKeys: LayerRepository['allBlobKeys'] = async () => this.store.allBlobKeys();
  setting: LayerRepository['setting'] = async (key, initial) => this.store.setting(key, initial);
  reset: LayerRepository['reset'] = async (scope) => this.store.reset(scope);
  stats: LayerRepository['stats'] = async () => this.store.stats();
  health: LayerRepository['health'] = async () => ({ reachable: true });
  close: LayerRepository['close'] = async () => {
    if (this.db.open) this.db.close();
  };
}
