/**
 * Merged /opt trees for Strata's own surfaces (GET /_strata/opt, `strata opt --data-dir`): which cloud a list of layer
 * version ARNs belongs to, the checks that cloud applies to a function's layers, and its refusals in its own words.
 * Each dialect registers how it reads its ARNs, its rules and its error wording when it is registered, so these
 * surfaces import no dialect.
 */
import fp from 'fastify-plugin';
import { mountLayers, type LayerVersionId, type MountRules, type MountedTree } from '../core/layer-mount.js';
import type { LayerService } from '../core/layer-service.js';
import type { Cloud } from '../core/model.js';

/** A refusal as the cloud sends it: HTTP status, headers, JSON body, and its code and message for a terminal. */
export interface WireRefusal {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  code: string;
  message: string;
}

export interface MountDialect {
  cloud: Cloud;
  /** Whether the string is meant as one of this cloud's layer version ARNs, valid or not (its prefix). */
  claims(arn: string): boolean;
  /** The layer version a claimed ARN names; throws (a dialect or domain error) when it names none. */
  parse(arn: string): LayerVersionId;
  rules: MountRules;
  /** Any error thrown while mounting, as the cloud answers it (unexpected ones as its internal error). */
  refusal(err: unknown): WireRefusal;
}

/** A request Strata refuses before any cloud is concerned (no ARN, ARNs of no cloud or of two). */
export class MountRequestError extends Error {
  override readonly name = 'MountRequestError';
}

export class LayerMounts {
  private readonly dialects: MountDialect[] = [];

  constructor(private readonly layers: LayerService) {}

  register(dialect: MountDialect): void {
    if (this.dialects.some((d) => d.cloud === dialect.cloud)) throw new Error(`${dialect.cloud} mounts are registered already`);
    this.dialects.push(dialect);
  }

  /** The cloud the ARNs belong to; MountRequestError when they name none, or several. */
  dialectOf(arns: readonly string[]): MountDialect {
    if (arns.length === 0) throw new MountRequestError('name at least one layer version ARN: ?arn=<ARN>&arn=<ARN>…');
    const owners = arns.map((arn) => this.dialects.find((d) => d.claims(arn)));
    const unknown = arns.find((_, i) => owners[i] === undefined);
    if (unknown !== undefined) {
      throw new MountRequestError(
        `'${unknown}' is not a layer version ARN of AWS Lambda (arn:aws:lambda:<region>:<account>:layer:<name>:<version>) ` +
          'or Function Compute (acs:fc:<region>:<account>:layers/<name>/versions/<version>)',
      );
    }
    if (new Set(owners).size > 1) throw new MountRequestError("the layers of one function are all AWS Lambda's or all Function Compute's, not both");
    return owners[0]!;
  }

  /** The merged tree of the ARNs' layers, in the given order, checked by their cloud's rules; the caller closes it. */
  async mount(dialect: MountDialect, arns: readonly string[], runtime: string | undefined): Promise<MountedTree> {
    return mountLayers(this.layers, arns.map((arn) => dialect.parse(arn)), dialect.rules, runtime);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    layerMounts: LayerMounts;
  }
}

/** Registered after the services and before the dialects, which register their mount dialects on it. */
export default fp(
  async (app) => {
    app.decorate('layerMounts', new LayerMounts(app.layers));
  },
  { name: 'strata-layer-mounts', dependencies: ['strata-services'] },
);
