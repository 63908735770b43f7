/**
 * OSS's V1 signature, `Authorization: OSS <AccessKeyId>:<Signature>` and the V1 signed URL
 * (`?OSSAccessKeyId=&Expires=&Signature=`), in pure functions (help.aliyun.com/document_detail/31951.html, "在Header中
 * 包含V1签名"; the signed URL: document_detail/31952.html):
 *
 *   Signature = base64(hmac-sha1(AccessKeySecret, VERB + "\n" + Content-MD5 + "\n" + Content-Type + "\n" + Date + "\n"
 *               + CanonicalizedOSSHeaders + CanonicalizedResource))
 *
 * - Date: the `x-oss-date` header when there is one, else `Date` (oss2 auth.py `__get_string_to_sign`:
 *   `req.headers.get('x-oss-date', '') or req.headers.get('date', '')`; ali-oss signUtils.buildCanonicalString signs
 *   `x-oss-date` and sends no Date at all); for a signed URL, the `Expires` parameter.
 * - CanonicalizedOSSHeaders: every `x-oss-*` header, name lower-cased, sorted, `name:value\n`, the value trimmed.
 * - CanonicalizedResource: `/<bucket>/<key>` with the key as is (not percent-encoded: oss2 `'/{0}/{1}'.format(...)`,
 *   ali-oss `_getResource`), `/<bucket>/` for the bucket itself, `/` for none, then the sub-resources the query holds,
 *   sorted, `name` or `name=value` with the value decoded. Other query parameters are not signed.
 *
 * Checked against the OSS documentation's example and the alibabacloud-oss-go-sdk-v2 signer tests
 * (test/unit/auth/oss-signatures.test.ts).
 */
import { createHmac } from 'node:crypto';
import { type HttpParts, header, queryPairs } from './http-parts.js';

/**
 * The query parameters that are signed: OSS's sub-resources, as oss2 lists them (auth.py ProviderAuth
 * `_subresource_key_set`, the list OSS's V1 documentation points to).
 */
export const OSS_V1_SUBRESOURCES: ReadonlySet<string> = new Set([
  'response-content-type', 'response-content-language', 'response-cache-control', 'logging', 'response-content-encoding',
  'acl', 'uploadId', 'uploads', 'partNumber', 'group', 'link', 'delete', 'website', 'location', 'objectInfo', 'objectMeta',
  'response-expires', 'response-content-disposition', 'cors', 'lifecycle', 'restore', 'qos', 'referer', 'stat',
  'bucketInfo', 'append', 'position', 'security-token', 'live', 'comp', 'status', 'vod', 'startTime', 'endTime',
  'x-oss-process', 'symlink', 'callback', 'callback-var', 'tagging', 'encryption', 'versions', 'versioning', 'versionId',
  'policy', 'requestPayment', 'x-oss-traffic-limit', 'qosInfo', 'asyncFetch', 'x-oss-request-payer', 'sequential',
  'inventory', 'inventoryId', 'continuation-token', 'worm', 'wormId', 'wormExtend', 'replication', 'replicationLocation',
  'replicationProgress', 'transferAcceleration', 'cname', 'metaQuery', 'x-oss-ac-source-ip', 'x-oss-ac-subnet-mask',
  'x-oss-ac-vpc-id', 'x-oss-ac-forward-allow', 'resourceGroup', 'style', 'styleName', 'x-oss-async-process', 'regionList',
  'x-oss-write-get-object-response', 'bucketArchiveDirectRead', 'httpsConfig', 'redundancyTransition',
  'x-oss-target-redundancy-type', 'x-oss-redundancy-transition-taskid', 'accessPoint', 'accessPointPolicy',
  'publicAccessBlock', 'x-oss-access-point-name', 'requesterQosInfo', 'qosRequester', 'resourcePoolInfo', 'resourcePool',
  'resourcePoolBuckets',
]);

/** Every `x-oss-*` header, `name:value\n` each, sorted by name; repeated headers joined with commas. */
export function ossV1CanonicalHeaders(parts: HttpParts): string {
  return [...parts.headers.keys()]
    .filter((name) => name.startsWith('x-oss-'))
    .sort()
    .map((name) => `${name}:${(parts.headers.get(name) ?? []).map((v) => v.trim()).join(',')}\n`)
    .join('');
}

/** `/<bucket>/<key>` (or `/` without a bucket) and the sorted sub-resources of the query. */
export function ossV1CanonicalResource(parts: HttpParts, bucket: string, key: string): string {
  const path = bucket === '' ? '/' : `/${bucket}/${key}`;
  const subresources = queryPairs(parts.rawQuery, { plusAsSpace: true })
    .filter(([name]) => OSS_V1_SUBRESOURCES.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => (value === '' ? name : `${name}=${value}`));
  return subresources.length === 0 ? path : `${path}?${subresources.join('&')}`;
}

/** The time a V1 header signature signs: `x-oss-date`, else `Date`. */
export function ossV1Date(parts: HttpParts): string | undefined {
  return header(parts, 'x-oss-date') ?? header(parts, 'date');
}

/** `dateOrExpires`: ossV1Date for the header form, the `Expires` parameter for a signed URL. */
export function ossV1StringToSign(parts: HttpParts, resource: string, dateOrExpires: string): string {
  return [
    parts.method.toUpperCase(),
    header(parts, 'content-md5') ?? '',
    header(parts, 'content-type') ?? '',
    dateOrExpires,
    ossV1CanonicalHeaders(parts) + resource,
  ].join('\n');
}

export function ossV1Signature(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}
