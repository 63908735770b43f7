import { Base64Error, Base64StreamDecoder } from '../codec/base64-stream.js';
import { JsonDuplicateFieldError, JsonFieldStream, JsonSyntaxError, JsonTooLargeError } from '../codec/json-field-stream.js';
import type { StagedFile, StagingArea } from '../store/staging.js';
import {
  ContentGivenTwice, InvalidContentEncoding, MalformedDocument, RequestTooLarge, ZippedTooLarge, asStorageFull,
} from './errors.js';

export interface IngestOptions {
  /** Paths of the string fields that may carry the zip as base64; at most one may be present. */
  contentFields: readonly (readonly string[])[];
  /** Match the content fields' keys whatever their case (FC). */
  ignoreKeyCase?: boolean;
  /** The request body limit; bodies over it are refused as soon as that is known. */
  maxBodyBytes: number;
  /** The decoded zip limit. */
  maxContentBytes: number;
  /** The Content-Length the client declared, if any. */
  declaredLength?: number | undefined;
  /** A body of zero bytes is no body (an operation that takes none), whatever the headers said. */
  emptyIsNone?: boolean;
  staging: StagingArea;
}

export interface IngestedDocument {
  /** The parsed document; the content field, if present, holds "" in place of its base64. */
  document: unknown;
  /** The decoded zip, staged on disk and hashed, when a content field was present. */
  content?: { path: readonly string[]; file: StagedFile };
}

/**
 * Everything but the content field stays in memory, so it must be small: every other member of these
 * documents is a few hundred bytes at most. Nesting is capped for the same reason.
 */
const MAX_REST_BYTES = 1024 * 1024;
const MAX_DEPTH = 64;
/** How much of a refused body is still read (and discarded) so the client sees the answer. */
export const DRAIN_LIMIT = 128 * 1024 * 1024;

/**
 * Reads a JSON request body in one pass: the base64 zip in the content field is decoded as it arrives and
 * written to a staged file (hashing on the way); the rest of the document is parsed normally. Memory stays
 * flat whatever the layer's size (docs/specs/checksums.md §6.5: buffering base64-in-JSON costs 9–13× the layer in RSS).
 */
export async function ingestJson(source: AsyncIterable<Uint8Array>, opts: IngestOptions): Promise<IngestedDocument> {
  let staged: { path: readonly string[]; file: StagedFile; decoder: Base64StreamDecoder } | undefined;
  const parser = new JsonFieldStream({
    capture: opts.contentFields,
    ignoreKeyCase: opts.ignoreKeyCase ?? false,
    // The strict base64 decoder refuses every character outside its alphabet, so the JSON scanner need not
    // look for raw control characters in the content first (it still reports them as JSON errors).
    consumerRejectsControlCharacters: true,
    maxDepth: MAX_DEPTH,
    maxRestBytes: Math.min(MAX_REST_BYTES, opts.maxBodyBytes),
    onData: (path, text) => {
      // The decoder's output is copied into the staged file's blocks at once, so one buffer serves every call.
      if (!staged) staged = { path, file: opts.staging.create({ keepSmallInMemory: true, toBlobStore: true }), decoder: new Base64StreamDecoder({ reuseOutput: true }) };
      else if (staged.path !== path && staged.path.join('.') !== path.join('.')) {
        throw new ContentGivenTwice([staged.path.join('.'), path.join('.')]);
      }
      stage(staged.decoder.push(text));
    },
  });

  let received = 0;
  let refusal: unknown;
  try {
    if (opts.declaredLength !== undefined && opts.declaredLength > opts.maxBodyBytes) {
      refusal = new RequestTooLarge(opts.maxBodyBytes);
    }
    for await (const chunk of source) {
      received += chunk.length;
      if (refusal !== undefined) {
        // Read the rest before answering, so that the client (still sending) gets the answer rather than a reset.
        if (received > DRAIN_LIMIT) break;
        continue;
      }
      try {
        if (received > opts.maxBodyBytes) throw new RequestTooLarge(opts.maxBodyBytes);
        parser.write(chunk);
        await staged?.file.ready();
      } catch (err) {
        refusal = err;
      }
    }
    if (refusal !== undefined) throw refusal;
    if (received === 0 && opts.emptyIsNone) return { document: undefined };
    const { document, captured } = parser.end();
    if (staged) {
      stage(staged.decoder.end());
      await staged.file.finish();
      return { document, content: { path: staged.path, file: staged.file } };
    }
    if (captured.length > 0) {
      // An empty string never calls onData: stage an empty file so the zip checks see zero bytes.
      const file = opts.staging.create({ keepSmallInMemory: true, toBlobStore: true });
      await file.finish();
      return { document, content: { path: captured[0]!, file } };
    }
    return { document };
  } catch (err) {
    await staged?.file.discard();
    throw translate(err);
  }

  function stage(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (staged!.file.bytesWritten + bytes.length > opts.maxContentBytes) throw new ZippedTooLarge(opts.maxContentBytes);
    staged!.file.append(bytes);
  }
}

function translate(err: unknown): unknown {
  if (err instanceof JsonTooLargeError) return new MalformedDocument('the document outside the content is too large');
  if (err instanceof JsonDuplicateFieldError) return new ContentGivenTwice([err.message]);
  if (err instanceof JsonSyntaxError) return new MalformedDocument(err.message);
  if (err instanceof Base64Error) return new InvalidContentEncoding(err.message);
  return asStorageFull(err);
}

/**
 * Stages a byte stream (an object from a bucket) the same way as inline content: hashed while written,
 * refused once it passes `maxBytes`.
 */
export async function stageStream(
  source: AsyncIterable<Uint8Array>, staging: StagingArea, maxBytes: number, opts: { toBlobStore?: boolean } = {},
): Promise<StagedFile> {
  const file = staging.create(opts);
  try {
    for await (const chunk of source) {
      if (file.bytesWritten + chunk.length > maxBytes) throw new ZippedTooLarge(maxBytes);
      await file.write(chunk);
    }
    await file.finish();
    return file;
  } catch (err) {
    await file.discard();
    (source as { destroy?: () => void }).destroy?.();
    throw asStorageFull(err);
  }
}
