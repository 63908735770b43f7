/**
 * The AWS Lambda layer operations' inputs, with the model's constraints (botocore 1.43.67 service-2.json,
 * docs/specs/aws-lambda-layers.md §3–§5). Each check's message is the Coral constraint phrase that AWS prints after
 * "failed to satisfy constraint: ", so validate.ts can render ValidationException word for word.
 * Members are declared in the model's order, which is the order AWS lists several violations in.
 */
import { z } from 'zod';
import type { AwsOperation } from './operations.js';
import { ACCEPTED_RUNTIMES, ARCHITECTURES, LIST_FILTER_RUNTIMES_PRINTED, PUBLISH_RUNTIMES_PRINTED } from './runtimes.js';

interface StringRules {
  min?: number;
  max?: number;
  /** The pattern as AWS prints it; matched against the whole value, as Java's `matches()` does. */
  pattern?: string;
}

function str(rules: StringRules = {}) {
  let s = z.string();
  if (rules.min !== undefined) s = s.min(rules.min, `Member must have length greater than or equal to ${rules.min}`);
  if (rules.max !== undefined) s = s.max(rules.max, `Member must have length less than or equal to ${rules.max}`);
  if (rules.pattern !== undefined) {
    s = s.regex(new RegExp(`^(?:${rules.pattern})$`), `Member must satisfy regular expression pattern: ${rules.pattern}`);
  }
  return s;
}

const enumText = (values: readonly string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`;

function oneOf(accepted: ReadonlySet<string>, printed: readonly string[]) {
  return z.string().refine((v) => accepted.has(v), enumText(printed));
}

const LAYER_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+';
// Printed without the model's outer parentheses (recorded, GetLayerVersionByArn).
const LAYER_VERSION_ARN_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)';

const layerName = str({ min: 1, max: 140, pattern: LAYER_NAME_PATTERN });
/** A long path label; anything but an integer does not name an operation at all (see validate.ts). */
const versionNumber = z.string().regex(/^-?\d{1,18}$/).transform(Number);

/** Publish prints only the supported runtimes but accepts deprecated ones too; the whole list is echoed. */
const compatibleRuntimes = z
  .array(z.string())
  .max(15, 'Member must have length less than or equal to 15')
  .refine((list) => list.every((r) => ACCEPTED_RUNTIMES.has(r)), enumText(PUBLISH_RUNTIMES_PRINTED));

const ARCHITECTURE_ELEMENT = `Member must satisfy constraint: [${enumText(ARCHITECTURES)}, Member must not be null]`;

const compatibleArchitectures = z
  .array(z.string())
  .max(2, 'Member must have length less than or equal to 2')
  .refine((list) => list.every((a) => ARCHITECTURES.includes(a)), ARCHITECTURE_ELEMENT);

/** What a null element of a list breaks: Coral reports it against the whole list, like any other bad element. */
export const NULL_ELEMENT_CONSTRAINT: Readonly<Record<string, string>> = {
  CompatibleRuntimes: enumText(PUBLISH_RUNTIMES_PRINTED),
  CompatibleArchitectures: ARCHITECTURE_ELEMENT,
};

const listQuery = {
  CompatibleRuntime: oneOf(ACCEPTED_RUNTIMES, LIST_FILTER_RUNTIMES_PRINTED).optional(),
  Marker: z.string().optional(),
  MaxItems: z
    .string()
    .regex(/^-?\d{1,10}$/, 'Member must be an integer')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, 'Member must have value greater than or equal to 1')
        .max(50, 'Member must have value less than or equal to 50'),
    )
    .optional(),
  CompatibleArchitecture: oneOf(new Set(ARCHITECTURES), ARCHITECTURES).optional(),
};

const versionParams = { LayerName: layerName, VersionNumber: versionNumber };

export const SCHEMAS = {
  PublishLayerVersion: {
    params: z.object({ LayerName: layerName }),
    body: z.object({
      Description: str({ max: 256 }).nullish(),
      Content: z.object({
        S3Bucket: str({ min: 3, max: 63, pattern: '[0-9A-Za-z\\.\\-_]*(?<!\\.)' }).nullish(),
        S3Key: str({ min: 1, max: 1024 }).nullish(),
        S3ObjectVersion: str({ min: 1, max: 1024 }).nullish(),
        S3ObjectStorageMode: z.enum(['COPY', 'REFERENCE'], enumText(['COPY', 'REFERENCE'])).nullish(),
        ZipFile: z.string().nullish(),
      }),
      CompatibleRuntimes: compatibleRuntimes.nullish(),
      LicenseInfo: str({ max: 512 }).nullish(),
      CompatibleArchitectures: compatibleArchitectures.nullish(),
    }),
  },
  GetLayerVersion: { params: z.object(versionParams) },
  GetLayerVersionByArn: {
    querystring: z.object({ Arn: str({ min: 1, max: 2048, pattern: LAYER_VERSION_ARN_PATTERN }) }),
  },
  ListLayers: { querystring: z.object(listQuery) },
  ListLayerVersions: { params: z.object({ LayerName: layerName }), querystring: z.object(listQuery) },
  DeleteLayerVersion: { params: z.object(versionParams) },
  AddLayerVersionPermission: {
    params: z.object(versionParams),
    body: z.object({
      StatementId: str({ min: 1, max: 100, pattern: '([a-zA-Z0-9-_]+)' }),
      Action: str({ max: 22, pattern: 'lambda:GetLayerVersion' }),
      Principal: str({ pattern: '\\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root' }),
      OrganizationId: str({ max: 34, pattern: 'o-[a-z0-9]{10,32}' }).nullish(),
    }),
    querystring: z.object({ RevisionId: z.string().optional() }),
  },
  RemoveLayerVersionPermission: {
    params: z.object({ ...versionParams, StatementId: str({ min: 1, max: 100, pattern: '([a-zA-Z0-9-_]+)' }) }),
    querystring: z.object({ RevisionId: z.string().optional() }),
  },
  GetLayerVersionPolicy: { params: z.object(versionParams) },
} satisfies Record<AwsOperation, { params?: z.ZodObject; querystring?: z.ZodObject; body?: z.ZodObject }>;

type Schemas = typeof SCHEMAS;
type Part<O extends AwsOperation, K extends string> = Schemas[O] extends Record<K, z.ZodType>
  ? z.output<Schemas[O][K]>
  : unknown;

/** The validated input of an operation: path, query and body members together. */
export type AwsInput<O extends AwsOperation> = Part<O, 'params'> & Part<O, 'querystring'> & Part<O, 'body'>;
