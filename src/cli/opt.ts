/**
 * `strata opt --arn ARN [--arn ARN]… --into DIR`: unpacks the /opt a function with these layers would see into a
 * folder, the same tree GET /_strata/opt serves, through the safe unpacker (codec/unpack.ts). Two sources:
 *   --url URL (the default, http://127.0.0.1:4588): a running Strata merges the layers and streams the zip, which
 *     is spooled to a temporary file and unpacked after the checks a publish applies;
 *   --data-dir DIR: reads the layers straight from a data directory, for when no Strata runs on it (a running
 *     Strata holds the directory's lock; the refusal names its address, for --url).
 * Other settings (the unzipped limits, STRATA_ADMIN_TOKEN for --url, STRATA_BLOB_BACKEND and MinIO's for --data-dir)
 * come from the STRATA_* variables, as for `strata` itself.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UnpackError, unpackTree, unpackZip, type UnpackSummary } from '../codec/unpack.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { MountRequestError, OPT_PATH } from '../plugins/layer-mounts.js';
import { DataDirInUse } from '../store/data-dir-lock.js';

export const OPT_USAGE = [
  'strata opt: unpacks the /opt of a function with these layers into a folder, merged as their cloud merges them',
  '',
  'Usage: strata opt --arn ARN [--arn ARN]... --into DIR [--url URL | --data-dir DIR] [--runtime NAME] [--replace]',
  '',
  '  --arn <arn>        A layer version ARN, in the function\'s order (repeat it, or separate ARNs with commas):',
  '                     all AWS Lambda (arn:aws:lambda:…:layer:NAME:VERSION) or all FC (acs:fc:…:layers/NAME/versions/V)',
  '  --into <dir>       The folder to fill; created when missing, refused when not empty unless --replace',
  '  --url <url>        A running Strata to take the layers from (default http://127.0.0.1:4588)',
  '  --data-dir <dir>   Take the layers straight from this data directory instead (no Strata may be running on it)',
  '  --runtime <name>   The function\'s runtime: Function Compute refuses a layer that does not list it',
  '  --replace          Replace what the folder holds (only once the whole tree is unpacked)',
  '  --help             This text',
  '',
  'Exit status: 0 unpacked; 1 refused (the cloud\'s error, or an unsafe zip) or failed; 2 bad usage; 3 data directory in use.',
  '',
].join('\n');

interface OptArgs {
  arns: string[];
  into: string;
  url: string | undefined;
  dataDir: string | undefined;
  runtime: string | undefined;
  replace: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): OptArgs {
  const args: OptArgs = { arns: [], into: '', url: undefined, dataDir: undefined, runtime: undefined, replace: false };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) throw new UsageError(`unexpected argument '${argv[i]}'`);
    const flag = m[1]!;
    if (flag === 'replace') {
      args.replace = true;
      continue;
    }
    if (!['arn', 'into', 'url', 'data-dir', 'runtime'].includes(flag)) throw new UsageError(`unknown flag '--${flag}'`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`flag '--${flag}' needs a value`);
    if (flag === 'arn') args.arns.push(...value.split(',').map((a) => a.trim()).filter((a) => a !== ''));
    else if (flag === 'into') args.into = value;
    else if (flag === 'url') args.url = value;
    else if (flag === 'data-dir') args.dataDir = value;
    else args.runtime = value;
  }
  if (args.arns.length === 0) throw new UsageError('name the layers: --arn ARN (once per layer)');
  if (args.into === '') throw new UsageError('name the folder to fill: --into DIR');
  if (args.url !== undefined && args.dataDir !== undefined) throw new UsageError('give --url or --data-dir, not both');
  return args;
}

/** Runs `strata opt` and returns its exit status; what it says goes to stdout and stderr. */
export async function runOpt(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(OPT_USAGE);
    return 0;
  }
  let args: OptArgs;
  let config: Config;
  try {
    args = parseArgs(argv);
    const { STRATA_SEED: _seed, ...rest } = env; // a seed is for a serving Strata, not for reading its layers
    config = loadConfig({ ...rest, STRATA_LOG_LEVEL: 'silent', ...(args.dataDir ? { STRATA_DATA_DIR: args.dataDir } : {}) });
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      console.error(`strata opt: ${err.message}\n(strata opt --help tells how to use it)`);
      return 2;
    }
    throw err;
  }
  const into = resolve(args.into);
  try {
    const summary = args.dataDir !== undefined ? await fromDataDir(args, config, into) : await fromServer(args, config, into);
    if (typeof summary === 'number') return summary;
    console.log(
      `strata opt: ${args.arns.length} layer${args.arns.length === 1 ? '' : 's'} unpacked into ${into}: ${summary.files} files, ` +
        `${summary.directories} folders, ${summary.symlinks} symbolic links, ${summary.bytes} bytes`,
    );
    return 0;
  } catch (err) {
    if (err instanceof UnpackError) {
      const hint = err.problem === 'target-not-empty' ? ': give an empty folder, or replace what it holds with --replace' : '';
      console.error(`strata opt: ${err.message}${hint}`);
      return 1;
    }
    if (err instanceof DataDirInUse) {
      const holder = err.holder?.url ? ` Take the layers from it instead: --url ${err.holder.url}` : '';
      console.error(`strata opt: ${err.message}${holder}`);
      return 3;
    }
    throw err;
  }
}

/** Asks a running Strata for the merged zip, spools it, and unpacks it; an exit status when Strata refuses. */
async function fromServer(args: OptArgs, config: Config, into: string): Promise<UnpackSummary | number> {
  const base = args.url ?? 'http://127.0.0.1:4588';
  const url = new URL(OPT_PATH, base);
  for (const arn of args.arns) url.searchParams.append('arn', arn);
  if (args.runtime !== undefined) url.searchParams.set('runtime', args.runtime);
  // A Strata with an admin token guards the route with it (routes/admin.ts); the same variable gives it here.
  const headers: Record<string, string> = config.auth.adminToken ? { authorization: `Bearer ${config.auth.adminToken}` } : {};
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch (err) {
    console.error(`strata opt: cannot reach Strata at ${base}: ${(err as Error).cause ?? (err as Error).message}`);
    return 1;
  }
  if (!res.ok || !res.body) {
    console.error(`strata opt: ${await refusalText(res)}`);
    return 1;
  }
  const spool = await mkdtemp(join(tmpdir(), 'strata-opt-'));
  try {
    const zip = join(spool, 'opt.zip');
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(zip));
    // The limit a publish applies in the layers' cloud (the first ARN says which).
    const fc = /^acs:|^[0-9a-f]{32}#/.test(args.arns[0]!);
    return await unpackZip(zip, into, { maxUnzippedBytes: fc ? config.fc.maxUnzippedBytes : config.aws.maxUnzippedBytes, replace: args.replace });
  } finally {
    await rm(spool, { recursive: true, force: true });
  }
}

/** "Code: message" from an AWS, FC or Strata error answer. */
async function refusalText(res: Response): Promise<string> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `Strata answered ${res.status}: ${text.slice(0, 500)}`;
  }
  const code = res.headers.get('x-amzn-errortype') ?? body.Code ?? body.ErrorCode;
  const message = body.message ?? body.Message ?? body.ErrorMessage ?? text;
  return code ? `${String(code)}: ${String(message)}` : String(message);
}

/** Merges the layers from the data directory itself (holding its lock meanwhile) straight into the folder. */
async function fromDataDir(args: OptArgs, config: Config, into: string): Promise<UnpackSummary | number> {
  const { buildApp } = await import('../app.js');
  const app = await buildApp(config);
  try {
    await app.ready();
    let view;
    try {
      view = app.layerMounts.viewOf(args.arns);
    } catch (err) {
      if (!(err instanceof MountRequestError)) throw err;
      console.error(`strata opt: ${err.message}`);
      return 1;
    }
    let tree;
    try {
      tree = await app.layerMounts.mount(view, args.arns, args.runtime);
    } catch (err) {
      const refusal = view.refusal(err);
      if (refusal.status >= 500) throw err;
      console.error(`strata opt: ${refusal.code}: ${refusal.message}`);
      return 1;
    }
    try {
      return await unpackTree(tree.entries, (e) => tree.open(e), into, { maxUnzippedBytes: view.rules.maxUnzippedBytes, replace: args.replace });
    } finally {
      await tree.close();
    }
  } finally {
    await app.close();
  }
}
