import { Base64Error, Base64StreamDecoder } from '../codec/base64-stream.js';
import { JsonFieldStream, JsonSyntaxError, JsonTooLargeError } from '../codec/json-field-stream.js';
import type { StagedFile, StagingArea } from '../store/staging.js';
import { ContentGivenTwice, InvalidContentEncoding, MalformedDocument, RequestTooLarge, ZippedTooLarge } from './errors.js';

export interface IngestOptions {
  /** Paths of the string fields that may carry the zip as base64; at most one may be present. */
  contentFields: readonly (readonly string[])[];
  /** The request body limit; bodies over it are refused as soon as that is known. */
  maxBodyBytes: number;
  /** The decoded zip limit. */
  maxContentBytes: number;
  /** The Content-Length the client declared, if any. */
  declaredLength?: number | undefined;
  staging: StagingArea;
}

export interface IngestedDocument {
  /** The parsed document; the content field, if present, holds "" in place of its base64. */
  document: unknown;
  /** The decoded zip, staged on disk and hashed, when a content field was present. */
  content?: { path: readonly string[]; file: StagedFile };
}

/** Small documents only: everything but the content field stays in memory. */
const MAX_REST_BYTES = 16 * 1024 * 1024;

/**
 * Reads a JSON request body in one pass: the base64 zip in the content field is decoded as it arrives and
 * written to a staged file (hashing on the way); the rest of the document is parsed normally. Memory stays
 * flat whatever the layer's size (checksums.md §6.5: buffering base64-in-JSON costs 9–13× the layer in RSS).
 */
export async function ingestJson(source: AsyncIterable<Uint8Array>, opts: IngestOptions): Promise<IngestedDocument> {
  if (opts.declaredLength !== undefined && opts.declaredLength > opts.maxBodyBytes) {
    throw new RequestTooLarge(opts.maxBodyBytes);
  }
  let staged: { path: readonly string[]; file: StagedFile; decoder: Base64StreamDecoder } | undefined;
  let pending: Buffer[] = [];
  const parser = new JsonFieldStream({
    capture: opts.contentFields,
    maxRestBytes: Math.min(MAX_REST_BYTES, opts.maxBodyBytes),
    onData: (path, text) => {
      if (!staged) staged = { path, file: opts.staging.create(), decoder: new Base64StreamDecoder() };
      else if (staged.path !== path && staged.path.join('.') !== path.join('.')) {
        throw new ContentGivenTwice([staged.path.join('.'), path.join('.')]);
      }
      const bytes = staged.decoder.push(text);
      if (bytes.length > 0) pending.push(bytes);
    },
  });

  let received = 0;
  try {
    for await (const chunk of source) {
      received += chunk.length;
      if (received > opts.maxBodyBytes) throw new RequestTooLarge(opts.maxBodyBytes);
      parser.write(chunk);
      await flush();
    }
    const { document, captured } = parser.end();
    if (staged) {
      pending.push(staged.decoder.end());
      await flush();
      await staged.file.finish();
      return { document, content: { path: staged.path, file: staged.file } };
    }
    if (captured.length > 0) {
      // An empty string never calls onData: stage an empty file so the zip checks see zero bytes.
      const file = opts.staging.create();
      await file.finish();
      return { document, content: { path: captured[0]!, file } };
    }
    return { document };
  } catch (err) {
    await staged?.file.discard();
    throw translate(err);
  }

  async function flush(): Promise<void> {
    const chunks = pending;
    pending = [];
    for (const bytes of chunks) {
      if (staged!.file.bytesWritten + bytes.length > opts.maxContentBytes) throw new ZippedTooLarge(opts.maxContentBytes);
      await staged!.file.write(bytes);
    }
  }
}

function translate(err: unknown): unknown {
  if (err instanceof JsonTooLargeError) return new MalformedDocument('the document outside the content is too large');
  if (err instanceof JsonSyntaxError) return new MalformedDocument(err.message);
  if (err instanceof Base64Error) return new InvalidContentEncoding(err.message);
  return err;
}

/**
 * Stages a byte stream (an object from a bucket) the same way as inline content: hashed while written,
 * refused once it passes `maxBytes`.
 */
export async function stageStream(
  source: AsyncIterable<Uint8Array>, staging: StagingArea, maxBytes: number,
): Promise<StagedFile> {
  const file = staging.create();
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
    throw err;
  }
}
