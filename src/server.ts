/** Process entry: `npm start`. Configuration comes from STRATA_* variables and matching --flags. */
import { buildApp } from './app.js';
import { ConfigError, describeConfig, loadConfig } from './config.js';
import { DataDirInUse } from './store/data-dir-lock.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`strata: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  console.log(`strata: starting with\n  ${describeConfig(config).join('\n  ')}`);
  const app = await buildApp(config);
  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
  const address = await app.listen({ host: config.host, port: config.port });
  console.log(`strata: listening on ${address}: AWS Lambda layers at /2018-10-31, FC layers at /2016-08-15, /2021-04-06 and /2023-03-30, API documents at /_strata/docs/`);
}

main().catch((err) => {
  if (err instanceof DataDirInUse) {
    console.error(`strata: cannot start: ${err.message}`);
    process.exit(3);
  }
  console.error('strata: failed to start:', err);
  process.exit(1);
});
