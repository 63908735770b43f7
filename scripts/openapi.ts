/**
 * `npm run openapi`: regenerates openapi/*.yaml from the route schemas. The files are generated; never edit
 * them by hand (test/contract/openapi.test.ts fails when they differ from what the code generates).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { buildDocuments } from '../src/openapi/documents.js';

export async function generateDocuments(): Promise<Map<string, string>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-openapi-'));
  const app = await buildApp(loadConfig({ STRATA_DATA_DIR: dataDir, STRATA_LOG_LEVEL: 'silent' }));
  try {
    await app.ready();
    return new Map([...buildDocuments(await app.apiDocs())].map(([name, doc]) => [name, stringify(doc)]));
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, yaml] of await generateDocuments()) {
    await writeFile(join('openapi', `${name}.yaml`), yaml);
    console.log(`openapi/${name}.yaml`);
  }
}
