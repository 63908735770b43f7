/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run.
 * Never edit a shipped migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  /* 1: layers, versions, grants, settings */ `
  CREATE TABLE layers (
    id           INTEGER PRIMARY KEY,
    cloud        TEXT    NOT NULL,
    account      TEXT    NOT NULL,
    region       TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    -- The next number to hand out. Bumped in the transaction that inserts the version and never lowered,
    -- so numbers are not reused after deletes (AWS: "the counter still increases", docs/specs/aws-lambda-layers.md §2).
    next_version INTEGER NOT NULL DEFAULT 1,
    -- Visible to every account (FC's layer ACL, which covers all of a layer's versions).
    is_public    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    UNIQUE (cloud, account, region, name)
  );

  CREATE TABLE layer_versions (
    layer_id                 INTEGER NOT NULL REFERENCES layers (id),
    version                  INTEGER NOT NULL,
    description              TEXT,   -- NULL when not given (AWS lists echo null, reads echo "")
    license                  TEXT,
    compatible_runtimes      TEXT,   -- JSON array, or NULL when not given
    compatible_architectures TEXT,   -- JSON array, or NULL when not given
    created_at               INTEGER NOT NULL,
    blob_key                 TEXT    NOT NULL UNIQUE,
    sha256                   BLOB    NOT NULL,
    crc64                    TEXT    NOT NULL,
    size                     INTEGER NOT NULL,
    policy_revision          TEXT,   -- NULL until the first grant
    PRIMARY KEY (layer_id, version)
  ) WITHOUT ROWID;

  CREATE TABLE layer_version_grants (
    layer_id        INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    position        INTEGER NOT NULL,
    statement_id    TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    principal       TEXT    NOT NULL,
    organization_id TEXT,
    PRIMARY KEY (layer_id, version, statement_id),
    FOREIGN KEY (layer_id, version) REFERENCES layer_versions (layer_id, version) ON DELETE CASCADE
  ) WITHOUT ROWID;

  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  /* 2: what the filesystem bucket store knows of the objects it wrote */ `
  CREATE TABLE bucket_objects (
    bucket       TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    -- The file's size and modification time when this row was written: a file changed behind Strata's back
    -- (buckets are plain directories users may write to) no longer matches, and its digests are recomputed.
    size         INTEGER NOT NULL,
    modified_ms  INTEGER NOT NULL,
    md5          TEXT    NOT NULL,
    crc64        TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    metadata     TEXT    NOT NULL,   -- JSON object of user metadata
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
  `,
  /* 3: small layers kept beside their versions (inline-blobs.ts), removed with them */ `
  -- WITHOUT ROWID: one B-tree, so a publish writes one page of it rather than a table page and an index page.
  CREATE TABLE inline_blobs (
    blob_key TEXT PRIMARY KEY,   -- the version's blob_key
    bytes    BLOB NOT NULL
  ) WITHOUT ROWID;
  `,
  /* 4: small layers in a table of their own rows, found from their version (inline-blobs.ts) */ `
  -- inline_blobs (3) was keyed by the random blob key, in a WITHOUT ROWID B-tree: each publish inserted at a random
  -- leaf, and a row of more than about 1,000 bytes (an index B-tree's largest local payload on 4 KiB pages) put
  -- the rest in an overflow page of its own: 4.7 pages written to the WAL per 1.1 KB zip. Here a new row goes to
  -- the end of the table's B-tree, within its leaf (a table B-tree keeps up to 4,061 bytes of a row locally):
  -- 1.7 pages (sqlite.org/fileformat2.html, "B-tree Pages").
  CREATE TABLE inline_content (
    id    INTEGER PRIMARY KEY,
    bytes BLOB NOT NULL
  );
  ALTER TABLE layer_versions ADD COLUMN inline_id INTEGER;   -- NULL: the zip is in the blob store
  UPDATE layer_versions SET inline_id = m.id
    FROM (SELECT ROW_NUMBER() OVER (ORDER BY blob_key) AS id, blob_key FROM inline_blobs) AS m
    WHERE m.blob_key = layer_versions.blob_key;
  INSERT INTO inline_content (id, bytes)
    SELECT v.inline_id, b.bytes FROM inline_blobs b JOIN layer_versions v ON v.blob_key = b.blob_key;
  DROP TABLE inline_blobs;
  `,
];
