/**
 * What the process entry (server.ts) runs. Configuration comes from STRATA_* variables and the matching --flags;
 * `--help` lists them all. `strata opt …` unpacks a merged /opt instead (cli/opt.ts).
 */
import { readFileSync } from 'node:fs';
import { ConfigError, describeConfig, loadConfig, settingsHelp } from './config.js';
import { SeedError } from './seed.js';
import { isHealthProbe } from './routes/health-path.js';
import { DataDirInUse } from './store/data-dir-lock.js';
import { releaseAfterStart } from './v8-tuning.js';

function usage(): string {
  return [
    'strata: a local emulator of the AWS Lambda and Alibaba Cloud Function Compute layer APIs',
    '',
    'Usage: strata [--flag value]...                       Serves the layer APIs',
    '       strata opt --arn ARN... --into DIR [--url URL]  Unpacks the merged /opt of a function\'s layers (strata opt --help)',
    '',
    'Every setting is a flag or the environment variable named below it; flags win over the environment.',
    '',
    ...settingsHelp(),
    '',
    '  --help                                     This text',
    '  --version                                  The version of Strata',
    '',
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<void> {
  // The app's modules load only to serve: `strata opt --url` and --help start without them.
  if (argv[0] === 'opt') {
    const { runOpt } = await import('./cli/opt.js');
    releaseAfterStart();
    process.exitCode = await runOpt(argv.slice(1));
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) return void process.stdout.write(usage());
  if (argv.includes('--version')) return void process.stdout.write(`${version()}\n`);
  let config;
  try {
    config = loadConfig(process.env, argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`strata: ${err.message}\n(strata --help lists every setting)`);
      process.exit(2);
    }
    throw err;
  }
  console.log(`strata: starting with\n  ${describeConfig(config).join('\n  ')}`);
  const { buildApp } = await import('./app.js');
  const app = await buildApp(config);
  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
  const address = await app.listen({ host: config.host, port: config.port });
  // Started (listen readies the app: its routes' schemas are compiled then): from here on, what survives a scavenge
  // and what runs hot are the work's, not the start's; health probes are not work enough to optimize for.
  releaseAfterStart(app.server, isHealthProbe);
  console.log(
    `strata: listening on ${address}: AWS Lambda layers at /2018-10-31, FC layers at /2016-08-15, /2021-04-06 ` +
      'and /2023-03-30; API documents at /_strata/docs/, metrics at /_strata/metrics',
  );
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof DataDirInUse) {
    console.error(`strata: cannot start: ${err.message}`);
    process.exit(3);
  }
  if (err instanceof SeedError) {
    console.error(`strata: cannot start: ${err.message}`);
    process.exit(2);
  }
  console.error('strata: failed to start:', err);
  process.exit(1);
});
