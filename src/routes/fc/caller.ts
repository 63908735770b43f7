import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { AccessDenied } from './errors.js';

export interface FcCaller {
  accessKeyId: string | undefined;
  account: string;
  region: string;
}

/**
 * The access key id of each signing scheme the SDKs use (docs/specs/fc-layers.md §4): `FC <ak>:<sig>` (2016-08-15 SDKs),
 * `acs <ak>:<sig>` (tea-roa, Terraform) and `ACS3-HMAC-SHA256 Credential=<ak>,…` (2021 and 2023 SDKs).
 * Signatures are not verified.
 */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const m = /^(?:FC|acs)\s+([^:\s]+):/.exec(authorization) ?? /^ACS3-[A-Z0-9-]+\s+Credential=([^,\s]+)/.exec(authorization);
  return m?.[1];
}

/**
 * The account a Host names. FC's endpoints are `<account-id>.<region>.fc.aliyuncs.com`, and the clients that
 * build them from a configured endpoint (Terraform's alicloud provider, both its FC clients) connect to
 * `<account-id>.<endpoint>`, e.g. `1234567890123456.localhost:4588` (docs/specs/tools-on-the-wire.md, Terraform).
 * An IP address (`127.0.0.1`, which @alicloud/fc2 sends) names none.
 */
export function hostAccountOf(host: string | undefined): string | undefined {
  const name = (host ?? '').replace(/:\d+$/, '');
  if (isIP(name) !== 0 || name.startsWith('[')) return undefined;
  return /^(\d+)\./.exec(name)?.[1];
}

/**
 * The caller's account is the one its access key belongs to: with signatures verified, its credential's account
 * (STRATA_FC_ACCESS_KEYS is then not used); otherwise STRATA_FC_ACCESS_KEYS, else the default account. That holds
 * whichever API version it calls, so a layer created through one SDK is seen through the others. A request
 * whose `X-Fc-Account-Id`, or whose Host's account prefix, names another account is refused, as FC refuses a
 * key acting for another account.
 */
export function callerOf(
  request: FastifyRequest,
  config: { accountId: string; region: string; accessKeys: ReadonlyMap<string, string> },
): FcCaller {
  const principal = request.fcPrincipal;
  const accessKeyId = principal?.accessKeyId ?? accessKeyIdOf(request.headers.authorization);
  const account = principal?.account ?? ((accessKeyId !== undefined && config.accessKeys.get(accessKeyId)) || config.accountId);
  const header = request.headers['x-fc-account-id'];
  const claims: [string | undefined, string][] = [
    [typeof header === 'string' && header !== '' ? header : undefined, 'X-Fc-Account-Id'],
    [hostAccountOf(request.headers.host), 'the Host'],
  ];
  for (const [claimed, by] of claims) {
    if (claimed !== undefined && claimed !== account) {
      throw new AccessDenied(
        `the access key '${accessKeyId ?? '(none)'}' belongs to account '${account}', not to account '${claimed}' named by ${by}`,
      );
    }
  }
  return { accessKeyId, account, region: config.region };
}
