/**
 * Reads a console upload (multipart/form-data, through @fastify/multipart) into the staging area as it arrives:
 *
 *   description, license, runtime…, architecture…   text fields, first
 *   zip                                              ?content=zip: one file part, the zip
 *   [mtime] file, [mtime] file, …                    ?content=folder: the folder's files, in the order to zip them;
 *                                                    each part's filename is its percent-encoded relative path
 *                                                    (one ASCII token: no charset, no path stripping, no quoting),
 *                                                    optionally after an `mtime` field (epoch milliseconds)
 *
 * The zip (or the zip written from the folder, core/folder-zip.ts) is staged and hashed in one pass with the cloud's
 * limits, as the dialects stage theirs; the body is timed like theirs (body-guard.ts). A refused upload is still read
 * to its end (up to a limit) so that the browser, still sending, sees the answer rather than a reset.
 */
import type { MultipartFile, Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { DomainError, RequestTimedOut, ZippedTooLarge } from '../../core/errors.js';
import { stageFolder, type FolderFile } from '../../core/folder-zip.js';
import { DRAIN_LIMIT, stageStream } from '../../core/ingest.js';
import type { Cloud, LayerVersionMeta } from '../../core/model.js';
import type { StagedFile } from '../../store/staging.js';
import { BodyClock } from '../body-guard.js';
import { ConsoleError } from './errors.js';

export interface UploadOptions {
  cloud: Cloud;
  content: 'zip' | 'folder';
  maxZippedBytes: number;
  maxUnzippedBytes: number;
}

export interface Upload {
  meta: LayerVersionMeta;
  /** The zip, staged and hashed; the caller owns it (publish, or discard). */
  staged: StagedFile;
}

/** Text fields and part headers around the zip: a declared length past the zip limit plus this is refused at once. */
const FORM_SLACK = 1024 * 1024;
const MAX_FOLDER_FILES = 100_000;
const META_FIELDS = new Set(['description', 'license', 'runtime', 'architecture']);

/** `checkMeta` runs once the text fields are in, before any content is read, and throws to refuse the upload. */
export async function readUpload(
  request: FastifyRequest, opts: UploadOptions, checkMeta: (meta: LayerVersionMeta) => void,
): Promise<Upload> {
  const { bodyTimeoutSeconds, minBodyBytesPerSecond } = request.server.config.http;
  const clock = new BodyClock({ idleSeconds: bodyTimeoutSeconds, minBytesPerSecond: minBodyBytesPerSecond });
  try {
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (opts.content === 'zip' && declared > opts.maxZippedBytes + FORM_SLACK) throw new ZippedTooLarge(opts.maxZippedBytes);
    return await read(request, opts, clock, checkMeta);
  } catch (err) {
    if (!(err instanceof RequestTimedOut)) await drain(request, clock);
    throw err;
  } finally {
    clock.stop();
  }
}

async function read(
  request: FastifyRequest, opts: UploadOptions, clock: BodyClock, checkMeta: (meta: LayerVersionMeta) => void,
): Promise<Upload> {
  const fileLimit = opts.content === 'zip' ? opts.maxZippedBytes : opts.maxUnzippedBytes;
  const source = request.parts({
    limits: {
      fieldSize: 64 * 1024,
      fields: MAX_FOLDER_FILES + 64,
      files: opts.content === 'zip' ? 1 : MAX_FOLDER_FILES,
      // One byte over, so that the limit is reported by the staging counters, which know what it means.
      fileSize: fileLimit + 1,
    },
  });
  // Parts tick the clock by their size on the wire, roughly; file contents tick it by their bytes.
  const parts = clock.race(fromParser(source), (p) => clock.tick(p.type === 'file' ? p.filename.length : String(p.value).length))[Symbol.asyncIterator]();
  const fields = new Map<string, string[]>();
  let step = await parts.next();
  for (; !step.done && step.value.type === 'field' && META_FIELDS.has(step.value.fieldname); step = await parts.next()) {
    const { fieldname, value } = step.value;
    fields.set(fieldname, [...(fields.get(fieldname) ?? []), String(value)]);
  }
  const meta = metaOf(fields);
  checkMeta(meta);
  const content = (file: MultipartFile) => clock.race(fromParser<Buffer>(file.file), (chunk) => clock.tick(chunk.length));

  if (opts.content === 'zip') {
    if (step.done) throw new ConsoleError(400, 'NoContent', 'Choose a zip file to upload.');
    const part = expectFile(step.value, 'zip');
    const staged = await stageStream(content(part), request.server.layers.staging, opts.maxZippedBytes);
    try {
      const rest = await parts.next();
      if (!rest.done) throw new ConsoleError(400, 'UnexpectedPart', 'Send the zip file last, and only one.');
    } catch (err) {
      await staged.discard();
      throw err;
    }
    return { meta, staged };
  }

  const first = step;
  async function* files(): AsyncGenerator<FolderFile> {
    let mtime: number | undefined;
    for (let s = first; !s.done; s = await parts.next()) {
      const part = s.value;
      if (part.type === 'field' && part.fieldname === 'mtime') {
        mtime = mtimeOf(String(part.value));
        continue;
      }
      const file = expectFile(part, 'file');
      yield { path: pathOf(file.filename), content: content(file), lastModified: mtime };
      mtime = undefined;
    }
  }
  const staged = await stageFolder(files(), {
    cloud: opts.cloud,
    staging: request.server.layers.staging,
    maxZippedBytes: opts.maxZippedBytes,
    maxUnzippedBytes: opts.maxUnzippedBytes,
  });
  return { meta, staged };
}

/**
 * The parser's own failures (busboy's "Unexpected end of multipart data", "Boundary not found"…) are the client's
 * malformed body, not Strata's fault; Fastify's and the plugin's errors carry a status and stay as they are.
 */
async function* fromParser<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (err) {
    if (err instanceof DomainError || err instanceof ConsoleError || typeof (err as { statusCode?: unknown }).statusCode === 'number') throw err;
    throw new ConsoleError(400, 'MalformedForm', `The upload is not a well-formed multipart/form-data body: ${(err as Error).message}.`);
  }
}

function metaOf(fields: Map<string, string[]>): LayerVersionMeta {
  const one = (name: string) => {
    const values = fields.get(name) ?? [];
    if (values.length > 1) throw new ConsoleError(400, 'InvalidRequest', `Give the ${name} once.`);
    return values[0] === undefined || values[0] === '' ? null : values[0];
  };
  const list = (name: string) => fields.get(name)?.filter((v) => v !== '') ?? null;
  return {
    description: one('description'),
    license: one('license'),
    compatibleRuntimes: list('runtime'),
    compatibleArchitectures: list('architecture'),
  };
}

function expectFile(part: Multipart, name: string): MultipartFile {
  if (part.type !== 'file' || part.fieldname !== name) {
    const what = part.type === 'file' ? `a file part '${part.fieldname}'` : `a field '${part.fieldname}'`;
    throw new ConsoleError(400, 'UnexpectedPart', `The upload has ${what} where a file part '${name}' belongs.`);
  }
  return part;
}

function pathOf(filename: string): string {
  try {
    return decodeURIComponent(filename);
  } catch {
    throw new ConsoleError(400, 'InvalidFileName', `The file name '${filename}' is not a percent-encoded path.`);
  }
}

function mtimeOf(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new ConsoleError(400, 'InvalidRequest', `mtime '${text}' is not a time in epoch milliseconds.`);
  return Number(text);
}

/** Reads and drops the rest of a refused upload, up to DRAIN_LIMIT bytes, so the client gets the answer. */
async function drain(request: FastifyRequest, clock: BodyClock): Promise<void> {
  const raw = request.raw;
  raw.unpipe();
  if (raw.readableEnded || raw.destroyed) return;
  let received = 0;
  try {
    for await (const chunk of clock.race(raw as AsyncIterable<Buffer>, (c) => clock.tick(c.length))) {
      received += chunk.length;
      if (received > DRAIN_LIMIT) break;
    }
  } catch {
    // A client that stalls or goes away while its refused upload is drained gets the refusal or nothing.
  }
}
