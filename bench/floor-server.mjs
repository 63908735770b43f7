// The floor of `npm run bench`: the least a publish must do, written plainly. It streams the body, decodes the
// base64 of "ZipFile", hashes it (SHA-256, and CRC-64 with Strata's own engine), writes and renames the file,
// and lists the zip's central directory. No framework, validation, metadata or error shapes. With `power`, the
// durability of STRATA_DURABILITY=power: it also fsyncs the file before the rename and the directory after it;
// with `process` (the default, as Strata's) the kernel keeps the pages, which outlive a kill -9.
// Usage: node bench/floor-server.mjs PORT DIR [process|power] (after `npm run build`, for dist/codec/crc64.js).
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Crc64 } from '../dist/codec/crc64.js';

const [port, dir] = [Number(process.argv[2]), process.argv[3]];
const power = process.argv[4] === 'power';
const MARK = Buffer.from('"ZipFile":"');
await mkdir(join(dir, 'blobs'), { recursive: true });

async function publish(req) {
  const path = join(dir, randomBytes(16).toString('hex'));
  const fh = await open(path, 'w');
  const sha = createHash('sha256');
  const crc = new Crc64();
  let head = Buffer.alloc(0), inField = false, done = false, carry = '', size = 0;
  for await (const chunk of req) {
    let text = chunk;
    if (!inField && !done) {
      head = Buffer.concat([head, chunk]);
      const at = head.indexOf(MARK);
      if (at < 0) continue;
      inField = true;
      text = head.subarray(at + MARK.length);
    }
    if (!inField) continue;
    const quote = text.indexOf(0x22);
    const b64 = carry + text.toString('latin1', 0, quote < 0 ? text.length : quote);
    const whole = quote < 0 ? b64.length - (b64.length % 4) : b64.length;
    carry = b64.slice(whole);
    const bytes = Buffer.from(b64.slice(0, whole), 'base64');
    if (quote >= 0) [inField, done] = [false, true];
    sha.update(bytes);
    crc.update(bytes);
    size += bytes.length;
    await fh.write(bytes);
  }
  if (power) await fh.sync();
  await fh.close();
  const blob = join(dir, 'blobs', randomBytes(16).toString('hex'));
  await rename(path, blob);
  if (power) await syncPath(join(dir, 'blobs'));
  return { CodeSha256: sha.digest('base64'), CodeSize: size, Crc64: crc.toString(), Entries: await listZip(blob) };
}

async function syncPath(path) {
  const fh = await open(path, 'r');
  await fh.sync();
  await fh.close();
}

/** Counts the central directory's records, read from the end of the file (no data is read). */
async function listZip(path) {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tail = Buffer.alloc(Math.min(size, 65_557));
    await fh.read(tail, 0, tail.length, size - tail.length);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error('not a zip');
    const [count, cdSize, cdOffset] = [tail.readUInt16LE(eocd + 10), tail.readUInt32LE(eocd + 12), tail.readUInt32LE(eocd + 16)];
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    let entries = 0;
    for (let at = 0; entries < count && cd.readUInt32LE(at) === 0x02014b50; entries++) {
      at += 46 + cd.readUInt16LE(at + 28) + cd.readUInt16LE(at + 30) + cd.readUInt16LE(at + 32);
    }
    return entries;
  } finally {
    await fh.close();
  }
}

createServer((req, res) => {
  if (req.method !== 'POST') return void res.end('{}');
  publish(req).then(
    (out) => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(out)),
    (err) => res.writeHead(400).end(JSON.stringify({ message: err.message })),
  );
}).listen(port, '127.0.0.1');
