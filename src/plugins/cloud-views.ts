/**
 * What each dialect tells Strata's own surfaces (the console, merged /opt trees) about its cloud: how the cloud shows a
 * layer version, which checks it applies to a publish, a grant or a function's layers, its limits and value sets. Each dialect registers its view when it
 * is registered, so the console shows exactly what the dialect serves without importing a dialect.
 */
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { LayerVersionId, MountRules } from '../core/layer-mount.js';
import type { Cloud, Grant, LayerRef, LayerVersion, LayerVersionMeta } from '../core/model.js';

/** One read operation's response, as one API version of the cloud shapes it. */
export interface CloudResponse {
  api: string;
  operation: string;
  body: unknown;
}

/** A refusal as the cloud sends it: HTTP status, headers, JSON body, and its code and message for a terminal. */
export interface WireRefusal {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  code: string;
  message: string;
}

/** How the cloud reads the layer version ARNs of a function, checks and stacks its layers, and words a refusal. */
export interface MountView {
  /** Whether the string is meant as one of this cloud's layer version ARNs, valid or not (its prefix). */
  claims(arn: string): boolean;
  /** The layer version a claimed ARN names; throws (a dialect or domain error) when it names none. */
  parse(arn: string): LayerVersionId;
  rules: MountRules;
  /** Any error thrown while mounting, as the cloud answers it (unexpected ones as its internal error). */
  refusal(err: unknown): WireRefusal;
}

/**
 * `list` in natural order ('python3.9' before 'python3.10'), the order a form offers runtimes in. Views sort on first
 * read: collation loads ICU's data, about 2 MiB of resident memory that nothing else needs at start (Node 20).
 */
export function naturalOrder(list: Iterable<string>): readonly string[] {
  return [...list].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export interface CloudView {
  cloud: Cloud;
  /** The cloud's product name, e.g. "AWS Lambda". */
  title: string;
  /** The account and region a caller gets when it names none. */
  defaultScope: { account: string; region: string };
  limits: { maxZippedBytes: number; maxUnzippedBytes: number };
  /** The values a publish accepts, in the order a form should offer them. */
  runtimes: readonly string[];
  architectures: readonly string[];
  /** Per-version policy statements (grant and revoke), or one public/private switch for the whole layer. */
  access: 'policy' | 'acl';
  /** The checksum the cloud returns for the content, under the name it uses. */
  checksum(v: LayerVersion): { name: string; algorithm: string; value: string };
  /** What the cloud's read operations return for the version, newest API version first. */
  responses(v: LayerVersion, request: FastifyRequest): CloudResponse[];
  /** Why the cloud would refuse to publish this, in its words; undefined when it would accept it. */
  publishProblem(ref: LayerRef, meta: LayerVersionMeta): string | undefined;
  /** For `access: 'policy'`: the policy document the cloud returns for these grants. */
  policyDocument?(ref: LayerRef, version: number, grants: Grant[]): string;
  /** For `access: 'policy'`: why the cloud would refuse this grant, in its words; undefined when it would accept it. */
  grantProblem?(ref: LayerRef, version: number, grant: Grant): string | undefined;
  /** For `access: 'policy'`: throws (a domain error) when the grants would make a policy the cloud refuses. */
  checkGrants?(ref: LayerRef, version: number, grants: Grant[]): void;
  /** A function's layers, for a merged /opt (plugins/layer-mounts.ts). */
  mount: MountView;
}

export class CloudViews {
  private readonly views = new Map<Cloud, CloudView>();

  register(view: CloudView): void {
    if (this.views.has(view.cloud)) throw new Error(`a view of ${view.cloud} is registered already`);
    this.views.set(view.cloud, view);
  }

  get(cloud: Cloud): CloudView | undefined {
    return this.views.get(cloud);
  }

  /** Every registered view, AWS first. */
  all(): CloudView[] {
    return [...this.views.values()].sort((a, b) => a.cloud.localeCompare(b.cloud));
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    cloudViews: CloudViews;
  }
}

/** Must be registered before the dialects, which register their views on it. */
export default fp(
  async (app) => {
    app.decorate('cloudViews', new CloudViews());
  },
  { name: 'strata-cloud-views' },
);
