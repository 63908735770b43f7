/**
 * The metadata store in PostgreSQL (node-postgres), for several Strata replicas sharing one database. The same
 * operations as the SQLite store, each one statement or one transaction; version numbers are claimed by an
 * `UPDATE … RETURNING` on the layer's row, whose row lock serialises publishes to one layer across replicas.
 */
import pg, { type PoolClient } from 'pg';
import { VersionTaken, type LayerRepository, type PolicyState } from '../../core/ports.js';
import type {
  Grant, LayerRef, LayerScope, LayerVersion, LayerVersionMeta, StoredContent, VersionFilter,
} from '../../core/model.js';
import { MetadataStoreUnavailable } from '../../core/errors.js';
import { migratePostgres } from './migrations.js';

interface VersionRow {
  name: string;
  cloud: LayerRef['cloud'];
  account: string;
  region: string;
  version: number;
  description: string | null;
  license: string | null;
  compatible_runtimes: string[] | null;
  compatible_architectures: string[] | null;
  created_at: number;
  blob_key: string;
  sha256: Buffer;
  crc64: string;
  size: number;
  is_public: boolean;
}

const VERSION_COLUMNS = `l.name, l.cloud, l.account, l.region, v.version, v.description, v.license,
  v.compatible_runtimes, v.compatible_architectures, v.created_at, v.blob_key, v.sha256, v.crc64, v.size, l.is_public`;

const REF_SQL = 'l.cloud = @cloud AND l.account = @account AND l.region = @region AND l.name = @name';

// A version matches a filter value only when it declared it (a version with no runtimes matches no runtime filter).
const FILTER_SQL = `
  AND (@runtime::text IS NULL OR v.compatible_runtimes ? @runtime::text)
  AND (@architecture::text IS NULL OR v.compatible_architectures ? @architecture::text)`;

const SCOPE_SQL = `(@cloud::text IS NULL OR cloud = @cloud) AND (@account::text IS NULL OR account = @account)
  AND (@region::text IS NULL OR region = @region) AND (@name::text IS NULL OR name = @name)`;

const toVersion = (row: VersionRow): LayerVersion => ({
  ref: { cloud: row.cloud, account: row.account, region: row.region, name: row.name },
  version: row.version,
  description: row.description,
  license: row.license,
  compatibleRuntimes: row.compatible_runtimes,
  compatibleArchitectures: row.compatible_architectures,
  createdAt: row.created_at,
  content: { blobKey: row.blob_key, sha256: row.sha256, crc64: row.crc64, size: row.size },
  isPublic: row.is_public,
});

const toGrant = (row: { statement_id: string; action: string; principal: string; organization_id: string | null }): Grant => ({
  statementId: row.statement_id, action: row.action, principal: row.principal, organizationId: row.organization_id,
});

/** `@name` placeholders → `$n`, so the SQL reads like the SQLite store's. */
function named(text: string, params: Record<string, unknown>): { text: string; values: unknown[] } {
  const order: string[] = [];
  const sql = text.replace(/@([a-zA-Z][a-zA-Z0-9]*)/g, (_, key: string) => {
    if (!(key in params)) throw new Error(`no value for @${key}`);
    let at = order.indexOf(key);
    if (at < 0) at = order.push(key) - 1;
    return `$${at + 1}`;
  });
  return { text: sql, values: order.map((k) => params[k]) };
}

type Queryable = pg.Pool | PoolClient;

async function all<T>(on: Queryable, text: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const q = named(text, params);
  try {
    return (await on.query(q.text, q.values)).rows as T[];
  } catch (err) {
    throw unreachable(err) ?? err;
  }
}

/**
 * A failure to reach the server, as a domain error the dialects answer like their cloud's service errors (and
 * health reports); anything PostgreSQL itself answered (a constraint, a syntax error) stays as it is. Class 08 is
 * "connection exception" and 57P01-57P03 the server shutting down or starting (PostgreSQL's errcodes appendix).
 */
function unreachable(err: unknown): MetadataStoreUnavailable | undefined {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  const network = typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|08...|57P0[123])$/.test(code);
  // node-postgres' own words when a connection ends or cannot be had in time (pg-pool, pg/lib/client.js).
  const dropped = code === undefined && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(message);
  return network || dropped ? new MetadataStoreUnavailable(message) : undefined;
}

async function one<T>(on: Queryable, text: string, params: Record<string, unknown> = {}): Promise<T | undefined> {
  return (await all<T>(on, text, params))[0];
}

const refParams = (ref: LayerRef) => ({ cloud: ref.cloud, account: ref.account, region: ref.region, name: ref.name });

/** BIGINT (int8) as a JavaScript number: sizes and times stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export class PostgresLayerRepo implements LayerRepository {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects, and migrates the schema (once, whichever replica gets there first). */
  static async open(url: string): Promise<PostgresLayerRepo> {
    const pool = new pg.Pool({ connectionString: url, max: 10, types, connectionTimeoutMillis: 10_000 });
    // A connection the server drops while idle is an event of the pool, not a crash of the process.
    pool.on('error', () => undefined);
    try {
      await migratePostgres(pool);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresLayerRepo(pool);
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((err: unknown) => {
      throw unreachable(err) ?? err;
    });
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      const down = unreachable(err);
      if (!down) await client.query('ROLLBACK').catch(() => undefined);
      // A connection that failed is not given back to the pool for the next request.
      client.release(down);
      throw down ?? err;
    }
  }

  private async record(
    c: PoolClient, ref: LayerRef, layer: { id: number; version: number; is_public: boolean },
    meta: LayerVersionMeta, content: StoredContent, now: number,
  ): Promise<LayerVersion> {
    await all(c, `INSERT INTO layer_versions (layer_id, version, description, license, compatible_runtimes,
        compatible_architectures, created_at, blob_key, sha256, crc64, size)
      VALUES (@layerId, @version, @description, @license, @runtimes::jsonb, @architectures::jsonb, @now, @blobKey,
        @sha256, @crc64, @size)`, {
      layerId: layer.id, version: layer.version, description: meta.description, license: meta.license,
      runtimes: meta.compatibleRuntimes === null ? null : JSON.stringify(meta.compatibleRuntimes),
      architectures: meta.compatibleArchitectures === null ? null : JSON.stringify(meta.compatibleArchitectures),
      now, blobKey: content.blobKey, sha256: content.sha256, crc64: content.crc64, size: content.size,
    });
    return { ref, version: layer.version, ...meta, createdAt: now, content, isPublic: layer.is_public };
  }

  private async upsertLayer(c: PoolClient, ref: LayerRef, now: number): Promise<void> {
    await all(c, `INSERT INTO layers (cloud, account, region, name, created_at) VALUES (@cloud, @account, @region, @name, @now)
      ON CONFLICT (cloud, account, region, name) DO NOTHING`, { ...refParams(ref), now });
  }

  /**
   * Every layer's bytes live in the blob store: replicas share this database, and each small layer in it would be
   * one more round trip of its bytes to the server at every read.
   */
  readonly inlineContentMax = 0;

  inlineContent: LayerRepository['inlineContent'] = async () => undefined;

  insertVersion: LayerRepository['insertVersion'] = (ref, meta, content, inline) =>
    this.transaction(async (c) => {
      refuseInline(inline);
      const now = Date.now();
      await this.upsertLayer(c, ref, now);
      const layer = (await one<{ id: number; version: number; is_public: boolean }>(c, `UPDATE layers l
        SET next_version = next_version + 1 WHERE ${REF_SQL} RETURNING id, next_version - 1 AS version, is_public`,
      refParams(ref)))!;
      return this.record(c, ref, layer, meta, content, now);
    });

  insertVersionAt: LayerRepository['insertVersionAt'] = async (ref, version, meta, content, inline) => {
    refuseInline(inline);
    try {
      return await this.transaction(async (c) => {
        const now = Date.now();
        await this.upsertLayer(c, ref, now);
        const layer = (await one<{ id: number; is_public: boolean }>(c, `UPDATE layers l
          SET next_version = GREATEST(next_version, @version + 1) WHERE ${REF_SQL} RETURNING id, is_public`,
        { ...refParams(ref), version }))!;
        return this.record(c, ref, { ...layer, version }, meta, content, now);
      });
    } catch (err) {
      // unique_violation: the layer has that number already.
      if ((err as { code?: string }).code === '23505') throw new VersionTaken(ref, version);
      throw err;
    }
  };

  getVersion: LayerRepository['getVersion'] = async (ref, version) => {
    const row = await one<VersionRow>(this.pool, `SELECT ${VERSION_COLUMNS} FROM layer_versions v
      JOIN layers l ON l.id = v.layer_id WHERE ${REF_SQL} AND v.version = @version`, { ...refParams(ref), version });
    return row && toVersion(row);
  };

  listVersions: LayerRepository['listVersions'] = async (ref, filter, order, start, limit) => {
    const newest = order === 'newest-first';
    const rows = await all<VersionRow>(this.pool, `SELECT ${VERSION_COLUMNS} FROM layer_versions v
      JOIN layers l ON l.id = v.layer_id
      WHERE ${REF_SQL} AND (@start::integer IS NULL OR v.version ${newest ? '<=' : '>='} @start) ${FILTER_SQL}
      ORDER BY v.version ${newest ? 'DESC' : 'ASC'} LIMIT @limit`,
    { ...refParams(ref), ...filterParams(filter), start: start ?? null, limit });
    return rows.map(toVersion);
  };

  layerExists: LayerRepository['layerExists'] = async (ref) =>
    (await one(this.pool, `SELECT 1 FROM layer_versions v JOIN layers l ON l.id = v.layer_id WHERE ${REF_SQL} LIMIT 1`,
      refParams(ref))) !== undefined;

  listLayers: LayerRepository['listLayers'] = async (scope, filter, start, limit) => {
    const rows = await all<VersionRow>(this.pool, `SELECT ${VERSION_COLUMNS} FROM layers l
      JOIN layer_versions v ON v.layer_id = l.id AND v.version = (
        SELECT MAX(v.version) FROM layer_versions v WHERE v.layer_id = l.id ${FILTER_SQL})
      WHERE l.cloud = @cloud AND l.account = @account AND l.region = @region
        AND (@start::text IS NULL OR l.name >= @start)
        AND (@prefix::text IS NULL OR left(l.name, length(@prefix)) = @prefix)
        AND (NOT @publicOnly OR l.is_public)
      ORDER BY l.name LIMIT @limit`, {
      cloud: scope.cloud, account: scope.account, region: scope.region, ...filterParams(filter),
      prefix: filter.namePrefix ?? null, publicOnly: filter.publicOnly ?? false, start: start ?? null, limit,
    });
    return rows.map((row) => {
      const latest = toVersion(row);
      return { ref: latest.ref, latest };
    });
  };

  listScopes: LayerRepository['listScopes'] = async () => {
    const rows = await all<{ cloud: LayerScope['cloud']; account: string; region: string; layers: number; versions: number }>(
      this.pool, `SELECT l.cloud, l.account, l.region, COUNT(DISTINCT l.id)::integer AS layers, COUNT(*)::integer AS versions
        FROM layers l JOIN layer_versions v ON v.layer_id = l.id
        GROUP BY l.cloud, l.account, l.region ORDER BY l.cloud, l.account, l.region`);
    return rows.map((r) => ({ scope: { cloud: r.cloud, account: r.account, region: r.region }, layers: r.layers, versions: r.versions }));
  };

  deleteVersion: LayerRepository['deleteVersion'] = async (ref, version) => {
    const row = await one<{ blob_key: string; sha256: Buffer; crc64: string; size: number }>(this.pool,
      `DELETE FROM layer_versions WHERE version = @version AND layer_id = (SELECT id FROM layers l WHERE ${REF_SQL})
        RETURNING blob_key, sha256, crc64, size`, { ...refParams(ref), version });
    return row && { blobKey: row.blob_key, sha256: row.sha256, crc64: row.crc64, size: row.size };
  };

  /** The version's key and policy revision, locked for the transaction with `forUpdate`. */
  private async versionKey(c: Queryable, ref: LayerRef, version: number, forUpdate: boolean) {
    const row = await one<{ layer_id: number; policy_revision: string | null }>(c, `SELECT v.layer_id, v.policy_revision
      FROM layer_versions v JOIN layers l ON l.id = v.layer_id WHERE ${REF_SQL} AND v.version = @version
      ${forUpdate ? 'FOR UPDATE OF v' : ''}`, { ...refParams(ref), version });
    return row && { key: { layerId: row.layer_id, version }, revision: row.policy_revision };
  }

  private async grants(c: Queryable, key: { layerId: number; version: number }): Promise<Grant[]> {
    const rows = await all<Parameters<typeof toGrant>[0]>(c, `SELECT statement_id, action, principal, organization_id
      FROM layer_version_grants WHERE layer_id = @layerId AND version = @version ORDER BY position`, key);
    return rows.map(toGrant);
  }

  getPolicy: LayerRepository['getPolicy'] = async (ref, version): Promise<PolicyState | undefined> => {
    const found = await this.versionKey(this.pool, ref, version, false);
    return found && { grants: await this.grants(this.pool, found.key), revision: found.revision };
  };

  updatePolicy: LayerRepository['updatePolicy'] = (ref, version, newRevision, change) =>
    this.transaction(async (c) => {
      const found = await this.versionKey(c, ref, version, true);
      if (!found) return undefined;
      const { key } = found;
      const { add, removeId } = change({ grants: await this.grants(c, key), revision: found.revision });
      if (add) {
        await all(c, `INSERT INTO layer_version_grants (layer_id, version, position, statement_id, action, principal,
            organization_id)
          VALUES (@layerId, @version, (SELECT COALESCE(MAX(position), 0) + 1 FROM layer_version_grants
            WHERE layer_id = @layerId AND version = @version), @statementId, @action, @principal, @organizationId)`,
        { ...key, statementId: add.statementId, action: add.action, principal: add.principal, organizationId: add.organizationId });
      }
      if (removeId !== undefined) {
        await all(c, `DELETE FROM layer_version_grants WHERE layer_id = @layerId AND version = @version
          AND statement_id = @statementId`, { ...key, statementId: removeId });
      }
      await all(c, 'UPDATE layer_versions SET policy_revision = @revision WHERE layer_id = @layerId AND version = @version',
        { ...key, revision: newRevision });
      return { grants: await this.grants(c, key), revision: newRevision };
    });

  setPublic: LayerRepository['setPublic'] = (ref, isPublic) =>
    this.transaction(async (c) => {
      const exists = await one(c, `SELECT 1 FROM layer_versions v JOIN layers l ON l.id = v.layer_id WHERE ${REF_SQL} LIMIT 1`,
        refParams(ref));
      if (!exists) return false;
      await all(c, `UPDATE layers l SET is_public = @isPublic WHERE ${REF_SQL}`, { ...refParams(ref), isPublic });
      return true;
    });

  allBlobKeys: LayerRepository['allBlobKeys'] = async () =>
    new Set((await all<{ blob_key: string }>(this.pool, 'SELECT blob_key FROM layer_versions')).map((r) => r.blob_key));

  setting: LayerRepository['setting'] = async (key, initial) => {
    await all(this.pool, 'INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING',
      { key, value: initial() });
    return (await one<{ value: string }>(this.pool, 'SELECT value FROM settings WHERE key = @key', { key }))!.value;
  };

  reset: LayerRepository['reset'] = (scope) =>
    this.transaction(async (c) => {
      const params = { cloud: scope.cloud ?? null, account: scope.account ?? null, region: scope.region ?? null, name: scope.name ?? null };
      const keys = await all<{ blob_key: string }>(c, `DELETE FROM layer_versions WHERE layer_id IN (SELECT id FROM layers
        WHERE ${SCOPE_SQL}) RETURNING blob_key`, params);
      const q = named(`DELETE FROM layers WHERE ${SCOPE_SQL}`, params);
      const layers = (await c.query(q.text, q.values)).rowCount ?? 0;
      return { layers, versions: keys.length, blobKeys: keys.map((k) => k.blob_key) };
    });

  stats: LayerRepository['stats'] = async () => {
    const rows = await all<{ cloud: LayerRef['cloud']; layers: number; versions: number; bytes: number }>(this.pool,
      `SELECT l.cloud, COUNT(DISTINCT l.id)::integer AS layers, COUNT(*)::integer AS versions, SUM(v.size)::bigint AS bytes
        FROM layer_versions v JOIN layers l ON l.id = v.layer_id GROUP BY l.cloud ORDER BY l.cloud`);
    return rows.map((r) => ({ cloud: r.cloud, layers: r.layers, versions: r.versions, storedBytes: r.bytes }));
  };

  health: LayerRepository['health'] = async () => {
    try {
      await this.pool.query('SELECT 1');
      return { reachable: true };
    } catch (err) {
      return { reachable: false, error: (err as Error).message };
    }
  };

  close: LayerRepository['close'] = () => this.pool.end();
}

function filterParams(filter: VersionFilter) {
  return { runtime: filter.runtime ?? null, architecture: filter.architecture ?? null };
}

function refuseInline(inline: Buffer | undefined): void {
  if (inline) throw new Error('the PostgreSQL store keeps no inline content (inlineContentMax is 0)');
}
