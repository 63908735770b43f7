/**
 * `GET /2016-08-15/tempBucketToken`: where FC's big-package flow uploads a package before publishing it from
 * there. @alicloud/fc2 `getTempBucketToken()` calls it, and so does Serverless Devs fc3 `uploadCodeToTmpOss`
 * for every `s layer publish` whose zip differs from the newest version; both then PUT the zip with ali-oss to `<account>/<objectName>` in `ossBucket`
 * and publish with `code.ossBucketName`/`ossObjectName` (docs/specs/fc-layers.md §6.4). FC 3.0 has no such
 * operation: the fc3 component calls the FC 2.0 one. Response shape: fc-go-sdk oss_temp_token.go.
 *
 * The credentials are Strata's own, valid for that account's part of the bucket on Strata's object endpoint.
 */
import type { FastifyInstance } from 'fastify';
import type { TemporaryGrant } from '../../core/temporary-uploads.js';
import type { FcApiVersion } from './api-versions.js';
import { route } from './route.js';

export default async function tempBucketRoutes(app: FastifyInstance, { api }: { api: FcApiVersion }) {
  route(app, api, 'GET', '/tempBucketToken', 'GetTempBucketToken',
    { summary: 'Issues a temporary bucket object and credentials for uploading a package to it' },
    async (ctx) => tempBucketTokenOut(app.objects.temporary.issue(ctx.caller.account), ctx.caller.region));
}

function tempBucketTokenOut(grant: TemporaryGrant, region: string) {
  return {
    credentials: {
      AccessKeyId: grant.accessKeyId,
      AccessKeySecret: grant.accessKeySecret,
      // STS's form: 2015-04-09T11:52:19Z.
      Expiration: new Date(grant.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      SecurityToken: grant.securityToken,
    },
    // ali-oss takes the region as `oss-<region>` (@alicloud/fc2 publishLayerVersionForBigCode passes it as is).
    ossRegion: `oss-${region}`,
    ossBucket: grant.bucket,
    objectName: grant.objectName,
  };
}
