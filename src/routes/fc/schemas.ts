/**
 * FC request shapes (docs/specs/fc-layers.md §2). Body keys are matched case-insensitively, as FC's Go backend does:
 * the 2021 SDK and Terraform send `Code`, the others `code` (§2.3).
 */
import { z } from 'zod';
import { firstValues } from '../query.js';
import { InvalidArgument, MESSAGES } from './errors.js';
import { FC_RUNTIMES, MAX_RUNTIMES } from './runtimes.js';

/** Where the zip is: `code.zipFile`, keys matched whatever their case. */
export const CODE_FIELDS = [['code', 'zipFile']] as const;

const optionalString = z.string().nullish();

export const CreateLayerVersionBody = z.object({
  code: z
    .object({
      zipFile: optionalString,
      ossBucketName: optionalString,
      ossObjectName: optionalString,
      // FC 3.0 InputCodeLocation: "If checksum is provided, Function Compute checks whether the checksum of the
      // code package is the same as that provided."
      checksum: optionalString,
    })
    .nullish(),
  description: optionalString,
  compatibleRuntime: z.array(z.string()).nullish(),
  license: optionalString,
});

export type CreateLayerVersionInput = z.output<typeof CreateLayerVersionBody>;

/** The layer name rule FC's naming suggests (docs/specs/fc-layers.md §2.3: 1–128 characters). */
const LAYER_NAME = /^[_a-zA-Z][-_a-zA-Z0-9]{0,127}$/;

export function parseCreateBody(document: unknown): CreateLayerVersionInput {
  if (document === undefined) document = {};
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new InvalidArgument(MESSAGES.badField('the request body', 'a JSON object'));
  }
  const top = foldKeys(document as Record<string, unknown>, ['code', 'description', 'compatibleRuntime', 'license']);
  if (top.code !== null && typeof top.code === 'object' && !Array.isArray(top.code)) {
    top.code = foldKeys(top.code as Record<string, unknown>, ['zipFile', 'ossBucketName', 'ossObjectName', 'checksum']);
  }
  const parsed = CreateLayerVersionBody.safeParse(top);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const expected = issue.path.length === 1 && issue.path[0] === 'compatibleRuntime' ? 'a list of strings'
      : issue.path[0] === 'code' && issue.path.length === 1 ? 'an object' : 'a string';
    throw new InvalidArgument(MESSAGES.badField(issue.path.join('.'), expected));
  }
  const input = parsed.data;
  if ((input.description ?? '').length > 256) throw new InvalidArgument(MESSAGES.descriptionTooLong(input.description!.length));
  const runtimes = input.compatibleRuntime ?? [];
  if (runtimes.length > MAX_RUNTIMES) throw new InvalidArgument(MESSAGES.tooManyRuntimes(MAX_RUNTIMES));
  const unknown = runtimes.find((r) => !FC_RUNTIMES.has(r));
  if (unknown !== undefined) throw new InvalidArgument(MESSAGES.badRuntime(unknown));
  return input;
}

/**
 * Copies `obj` with keys matched case-insensitively onto `known` spellings. Two spellings of one key (say `Code`
 * and `code`) give the code twice, which is refused.
 */
function foldKeys(obj: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(obj)) {
    const canonical = known.find((k) => k.toLowerCase() === key.toLowerCase()) ?? key;
    if (Object.hasOwn(out, canonical)) {
      throw new InvalidArgument(canonical === 'code' ? MESSAGES.twoCodeSources : MESSAGES.badField(canonical, 'given once'));
    }
    out[canonical] = value;
  }
  return out;
}

const inputText = (iss: { input?: unknown }) => String(iss.input ?? '');

/** ListLayers and ListLayerVersions: "Default value: 20. The value cannot exceed 100." */
const limit = z
  .string()
  .regex(/^\d{1,3}$/, { error: (iss) => MESSAGES.badLimit(inputText(iss)) })
  .refine((v) => Number(v) >= 1 && Number(v) <= 100, { error: (iss) => MESSAGES.badLimit(inputText(iss)) })
  .transform(Number)
  .optional()
  .describe('At most this many items (1–100, default 20)');

const boolean = (name: string) =>
  z
    .enum(['true', 'false'], { error: (iss) => MESSAGES.badBoolean(name, inputText(iss)) })
    .transform((v) => v === 'true')
    .optional();

const positiveInt = (error: (text: string) => string) =>
  z
    .string()
    .regex(/^\d{1,15}$/, { error: (iss) => error(inputText(iss)) })
    .refine((v) => Number(v) >= 1, { error: (iss) => error(inputText(iss)) })
    .transform(Number);

export const LayerParams = z.object({
  layerName: z
    .string()
    .regex(LAYER_NAME, { error: (iss) => MESSAGES.badName(inputText(iss)) })
    .describe('1–128 letters, digits, _ and -, starting with a letter or _'),
});
export const VersionParams = LayerParams.extend({
  version: positiveInt(MESSAGES.badVersion).describe('A version number, from 1'),
});
export const ArnParams = z.object({
  arn: z.string().describe('acs:fc:{region}:{account}:layers/{name}/versions/{version}, percent-encoded as one path segment'),
});

export const ListLayerVersionsQuery = z.object({
  startVersion: positiveInt(MESSAGES.badStartVersion).optional().describe('The first version to list (default 1)'),
  limit,
});

const listLayersQuery = {
  prefix: z.string().optional().describe('Only layers whose name starts with this'),
  nextToken: z.string().optional().describe('The name of the first layer of the page, from an earlier nextToken'),
  limit,
  public: boolean('public').describe("Only the caller's public layers"),
  official: boolean('official').describe('Only official layers (implies public); Strata has none'),
};
/** FC 2.0 also takes `startKey`: "the layers that include and follow the layer specified" (FC 3.0 dropped it). */
export const ListLayersQuery = {
  fc2: z.object({ ...listLayersQuery, startKey: z.string().optional().describe('The name to start from, inclusive') }),
  fc3: z.object(listLayersQuery),
};

export const PutLayerAclQuery = {
  fc2: z.object({ public: boolean('public').describe('true makes every version public, false private') }),
  fc3: z.object({
    acl: z
      .enum(['0', '1'], { error: (iss) => MESSAGES.badAcl(inputText(iss)) })
      .optional()
      .describe('1 makes every version public, 0 private (the default)'),
    public: boolean('public').describe('Deprecated: true is acl=1, false acl=0'),
  }),
};

/** Parses with a schema; the first problem is FC's InvalidArgument with that problem's message. */
export function parseInput<T extends z.ZodType>(schema: T, data: unknown): z.output<T> {
  const result = schema.safeParse(firstValues(data));
  if (!result.success) throw new InvalidArgument(result.error.issues[0]!.message);
  return result.data;
}
