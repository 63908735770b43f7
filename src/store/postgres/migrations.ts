/**
 * The PostgreSQL schema: the same tables and rules as the SQLite one (src/store/sqlite/migrations.ts), in
 * PostgreSQL's types. Applied in order under an advisory lock, so replicas starting together migrate once; the
 * table strata_schema records how many have run. Never edit a shipped migration: append a new one.
 */
import type { Pool } from 'pg';

export const PG_MIGRATIONS: readonly string[] = [
  /* 1: layers, versions, grants, settings */ `
  CREATE TABLE layers (
    id           BIGSERIAL PRIMARY KEY,
    cloud        TEXT    NOT NULL,
    account      TEXT    NOT NULL,
    region       TEXT    NOT NULL,
    -- Byte order, as SQLite compares: list pages are ordered and cut by name.
    name         TEXT    COLLATE "C" NOT NULL,
    -- The next number to hand out, bumped in the transaction that inserts the version (its row lock serialises
    -- publishes to one layer across replicas) and never lowered: numbers are not reused after deletes.
    next_version INTEGER NOT NULL DEFAULT 1,
    is_public    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT  NOT NULL,
    UNIQUE (cloud, account, region, name)
  );

  CREATE TABLE layer_versions (
    layer_id                 BIGINT  NOT NULL REFERENCES layers (id),
    version                  INTEGER NOT NULL,
    description              TEXT,
    license                  TEXT,
    compatible_runtimes      JSONB,
    compatible_architectures JSONB,
    created_at               BIGINT  NOT NULL,
    blob_key                 TEXT    NOT NULL UNIQUE,
    sha256                   BYTEA   NOT NULL,
    crc64                    TEXT    NOT NULL,
    size                     BIGINT  NOT NULL,
    policy_revision          TEXT,
    PRIMARY KEY (layer_id, version)
  );

  CREATE TABLE layer_version_grants (
    layer_id        BIGINT  NOT NULL,
    version         INTEGER NOT NULL,
    position        INTEGER NOT NULL,
    statement_id    TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    principal       TEXT    NOT NULL,
    organization_id TEXT,
    PRIMARY KEY (layer_id, version, statement_id),
    FOREIGN KEY (layer_id, version) REFERENCES layer_versions (layer_id, version) ON DELETE CASCADE
  );

  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
];

/** Any constant: the advisory lock Strata's migrations take. */
const MIGRATION_LOCK = 7_270_101;

export async function migratePostgres(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS strata_schema (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM strata_schema');
    if (rows.length === 0) await client.query('INSERT INTO strata_schema (version) VALUES (0)');
    const current = rows[0]?.version ?? 0;
    if (current > PG_MIGRATIONS.length) {
      throw new Error(`database schema version ${current} is newer than this Strata (${PG_MIGRATIONS.length})`);
    }
    for (let i = current; i < PG_MIGRATIONS.length; i++) {
      await client.query('BEGIN');
      try {
        await client.query(PG_MIGRATIONS[i]!);
        await client.query('UPDATE strata_schema SET version = $1', [i + 1]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
