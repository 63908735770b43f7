/**
 * `GET /_strata/opt?arn=…&arn=…[&runtime=…]`: the /opt a function with these layers would see, as one zip. The
 * layers are merged in the order given as their cloud merges them, after the checks their cloud applies to a
 * function's layers (each cloud view's `mount`: routes/aws/mount.ts, routes/fc/mount.ts); refusals answer in that cloud's words, as its
 * CreateFunction would. The zip streams from the layers' own zips: its entries are stored, its size is known up front.
 * By design: no caller identity is checked (Strata's own surface), so a layer of any account can be merged and AWS's
 * check of a cross-account layer's policy is not applied; with STRATA_ADMIN_TOKEN set, the route needs that token
 * (routes/admin.ts), as Strata's other routes that reach past the clouds' access checks do.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { zipTree } from '../codec/zip-write.js';
import type { MountedTree } from '../core/layer-mount.js';
import { MountRequestError, OPT_PATH } from '../plugins/layer-mounts.js';
import { requireAdmin } from './admin.js';

export default async function optRoutes(app: FastifyInstance) {
  const json = (description: string) => ({
    description,
    content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
  });
  const schema = {
    tags: ['Strata'],
    operationId: 'GetMergedOpt',
    summary: "The /opt of a function with these layers: their zips merged into one, in the given order, as the layers' cloud merges them",
    querystring: z.object({
      arn: z.union([z.string(), z.array(z.string())]).describe(
        'A layer version ARN, once per layer in the order the function lists them: all AWS Lambda ' +
          '(arn:aws:lambda:<region>:<account>:layer:<name>:<version>) or all Function Compute ' +
          '(acs:fc:<region>:<account>:layers/<name>/versions/<version>)',
      ),
      runtime: z.string().optional().describe("The function's runtime; Function Compute refuses a layer that does not list it"),
    }),
    response: {
      200: {
        description: 'The merged tree as a zip of stored (not deflated) entries, modes and symbolic links kept',
        content: { 'application/zip': { schema: z.string() } },
      },
      400: json(
        "A refusal in the layers' cloud's words: AWS `InvalidParameterValueException` (more than 5 layers, over 262144000 " +
          'bytes unzipped, two versions of one layer, another region, a missing version) or `ValidationException` (an ARN ' +
          'without its version) with its x-amzn-ErrorType header; FC `InvalidArgument` (a runtime the layer does not list, ' +
          "a malformed ARN) or `LimitExceededError` (more than 5 layers) in FC 3.0's body; or Strata's own {message} when " +
          'the ARNs are of no cloud, or of both',
      ),
      401: json('STRATA_ADMIN_TOKEN is set and the request does not carry it'),
      404: json('FC `LayerVersionNotFound`: a Function Compute layer version that does not exist'),
      500: json("The cloud's internal error (the blob store or the disk failed; see Strata's log)"),
    },
  };

  const guard = requireAdmin(app.config.auth.adminToken);
  app.get(OPT_PATH, { schema, preHandler: guard, config: { surface: 'strata', operation: 'GetMergedOpt' } }, async (request, reply) => {
    const query = request.query as Record<string, string | string[] | undefined>;
    const arns = [query.arn ?? []].flat();
    const runtime = [query.runtime ?? []].flat()[0];
    let view;
    try {
      view = app.layerMounts.viewOf(arns);
    } catch (err) {
      if (err instanceof MountRequestError) return reply.status(400).send({ message: err.message });
      throw err;
    }
    let tree: MountedTree;
    try {
      tree = await app.layerMounts.mount(view, arns, runtime);
    } catch (err) {
      const refusal = view.refusal(err);
      if (refusal.status >= 500) request.log.error({ err }, 'merging layers failed');
      return reply.status(refusal.status as 400).headers(refusal.headers).type('application/json').send(refusal.body);
    }
    const { stream, size } = await zipTree(tree.entries, (entry) => tree.open(entry));
    reply.raw.once('close', () => void tree.close());
    stream.once('error', (err) => request.log.error({ err }, 'streaming the merged layers failed'));
    reply.type('application/zip').header('content-disposition', 'attachment; filename="opt.zip"');
    if (size !== undefined) reply.header('content-length', size);
    return reply.send(stream);
  });
}
