/**
 * FC request shapes (fc-layers.md §2). Body keys are matched case-insensitively, as FC's Go backend does:
 * the 2021 SDK and Terraform send `Code`, the others `code` (§2.3).
 */
import { z } from 'zod';
import { InvalidArgument, MESSAGES } from './errors.js';
import { FC_RUNTIMES, MAX_RUNTIMES } from './runtimes.js';

export const CODE_FIELDS = [['Code', 'zipFile'], ['code', 'zipFile']] as const;

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

/** The layer name rule FC's naming suggests (fc-layers.md §2.3: 1–128 characters). */
const LAYER_NAME = /^[_a-zA-Z][-_a-zA-Z0-9]{0,127}$/;

export function checkLayerName(name: string): void {
  if (!LAYER_NAME.test(name)) throw new InvalidArgument(MESSAGES.badName(name));
}

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
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const canonical = known.find((k) => k.toLowerCase() === key.toLowerCase()) ?? key;
    if (canonical in out) {
      throw new InvalidArgument(canonical === 'code' ? MESSAGES.twoCodeSources : MESSAGES.badField(canonical, 'given once'));
    }
    out[canonical] = value;
  }
  return out;
}

/** Query values: the first of repeated parameters. */
export function queryValue(query: unknown, name: string): string | undefined {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

/** ListLayers and ListLayerVersions: "Default value: 20. The value cannot exceed 100." */
export function parseLimit(text: string | undefined): number {
  if (text === undefined || text === '') return 20;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 100) throw new InvalidArgument(MESSAGES.badLimit(text));
  return n;
}

export function parseBoolean(name: string, text: string | undefined): boolean | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new InvalidArgument(MESSAGES.badBoolean(name, text));
}

export function parsePositiveInt(text: string | undefined, error: (text: string) => string): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) throw new InvalidArgument(error(text));
  return Number(text);
}
