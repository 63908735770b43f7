/**
 * Runs one function through serverless-offline's own code with --useDocker, as `serverless offline --useDocker` runs
 * a function of serverless.yml: its public Lambda class (the `serverless-offline/lambda` export, which plugins such
 * as serverless-offline-sqs drive), given the service as the Serverless Framework describes it and the plugin's
 * default options. The Docker CLI is whatever `docker` is on PATH.
 *
 * Usage: node run-function.mjs SERVERLESS_OFFLINE_DIR SERVICE_JSON
 * SERVICE_JSON: {"servicePath", "region", "runtime", "function": {functionDefinition of serverless.yml}}
 * Prints one JSON object: {"error": the invocation's error message or null, "logs": [{level, message}]}.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkg, serviceJson] = process.argv.slice(2);
const service = JSON.parse(serviceJson);
const load = (path) => import(pathToFileURL(join(pkg, path)).href);

// The framework hands every plugin its log and progress utilities (ServerlessOffline.js: setLogUtils(utils)).
const logs = [];
const { setLogUtils } = await load('src/utils/log.js');
const log = Object.fromEntries(
  ['debug', 'error', 'info', 'notice', 'verbose', 'warning'].map((level) => [level, (...args) => logs.push({ level, message: args.join(' ') })]),
);
setLogUtils({ log, progress: { get: () => ({ notice() {}, remove() {} }), notice() {}, remove() {} } });

const { default: Lambda } = await load('src/lambda/index.js');
const { default: defaultOptions } = await load('src/config/defaultOptions.js');
const serverless = {
  service: {
    service: 'strata-layers',
    provider: { name: 'aws', region: service.region, runtime: service.runtime, stage: 'dev' },
    package: {},
  },
  config: { serverlessPath: service.servicePath, servicePath: service.servicePath },
  serviceDir: service.servicePath,
};
const lambda = new Lambda(serverless, { ...defaultOptions, useDocker: true, noTimeout: true });
lambda.create([{ functionKey: 'hello', functionDefinition: service.function }]);
const fn = lambda.get('hello');
fn.setEvent({});
let error = null;
try {
  await fn.runHandler();
} catch (err) {
  error = err.shortMessage ?? err.message;
}
await lambda.cleanup();
console.log(JSON.stringify({ error, logs }));
process.exit(0);
