import type { FastifyRequest } from 'fastify';
import type { LayerRef } from '../../core/model.js';
import { parseLayerArn } from './arn.js';

export interface Caller {
  account: string;
  region: string;
}

// SigV4: "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/lambda/aws4_request, SignedHeaders=…, Signature=…"
const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\//;

/**
 * The caller's account and region. With signatures verified (auth.ts), the account of the credential that signed
 * and the region of its scope. Otherwise the region from the SigV4 credential scope and the account from an access
 * key id of 12 digits (the convention LocalStack and moto use), each falling back to the configured default.
 */
export function callerOf(request: FastifyRequest, defaults: Caller): Caller {
  const principal = request.awsPrincipal;
  if (principal) return { account: principal.account, region: principal.region };
  const m = CREDENTIAL.exec(request.headers.authorization ?? '');
  if (!m) return defaults;
  return { account: /^\d{12}$/.test(m[1]!) ? m[1]! : defaults.account, region: m[2]! };
}

/** A `LayerName` member is a name (the caller's layer) or a layer ARN naming its own account and region. */
export function layerRefOf(layerName: string, caller: Caller): LayerRef {
  const arn = parseLayerArn(layerName);
  if (arn) return { cloud: 'aws', account: arn.account, region: arn.region, name: arn.name };
  return { cloud: 'aws', account: caller.account, region: caller.region, name: layerName };
}
