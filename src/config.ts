import { existsSync } from 'node:fs';
import { z } from 'zod';
import { CredentialsError, parseCredentialList, type Credential } from './auth/credentials.js';

/**
 * Configuration, parsed once from the environment and command-line flags.
 * A flag `--data-dir x` (or `--data-dir=x`) is the same as STRATA_DATA_DIR=x; flags win over the environment.
 */
const ConfigSchema = z.object({
  STRATA_HOST: z.string().min(1).default('127.0.0.1').describe('Address to listen on; 0.0.0.0 to serve other machines or containers'),
  STRATA_PORT: z.coerce.number().int().min(0).max(65535).default(4588).describe('Port to listen on (0: any free port)'),
  STRATA_DATA_DIR: z.string().min(1).default('./.strata').describe('Where the SQLite file and the blobs live; one Strata at a time'),
  // What an acknowledged publish survives (README "Durability"): process: kill -9 and a restart (the kernel holds the
  // written pages); power: also a power cut or an operating-system crash (fsync of each file and directory, SQLite
  // synchronous = FULL).
  STRATA_DURABILITY: z
    .enum(['process', 'power'], { error: (issue) => `must be process or power, not '${String(issue.input)}'` })
    .default('process')
    .describe('What an acknowledged publish survives: process (kill -9, restart) or power (also a power cut)'),
  STRATA_PUBLIC_URL: z.string().url().optional().describe('Base URL of download links (default: the host each request came to)'),
  STRATA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('fatal, error, warn, info, debug, trace or silent'),
  STRATA_LOG_FORMAT: z.enum(['text', 'json']).default('text').describe('text: one readable line per request; json: one JSON object per line'),
  // A developer's check (the test suite turns it on): responses are built in their wire shape and sent as they are.
  STRATA_CHECK_RESPONSES: z.enum(['on', 'off']).default('off').describe('on: check every response against its documented schema'),
  STRATA_SEED: z.string().min(1).optional().describe('A seed manifest (JSON) of layer versions to create at start'),
  STRATA_AWS_ACCOUNT_ID: z.string().regex(/^\d{12}$/, 'must be 12 digits').default('000000000000').describe('AWS account of callers that do not name one'),
  STRATA_AWS_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must look like us-east-1').default('us-east-1').describe('AWS region of callers whose request is not signed'),
  STRATA_LINK_TTL_SECONDS: z.coerce.number().int().min(1).default(600).describe('How long a download link stays valid'),
  // Unset (or `sqlite:`): the SQLite file in the data directory; postgres://… or postgresql://…: a PostgreSQL
  // database that several replicas can share (README "A shared Strata for a team").
  STRATA_METADATA_URL: z
    .string()
    .refine((u) => /^(sqlite:$|postgres(ql)?:\/\/)/.test(u), 'must be sqlite: or a postgres:// URL')
    .optional()
    .describe('Where metadata lives: unset or sqlite: (the data directory), or postgres://user:pass@host/db'),
  STRATA_BLOB_BACKEND: z.enum(['fs', 'minio']).default('fs').describe('Where layer zips live: fs (under the data directory) or minio'),
  // http:// or https:// (TLS on) URL of MinIO or any S3-compatible store.
  STRATA_MINIO_ENDPOINT: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL').default('http://127.0.0.1:9000').describe('MinIO, or any S3-compatible store; https:// turns TLS on'),
  STRATA_MINIO_ACCESS_KEY: z.string().min(1).default('minioadmin').describe('MinIO access key'),
  STRATA_MINIO_SECRET_KEY: z.string().min(1).default('minioadmin').describe('MinIO secret key'),
  STRATA_MINIO_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name').default('strata-layers').describe('The bucket Strata keeps layer zips in; created at start'),
  STRATA_MINIO_REGION: z.string().min(1).default('us-east-1').describe('The region Strata signs its MinIO requests for'),
  // AWS limits (docs/specs/aws-lambda-layers.md §5); configurable so tests and users can exercise them cheaply.
  STRATA_AWS_MAX_REQUEST_BYTES: z.coerce.number().int().min(1).default(70_167_211).describe('PublishLayerVersion request body limit'),
  STRATA_AWS_MAX_ZIPPED_BYTES: z.coerce.number().int().min(1).default(52_428_800).describe('Largest zip accepted inline by AWS'),
  STRATA_AWS_MAX_UNZIPPED_BYTES: z.coerce.number().int().min(1).default(262_144_000).describe('AWS: a zip whose contents reach this size is refused'),
  STRATA_FC_ACCOUNT_ID: z.string().regex(/^\d{1,32}$/, 'must be digits').default('1234567890123456').describe('FC account of callers whose access key is not listed'),
  STRATA_FC_REGION: z.string().regex(/^[a-z]{2}(-[a-z0-9]+)+$/, 'must look like cn-hangzhou').default('cn-hangzhou').describe('The FC region, used in ARNs'),
  // "AK1=account1,AK2=account2": the account each access key id belongs to.
  STRATA_FC_ACCESS_KEYS: z
    .string()
    .regex(/^\s*([^=,\s]+=\d+\s*(,\s*|$))*$/, 'must be ACCESS_KEY_ID=ACCOUNT_ID pairs separated by commas')
    .default('').describe('AK1=111,AK2=222: the FC account each access key id belongs to'),
  // Connection limits (README "Configuration"); seconds may be fractions. Body limits after Apache's mod_reqtimeout.
  STRATA_HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().default(20).describe('A request\'s headers must arrive within this time (else 408)'),
  STRATA_BODY_TIMEOUT_SECONDS: z.coerce.number().positive().default(20).describe('A request body may pause at most this long'),
  STRATA_MIN_BODY_RATE: z.coerce.number().positive().default(500).describe('Bytes per second a body must average after its first pause allowance'),
  STRATA_KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().positive().default(72).describe('An idle keep-alive connection is closed after this long'),
  STRATA_IDLE_TIMEOUT_SECONDS: z.coerce.number().positive().default(120).describe('A connection on which nothing moves for this long is closed'),
  // docs/specs/fc-layers.md §2.3: 500 MB per layer package.
  STRATA_FC_MAX_CODE_BYTES: z.coerce.number().int().min(1).default(524_288_000).describe('Largest FC layer package'),
  // Not an FC limit: Strata's own guard against zip bombs while it checks a package.
  STRATA_FC_MAX_UNZIPPED_BYTES: z.coerce.number().int().min(1).default(1_073_741_824).describe('Strata\'s zip-bomb guard for FC packages'),
  // How long credentials of the temporary upload bucket last: STS's default, 3600 seconds ("STS token的有效期为
  // 900秒~3600秒,默认值为3600秒", alibabacloud.com/help/ja/resource-access-management/latest/faq-about-ram-roles-and-sts-tokens).
  STRATA_FC_TEMP_CREDENTIAL_TTL_SECONDS: z.coerce.number().int().min(1).default(3600).describe('How long GetTempBucketToken credentials last'),
  // How long an object of the temporary upload bucket lasts. FC publishes no figure; one day is the shortest
  // lifetime an OSS lifecycle rule can give (help.aliyun.com/document_detail/31863.html), see README.
  STRATA_FC_TEMP_OBJECT_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400).describe('How long an object of the temporary upload bucket lasts'),
  // OSS's PutObject limit: 5 GB.
  STRATA_OSS_MAX_OBJECT_BYTES: z.coerce.number().int().min(0).default(5_368_709_120).describe('Largest object the OSS endpoint takes'),
  // Host names under which `<bucket>.<name>` addresses a bucket (virtual-hosted style), besides oss-*.aliyuncs.com.
  STRATA_OSS_DOMAINS: z
    .string()
    .regex(/^\s*([a-z0-9.-]+\s*(,\s*|$))*$/, 'must be host names separated by commas')
    .default('localhost')
    .describe('Host names whose subdomains name OSS buckets (virtual-hosted style)'),
  // Signatures (README "Signatures and access"): off accepts every request as today; verify checks them.
  STRATA_AUTH: z.enum(['off', 'verify']).default('off').describe('Off: accept every request; verify: check signatures and access'),
  // `cloud:accessKeyId:secret:account[:sessionToken]` entries, comma-separated; parsed below.
  STRATA_CREDENTIALS: z.string().default('').describe('Keys for verify: cloud:accessKeyId:secret:account[:sessionToken],…'),
  STRATA_CREDENTIALS_FILE: z.string().min(1).optional().describe('A file of such keys, one a line, re-read when it changes'),
  // Both clouds allow 15 minutes between a request's time and the server's (docs/specs/fc-layers.md §4; AWS:
  // "Signature expired: … (… - 15 min.)" from STS and scratchstack-aws-signature's tests of AWS's texts).
  STRATA_AUTH_MAX_SKEW_SECONDS: z.coerce.number().int().min(1).default(900).describe('How far a signed request\'s time may be from the clock'),
  // "111122223333=o-a1b2c3d4e5,…": the AWS organization of each account, for OrganizationId grants.
  STRATA_AWS_ORGANIZATIONS: z
    .string()
    .regex(/^\s*(\d{12}=o-[a-z0-9]{10,32}\s*(,\s*|$))*$/, 'must be ACCOUNT_ID=o-ORGANIZATION pairs separated by commas')
    .default('')
    .describe('The AWS organization of each account: ACCOUNT=o-ORG,…'),
  // A bearer token for Strata's own administrative routes; unset leaves them open.
  STRATA_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe('Bearer token the /_strata admin routes require (unset: open)'),
});

export type ConfigEnv = z.infer<typeof ConfigSchema>;

/** What an acknowledged write survives: the end of the Strata process, or also the machine's (a power cut). */
export type Durability = ConfigEnv['STRATA_DURABILITY'];

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** power: files, directories and SQLite commits are synced to the disk before a write is acknowledged. */
  durability: Durability;
  /** Base URL of download links; when unset they follow the Host each request came to. */
  publicUrl: string | undefined;
  logLevel: ConfigEnv['STRATA_LOG_LEVEL'];
  logFormat: 'text' | 'json';
  /** A seed manifest to apply at start (core/seed.ts). */
  seed: string | undefined;
  linkTtlSeconds: number;
  /** Check each response against its route's schema before it is sent (routes/response-serializer.ts). */
  checkResponses: boolean;
  /** Time limits on connections: see README "Configuration". */
  http: {
    headersTimeoutSeconds: number;
    bodyTimeoutSeconds: number;
    minBodyBytesPerSecond: number;
    keepAliveTimeoutSeconds: number;
    idleTimeoutSeconds: number;
  };
  /** A PostgreSQL URL, or undefined for the SQLite file in the data directory. */
  metadataUrl: string | undefined;
  blobBackend: 'fs' | 'minio';
  /** Set when blobBackend is minio. */
  minio:
    | { endpoint: string; accessKey: string; secretKey: string; bucket: string; region: string }
    | undefined;
  aws: {
    accountId: string;
    region: string;
    maxRequestBytes: number;
    maxZippedBytes: number;
    maxUnzippedBytes: number;
  };
  fc: {
    accountId: string;
    region: string;
    /** Access key id → account id. */
    accessKeys: ReadonlyMap<string, string>;
    maxCodeBytes: number;
    maxUnzippedBytes: number;
    tempCredentialTtlSeconds: number;
    tempObjectTtlSeconds: number;
  };
  oss: {
    maxObjectBytes: number;
    /** Lower-case host names whose subdomains name buckets. */
    domains: string[];
  };
  auth: {
    mode: 'off' | 'verify';
    /** STRATA_CREDENTIALS, parsed. */
    credentials: Credential[];
    credentialsFile: string | undefined;
    maxSkewSeconds: number;
    /** AWS account id → organization id. */
    awsOrganizations: ReadonlyMap<string, string>;
    adminToken: string | undefined;
  };
}

export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as (keyof ConfigEnv)[];

export class ConfigError extends Error {}

/** `--data-dir=x` / `--data-dir x` → { STRATA_DATA_DIR: 'x' }. */
export function flagsToEnv(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new ConfigError(`unexpected argument '${arg}'`);
    const key = `STRATA_${m[1]!.replace(/-/g, '_').toUpperCase()}`;
    if (!(CONFIG_KEYS as string[]).includes(key)) throw new ConfigError(`unknown flag '--${m[1]}'`);
    let value = m[2];
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new ConfigError(`flag '--${m[1]}' needs a value`);
    }
    out[key] = value;
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = []): Config {
  const merged: Record<string, string | undefined> = {};
  for (const key of CONFIG_KEYS) if (env[key] !== undefined && env[key] !== '') merged[key] = env[key];
  Object.assign(merged, flagsToEnv(argv));
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const c = parsed.data;
  let credentials: Credential[];
  try {
    credentials = parseCredentialList(c.STRATA_CREDENTIALS);
  } catch (err) {
    if (err instanceof CredentialsError) throw new ConfigError(`invalid configuration:\n  ${err.message}`);
    throw err;
  }
  if (c.STRATA_CREDENTIALS_FILE !== undefined && !existsSync(c.STRATA_CREDENTIALS_FILE)) {
    throw new ConfigError(`invalid configuration:\n  STRATA_CREDENTIALS_FILE: ${c.STRATA_CREDENTIALS_FILE} does not exist`);
  }
  if (c.STRATA_AUTH === 'verify' && credentials.length === 0 && c.STRATA_CREDENTIALS_FILE === undefined) {
    throw new ConfigError(
      'invalid configuration:\n  STRATA_AUTH=verify needs keys: set STRATA_CREDENTIALS or STRATA_CREDENTIALS_FILE',
    );
  }
  return {
    host: c.STRATA_HOST,
    port: c.STRATA_PORT,
    dataDir: c.STRATA_DATA_DIR,
    durability: c.STRATA_DURABILITY,
    publicUrl: c.STRATA_PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: c.STRATA_LOG_LEVEL,
    logFormat: c.STRATA_LOG_FORMAT,
    seed: c.STRATA_SEED,
    linkTtlSeconds: c.STRATA_LINK_TTL_SECONDS,
    checkResponses: c.STRATA_CHECK_RESPONSES === 'on',
    http: {
      headersTimeoutSeconds: c.STRATA_HEADERS_TIMEOUT_SECONDS,
      bodyTimeoutSeconds: c.STRATA_BODY_TIMEOUT_SECONDS,
      minBodyBytesPerSecond: c.STRATA_MIN_BODY_RATE,
      keepAliveTimeoutSeconds: c.STRATA_KEEP_ALIVE_TIMEOUT_SECONDS,
      idleTimeoutSeconds: c.STRATA_IDLE_TIMEOUT_SECONDS,
    },
    metadataUrl: c.STRATA_METADATA_URL === undefined || c.STRATA_METADATA_URL === 'sqlite:' ? undefined : c.STRATA_METADATA_URL,
    blobBackend: c.STRATA_BLOB_BACKEND,
    minio:
      c.STRATA_BLOB_BACKEND === 'minio'
        ? {
            endpoint: c.STRATA_MINIO_ENDPOINT.replace(/\/+$/, ''),
            accessKey: c.STRATA_MINIO_ACCESS_KEY,
            secretKey: c.STRATA_MINIO_SECRET_KEY,
            bucket: c.STRATA_MINIO_BUCKET,
            region: c.STRATA_MINIO_REGION,
          }
        : undefined,
    aws: {
      accountId: c.STRATA_AWS_ACCOUNT_ID,
      region: c.STRATA_AWS_REGION,
      maxRequestBytes: c.STRATA_AWS_MAX_REQUEST_BYTES,
      maxZippedBytes: c.STRATA_AWS_MAX_ZIPPED_BYTES,
      maxUnzippedBytes: c.STRATA_AWS_MAX_UNZIPPED_BYTES,
    },
    fc: {
      accountId: c.STRATA_FC_ACCOUNT_ID,
      region: c.STRATA_FC_REGION,
      accessKeys: parsePairs(c.STRATA_FC_ACCESS_KEYS),
      maxCodeBytes: c.STRATA_FC_MAX_CODE_BYTES,
      maxUnzippedBytes: c.STRATA_FC_MAX_UNZIPPED_BYTES,
      tempCredentialTtlSeconds: c.STRATA_FC_TEMP_CREDENTIAL_TTL_SECONDS,
      tempObjectTtlSeconds: c.STRATA_FC_TEMP_OBJECT_TTL_SECONDS,
    },
    oss: {
      maxObjectBytes: c.STRATA_OSS_MAX_OBJECT_BYTES,
      domains: c.STRATA_OSS_DOMAINS.split(',').map((d) => d.trim().toLowerCase()).filter((d) => d !== ''),
    },
    auth: {
      mode: c.STRATA_AUTH,
      credentials,
      credentialsFile: c.STRATA_CREDENTIALS_FILE,
      maxSkewSeconds: c.STRATA_AUTH_MAX_SKEW_SECONDS,
      awsOrganizations: parsePairs(c.STRATA_AWS_ORGANIZATIONS),
      adminToken: c.STRATA_ADMIN_TOKEN,
    },
  };
}

function parsePairs(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of text.split(',')) {
    const [key, account] = pair.split('=').map((s) => s.trim());
    if (key && account) map.set(key, account);
  }
  return map;
}

/** The settings as name=value lines, for the start-up banner. */
export function describeConfig(config: Config): string[] {
  return [
    `STRATA_HOST=${config.host}`,
    `STRATA_PORT=${config.port}`,
    `STRATA_DATA_DIR=${config.dataDir}`,
    `STRATA_DURABILITY=${config.durability}`,
    `STRATA_PUBLIC_URL=${config.publicUrl ?? "(download links follow each request's Host)"}`,
    `STRATA_LOG_LEVEL=${config.logLevel}`,
    `STRATA_LOG_FORMAT=${config.logFormat}`,
    `STRATA_SEED=${config.seed ?? '(none)'}`,
    `STRATA_LINK_TTL_SECONDS=${config.linkTtlSeconds}`,
    `STRATA_CHECK_RESPONSES=${config.checkResponses ? 'on' : 'off'}`,
    `STRATA_HEADERS_TIMEOUT_SECONDS=${config.http.headersTimeoutSeconds}`,
    `STRATA_BODY_TIMEOUT_SECONDS=${config.http.bodyTimeoutSeconds}`,
    `STRATA_MIN_BODY_RATE=${config.http.minBodyBytesPerSecond}`,
    `STRATA_KEEP_ALIVE_TIMEOUT_SECONDS=${config.http.keepAliveTimeoutSeconds}`,
    `STRATA_IDLE_TIMEOUT_SECONDS=${config.http.idleTimeoutSeconds}`,
    `STRATA_METADATA_URL=${config.metadataUrl ? redactUrl(config.metadataUrl) : '(the SQLite file in the data directory)'}`,
    `STRATA_BLOB_BACKEND=${config.blobBackend}`,
    ...(config.minio
      ? [
          `STRATA_MINIO_ENDPOINT=${config.minio.endpoint}`,
          `STRATA_MINIO_ACCESS_KEY=${config.minio.accessKey}`,
          `STRATA_MINIO_SECRET_KEY=(set)`,
          `STRATA_MINIO_BUCKET=${config.minio.bucket}`,
          `STRATA_MINIO_REGION=${config.minio.region}`,
        ]
      : []),
    `STRATA_AWS_ACCOUNT_ID=${config.aws.accountId}`,
    `STRATA_AWS_REGION=${config.aws.region}`,
    `STRATA_AWS_MAX_REQUEST_BYTES=${config.aws.maxRequestBytes}`,
    `STRATA_AWS_MAX_ZIPPED_BYTES=${config.aws.maxZippedBytes}`,
    `STRATA_AWS_MAX_UNZIPPED_BYTES=${config.aws.maxUnzippedBytes}`,
    `STRATA_FC_ACCOUNT_ID=${config.fc.accountId}`,
    `STRATA_FC_REGION=${config.fc.region}`,
    `STRATA_FC_ACCESS_KEYS=${[...config.fc.accessKeys].map(([k, a]) => `${k}=${a}`).join(',') || '(none)'}`,
    `STRATA_FC_MAX_CODE_BYTES=${config.fc.maxCodeBytes}`,
    `STRATA_FC_MAX_UNZIPPED_BYTES=${config.fc.maxUnzippedBytes}`,
    `STRATA_FC_TEMP_CREDENTIAL_TTL_SECONDS=${config.fc.tempCredentialTtlSeconds}`,
    `STRATA_FC_TEMP_OBJECT_TTL_SECONDS=${config.fc.tempObjectTtlSeconds}`,
    `STRATA_OSS_MAX_OBJECT_BYTES=${config.oss.maxObjectBytes}`,
    `STRATA_OSS_DOMAINS=${config.oss.domains.join(',') || '(none)'}`,
    `STRATA_AUTH=${config.auth.mode}`,
    ...(config.auth.mode === 'verify'
      ? [
          `STRATA_CREDENTIALS=${config.auth.credentials.map((k) => `${k.cloud}:${k.accessKeyId}`).join(',') || '(none)'} (secrets not shown)`,
          `STRATA_CREDENTIALS_FILE=${config.auth.credentialsFile ?? '(none)'}`,
          `STRATA_AUTH_MAX_SKEW_SECONDS=${config.auth.maxSkewSeconds}`,
          `STRATA_AWS_ORGANIZATIONS=${[...config.auth.awsOrganizations].map(([a, o]) => `${a}=${o}`).join(',') || '(none)'}`,
        ]
      : []),
    `STRATA_ADMIN_TOKEN=${config.auth.adminToken === undefined ? '(none: the admin routes are open)' : '(set)'}`,
  ];
}

/** `--data-dir`, the flag of STRATA_DATA_DIR. */
export const flagOf = (key: string): string => `--${key.replace(/^STRATA_/, '').toLowerCase().replace(/_/g, '-')}`;

/** Every setting as a flag, its variable, its default and what it does: the text of `strata --help`. */
export function settingsHelp(): string[] {
  const defaults = ConfigSchema.parse({}) as Record<string, unknown>;
  return CONFIG_KEYS.map((key) => {
    const fallback = defaults[key];
    const shown = fallback === undefined ? '(none)' : fallback === '' ? '(empty)' : String(fallback);
    return `  ${`${flagOf(key)} <value>`.padEnd(42)} ${ConfigSchema.shape[key].description ?? ''}\n` +
      `  ${''.padEnd(42)} ${key}, default ${shown}`;
  });
}

/** A URL with its password replaced, for the start-up banner. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '(set)';
    return u.toString();
  } catch {
    return '(set)';
  }
}
