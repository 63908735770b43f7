/**
 * Seeding: layer versions created from a manifest, at start (STRATA_SEED) or through the in-process API. A team
 * preloads its shared layers this way, and a configuration that names a published layer by its real ARN (a
 * Powertools layer in AWS's account, say) gets a local copy under exactly that ARN: explicitly, never invented.
 *
 * ```json
 * { "layers": [
 *   { "arn": "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7",
 *     "zip": "zips/powertools.zip", "compatibleRuntimes": ["python3.12"], "public": true },
 *   { "cloud": "fc", "account": "1234567890123456", "region": "cn-hangzhou", "name": "tools", "version": 3,
 *     "zip": "zips/tools.zip" } ] }
 * ```
 *
 * Zip paths are relative to the manifest. Versions get the numbers the manifest names, and later publishes continue
 * above them. Seeding is idempotent: a version already there with the same bytes is left as it is (so a seed
 * applied at every start is harmless); one with other bytes is an error.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { GrantAlreadyExists } from './core/errors.js';
import { stageStream } from './core/ingest.js';
import type { LayerService } from './core/layer-service.js';
import type { LayerRef } from './core/model.js';
import { parseLayerArn as parseAwsArn } from './routes/aws/arn.js';
import { parseLayerArn as parseFcArn } from './routes/fc/arn.js';

const Meta = {
  zip: z.string().min(1),
  description: z.string().max(256).optional(),
  license: z.string().max(512).optional(),
  compatibleRuntimes: z.array(z.string().min(1)).max(20).optional(),
  compatibleArchitectures: z.array(z.enum(['x86_64', 'arm64'])).max(2).optional(),
  /** Readable by every account: an AWS policy statement for `*`, or FC's public ACL. */
  public: z.boolean().optional(),
};

const Entry = z.union([
  z.strictObject({ arn: z.string().min(1), ...Meta }),
  z.strictObject({
    cloud: z.enum(['aws', 'fc']),
    account: z.string().regex(/^\d{1,32}$/),
    region: z.string().regex(/^[a-z]{2}(-[a-z0-9]+)+$/),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,140}$/),
    version: z.number().int().min(1),
    ...Meta,
  }),
]);

export const SeedManifest = z.strictObject({ layers: z.array(Entry) });
export type SeedManifest = z.infer<typeof SeedManifest>;

export class SeedError extends Error {}

export interface SeedResult {
  created: string[];
  /** Already there with the same bytes. */
  kept: string[];
}

/** The statement a `public` AWS seed gets, as `add-layer-version-permission --principal '*'` would add it. */
const PUBLIC_GRANT = { statementId: 'public', action: 'lambda:GetLayerVersion', principal: '*', organizationId: null };

/** Reads a manifest file and applies it. */
export async function seedFromFile(layers: LayerService, file: string, limits: SeedLimits): Promise<SeedResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new SeedError(`the seed manifest ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  return seed(layers, parsed, dirname(resolve(file)), limits);
}

export interface SeedLimits {
  maxBytes: number;
  maxUnzippedBytes: number;
}

/** Applies a manifest (an object, or its parsed JSON); zip paths resolve against `baseDir`. */
export async function seed(layers: LayerService, manifest: unknown, baseDir: string, limits: SeedLimits): Promise<SeedResult> {
  const checked = SeedManifest.safeParse(manifest);
  if (!checked.success) {
    throw new SeedError(`the seed manifest is not valid: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const result: SeedResult = { created: [], kept: [] };
  for (const entry of checked.data.layers) {
    const { ref, version } = target(entry);
    const label = `${ref.cloud}:${ref.account}:${ref.region}:${ref.name}:${version}`;
    const zipPath = resolve(baseDir, entry.zip);
    let staged;
    try {
      staged = await stageStream(createReadStream(zipPath), layers.staging, limits.maxBytes);
    } catch (err) {
      throw new SeedError(`seed ${label}: the zip ${zipPath} cannot be read: ${(err as Error).message}`);
    }
    const meta = {
      description: entry.description ?? null,
      license: entry.license ?? null,
      compatibleRuntimes: entry.compatibleRuntimes ?? null,
      compatibleArchitectures: entry.compatibleArchitectures ?? null,
    };
    const outcome = await layers.publishAt(ref, version, meta, staged, { maxUnzippedBytes: limits.maxUnzippedBytes }).catch((err: Error) => {
      throw new SeedError(`seed ${label}: ${err.message}`);
    });
    if (!outcome.sameContent) throw new SeedError(`seed ${label}: that version already exists with other content`);
    if (entry.public) {
      if (ref.cloud === 'fc') await layers.setLayerPublic(ref, true);
      else {
        try {
          await layers.addGrant(ref, version, PUBLIC_GRANT, undefined);
        } catch (err) {
          // Seeded before: the statement is there already.
          if (!(err instanceof GrantAlreadyExists)) throw err;
        }
      }
    }
    (outcome.created ? result.created : result.kept).push(label);
  }
  return result;
}

function target(entry: z.infer<typeof Entry>): { ref: LayerRef; version: number } {
  if (!('arn' in entry)) {
    return { ref: { cloud: entry.cloud, account: entry.account, region: entry.region, name: entry.name }, version: entry.version };
  }
  const aws = parseAwsArn(entry.arn);
  if (aws) {
    if (aws.version === undefined) throw new SeedError(`seed ${entry.arn}: the ARN names no version`);
    return { ref: { cloud: 'aws', account: aws.account, region: aws.region, name: aws.name }, version: aws.version };
  }
  const fc = entry.arn.startsWith('acs:fc:') ? parseFcArn(entry.arn, { account: '', region: '' }) : undefined;
  if (fc && fc.account !== 'official') {
    return { ref: { cloud: 'fc', account: fc.account, region: fc.region, name: fc.name }, version: fc.version };
  }
  throw new SeedError(`seed ${entry.arn}: not an AWS layer version ARN (arn:aws:lambda:…:layer:NAME:VERSION) or an FC one (acs:fc:REGION:ACCOUNT:layers/NAME/versions/N)`);
}
