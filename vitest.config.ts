import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Five projects: unit tests once; every integration test on each blob backend (the filesystem default and MinIO);
 * once more with signature verification on (`verify`); and once more as a team runs Strata (`postgres`: metadata
 * in PostgreSQL, blobs in MinIO, with the replica tests of test/integration/team/). The MinIO server binary comes
 * from scripts/minio.sh and the PostgreSQL programs from scripts/postgres.sh (run by `npm test`'s set-up), which
 * record their paths in .cache/. Without them, CI fails; a developer is told which tests did not run.
 */
const minioBin = existsSync('.cache/minio-bin') ? readFileSync('.cache/minio-bin', 'utf8').trim() : '';
const haveMinio = minioBin !== '' && existsSync(minioBin);
// For test/helpers/minio-server.ts, which runs in this process (project `env` reaches only the test workers).
if (haveMinio) process.env.STRATA_TEST_MINIO_BIN = minioBin;
if (!haveMinio) {
  const why = 'no MinIO server binary (run scripts/minio.sh; it needs Go)';
  if (process.env.CI) throw new Error(`the MinIO backend tests cannot run: ${why}`);
  console.warn(`\n*** The integration tests on the MinIO backend (project "minio") will NOT run: ${why}. ***\n`);
}

const postgresBin = existsSync('.cache/postgres-bin') ? readFileSync('.cache/postgres-bin', 'utf8').trim() : '';
const havePostgres = postgresBin !== '' && existsSync(postgresBin) && haveMinio;
if (havePostgres) process.env.STRATA_TEST_POSTGRES_BIN = postgresBin;
if (!havePostgres) {
  const why = haveMinio ? 'no PostgreSQL server programs (run scripts/postgres.sh)' : 'no MinIO server binary';
  if (process.env.CI) throw new Error(`the PostgreSQL metadata tests cannot run: ${why}`);
  console.warn(`\n*** The integration tests on PostgreSQL metadata (project "postgres") will NOT run: ${why}. ***\n`);
}

const integration = ['test/integration/**/*.test.ts'];
/** The replica tests need PostgreSQL and MinIO: the `postgres` project only. */
const team = 'test/integration/team/**';

// The AWS SDK warns, once per process, that its releases after January 2027 will need Node 22. Silenced here, for
// the test run only (its own documented switch), so that it does not repeat in every test file on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Strata servers the tests start as processes check every response against its documented schema.
process.env.STRATA_CHECK_RESPONSES = 'on';

export default defineConfig({
  test: {
    // Integration tests start real servers and spool real files: separate processes, generous time.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts'] } },
      { extends: true, test: { name: 'fs', include: integration, exclude: [team], env: { STRATA_TEST_BACKEND: 'fs' } } },
      // Every integration test again with signatures verified (test/helpers/auth.ts), on the filesystem backend: the
      // clients sign with secrets Strata knows, and what differs with verification on is asserted as such.
      {
        extends: true,
        test: {
          name: 'verify',
          include: integration,
          // The signature tests turn verification on themselves, and run in `fs`.
          exclude: ['test/integration/auth/**', team],
          env: { STRATA_TEST_BACKEND: 'fs', STRATA_TEST_AUTH: 'verify' },
        },
      },
      ...(haveMinio
        ? [
            {
              extends: true as const,
              test: {
                name: 'minio',
                include: integration,
                // The README's examples, the Java/Go SDK runs and the local runtimes are about clients, not storage:
                // once is enough, and so are the console's browser tests, which are about the page. one-backend/
                // holds tests that choose their own backend (fs symlinks, an unreachable MinIO); auth/ tests are
                // about signatures.
                exclude: [
                  'test/integration/readme-examples.test.ts', 'test/integration/clients/**', 'test/integration/runtimes/**',
                  'test/integration/one-backend/**', 'test/integration/console/browser.test.ts', 'test/integration/auth/**', team,
                ],
                env: { STRATA_TEST_BACKEND: 'minio' },
                globalSetup: ['test/helpers/minio-server.ts'],
              },
            },
          ]
        : []),
      ...(havePostgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: integration,
                // What is about clients, the page, signatures or one chosen backend ran in the other projects.
                exclude: [
                  'test/integration/readme-examples.test.ts', 'test/integration/clients/**', 'test/integration/runtimes/**',
                  'test/integration/one-backend/**',
                  'test/integration/console/browser.test.ts', 'test/integration/auth/**',
                ],
                env: { STRATA_TEST_BACKEND: 'minio', STRATA_TEST_METADATA: 'postgres' },
                globalSetup: ['test/helpers/minio-server.ts', 'test/helpers/postgres-server.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
