/**
 * Turns an operation's path, query and body into its validated input, or into the error AWS sends:
 * - a member that breaks a model constraint → ValidationException, every violation counted and joined with "; "
 *   ("2 validation errors detected: Value '…' at 'compatibleRuntimes' failed to satisfy constraint: …");
 * - a member of the wrong JSON type → InvalidRequestContentException (Lambda reads bodies with Jackson);
 * - a version label that is not a number → no operation matches (AccessDeniedException, as AWS answers).
 */
import { z } from 'zod';
import { firstValues } from '../query.js';
import type { AwsOperation } from './operations.js';
import { NULL_ELEMENT_CONSTRAINT, SCHEMAS, type AwsInput } from './schemas.js';
import { AccessDeniedException, InvalidRequestContentException, MESSAGES, ValidationException } from './errors.js';

export interface RawInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

const mergedSchemas = new Map<AwsOperation, z.ZodObject>();

function mergedSchema(op: AwsOperation): z.ZodObject {
  let schema = mergedSchemas.get(op);
  if (!schema) {
    const parts = SCHEMAS[op] as { params?: z.ZodObject; querystring?: z.ZodObject; body?: z.ZodObject };
    // Path members first, then the body's, then the query's: the model's member order for these operations.
    schema = z.object({ ...parts.params?.shape, ...parts.body?.shape, ...parts.querystring?.shape });
    mergedSchemas.set(op, schema);
  }
  return schema;
}

export function validateInput<O extends AwsOperation>(op: O, raw: RawInput): AwsInput<O> {
  const hasBody = 'body' in SCHEMAS[op];
  const body = raw.body ?? {};
  if (hasBody && (typeof body !== 'object' || Array.isArray(body))) {
    throw new InvalidRequestContentException(
      MESSAGES.unparsable(`Cannot deserialize value of type \`${op}Request\` from ${jsonKind(body)} value`),
    );
  }
  // Each member is read from where the model puts it: a query parameter never stands in for a body member.
  const parts = SCHEMAS[op] as { params?: z.ZodObject; querystring?: z.ZodObject; body?: z.ZodObject };
  const merged = {
    ...pick(hasBody ? (body as Record<string, unknown>) : {}, parts.body),
    ...pick(firstValues(raw.query), parts.querystring),
    ...pick(raw.params as Record<string, unknown>, parts.params),
  };
  const result = mergedSchema(op).safeParse(merged, { reportInput: true });
  if (result.success) return result.data as AwsInput<O>;

  const issues = result.error.issues;
  if (issues.some((i) => i.path[0] === 'VersionNumber')) throw new AccessDeniedException(MESSAGES.unknownOperation);
  const mistyped = issues.find((i) => i.code === 'invalid_type' && i.input !== undefined && i.input !== null);
  if (mistyped) {
    throw new InvalidRequestContentException(
      MESSAGES.unparsable(
        `Cannot deserialize value of type \`${(mistyped as { expected?: string }).expected}\` from ${jsonKind(mistyped.input)} value ` +
          `(through reference chain: ${mistyped.path.join('.')})`,
      ),
    );
  }
  const lines = issues.map((issue) => {
    const at = memberPath(issue.path);
    const listMember = issue.path.length === 2 && typeof issue.path[1] === 'number' ? String(issue.path[0]) : undefined;
    if (issue.code === 'invalid_type' && listMember !== undefined && NULL_ELEMENT_CONSTRAINT[listMember]) {
      const list = (merged as Record<string, unknown>)[listMember];
      return `Value '${render(list)}' at '${at}' failed to satisfy constraint: ${NULL_ELEMENT_CONSTRAINT[listMember]}`;
    }
    if (issue.code === 'invalid_type') return `Value null at '${at}' failed to satisfy constraint: Member must not be null`;
    return `Value '${render(issue.input)}' at '${at}' failed to satisfy constraint: ${issue.message}`;
  });
  throw new ValidationException(validationMessage(lines));
}

export function validationMessage(lines: string[]): string {
  const n = lines.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${lines.join('; ')}`;
}

/** `Content.S3Bucket` → `content.s3Bucket`: Coral names members in lowerCamelCase. */
function memberPath(path: readonly PropertyKey[]): string {
  return path
    .filter((p) => typeof p === 'string')
    .map((p) => (p as string).charAt(0).toLowerCase() + (p as string).slice(1))
    .join('.');
}

/** How Coral prints a value: lists as `[a, b]`, scalars bare. */
function render(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'Array';
  if (value === null) return 'Null';
  switch (typeof value) {
    case 'string':
      return 'String';
    case 'number':
      return 'Number';
    case 'boolean':
      return 'Boolean';
    default:
      return 'Object';
  }
}

function pick(values: Record<string, unknown>, schema: z.ZodObject | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema?.shape ?? {})) if (Object.hasOwn(values, key)) out[key] = values[key];
  return out;
}
