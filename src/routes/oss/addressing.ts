/**
 * Which requests are for the object endpoint, and which bucket and key they name.
 *
 * Strata serves OSS on its own port, beside the layer APIs: a request is an OSS request when it carries OSS's
 * marks (an `OSS`/`OSS4-HMAC-SHA256` Authorization, an `x-oss-*` header, or the query of an OSS signed URL),
 * which no layer API client sends. Every OSS client sends at least one: ali-oss always sends `x-oss-date`.
 *
 * The bucket comes, in this order, from:
 * 1. the Host, virtual-hosted style: `<bucket>.oss-<region>.aliyuncs.com` (OSS's own endpoints), or
 *    `<bucket>.<domain>` for a domain of STRATA_OSS_DOMAINS. ali-oss pointed at an IP address connects there but
 *    sends `Host: <bucket>.<region>.aliyuncs.com` (createRequest: `if (isIP(endpoint.hostname)) headers.host =
 *    \`${bucket}.${setRegion(region).host}\``, region `oss-cn-hangzhou` by default; the same in the 6.18.1 that
 *    Serverless Devs bundles), and a path of just `/<object>` (getReqUrl adds the bucket to neither host nor path
 *    for an IP). So `FC_CODE_TEMP_OSS_ENDPOINT=http://127.0.0.1:4588` needs no hosts entry.
 * 2. a security token Strata issued, when neither the Host nor the path's first segment names its bucket: the
 *    token is bound to one bucket, so a client that names the bucket nowhere (a proxy rewriting the Host, curl)
 *    still reaches it.
 * 3. the path: `/<bucket>/<key>` (path style: oss2 with an IP or localhost endpoint, _UrlMaker).
 */
import type { IncomingMessage } from 'node:http';

const MARKED_QUERY = /[?&](OSSAccessKeyId|x-oss-credential|x-oss-signature-version)=/;
const ALIYUN_HOST = /^([^.]+)\.oss-[a-z0-9-]+\.aliyuncs\.com$/;

export function isOssRequest(req: IncomingMessage): boolean {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^(OSS|OSS4-HMAC-SHA256) /.test(auth)) return true;
  for (const name of Object.keys(req.headers)) if (name.startsWith('x-oss-')) return true;
  return MARKED_QUERY.test(req.url ?? '');
}

export interface Target {
  /** Empty when the request names no bucket (`GET /`, ListBuckets). */
  bucket: string;
  /** Empty for requests on the bucket itself. */
  key: string;
}

/** `path` is the decoded path without its leading `/`; `tokenBucket` the bucket of a valid Strata token. */
export function resolveTarget(host: string, path: string, domains: readonly string[], tokenBucket?: string): Target {
  const hosted = hostedBucket(host, domains);
  if (hosted !== undefined) return { bucket: hosted, key: path };
  const slash = path.indexOf('/');
  const first = slash < 0 ? path : path.slice(0, slash);
  const rest = slash < 0 ? '' : path.slice(slash + 1);
  if (tokenBucket !== undefined && first !== tokenBucket) return { bucket: tokenBucket, key: path };
  return { bucket: first, key: rest };
}

function hostedBucket(host: string, domains: readonly string[]): string | undefined {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  const aliyun = ALIYUN_HOST.exec(name);
  if (aliyun) return aliyun[1];
  for (const domain of domains) {
    if (name.endsWith(`.${domain}`)) {
      const label = name.slice(0, -domain.length - 1);
      if (label !== '' && !label.includes('.')) return label;
    }
  }
  return undefined;
}

/** OSS bucket names: 3 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit. */
export function isBucketName(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket);
}

/** OSS object names: 1 to 1023 bytes of UTF-8 that start with neither `/` nor `\`. */
export function objectNameProblem(key: string): string | undefined {
  if (Buffer.byteLength(key) > 1023) return 'it is longer than 1023 bytes';
  if (key.startsWith('/') || key.startsWith('\\')) return "it starts with '/' or '\\'";
  return undefined;
}
