/**
 * The FC 3.0 layer lifecycle through the Alibaba Cloud Java SDK (com.aliyun:fc20230330), a small program
 * (test/clients/java FcLayers) run against a live Strata: the values asserted are those the SDK parsed into its
 * models, and the errors are TeaExceptions with FC's error codes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_ZIP, javaClient, runOnce } from '../../helpers/sdk-clients.js';

const ARN = 'acs:fc:cn-hangzhou:1234567890123456:layers/java-layer/versions';
const CREATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const REQUEST_ID = '1-[0-9a-f]{8}-[0-9a-f]{24}';
const client = javaClient('FcLayers');

describe.skipIf(!client)('Alibaba Cloud FC 3.0 Java SDK', () => {
  const result = runOnce(client);
  let out: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  beforeEach(() => {
    out = result();
  });

  const version = (n: number, fields: Record<string, unknown>) => ({
    layerName: 'java-layer',
    version: n,
    layerVersionArn: `${ARN}/${n}`,
    codeChecksum: CLIENT_ZIP.crc64,
    codeSize: CLIENT_ZIP.size,
    createTime: expect.stringMatching(CREATE_TIME),
    compatibleRuntime: ['java17'],
    repositoryType: 'OSS',
    ...fields,
  });

  /** A TeaException as the SDK builds it from FC 3.0's `{Code, Message, RequestId}` body. */
  const teaError = (code: string, message: string) => ({
    code,
    statusCode: 404,
    message: expect.stringMatching(new RegExp(`^code: 404, ${message} request id: ${REQUEST_ID}$`)),
    dataMessage: message,
  });

  it('CreateLayerVersion (Java SDK): versions 1, 2, 3 with the zip CRC-64 and size', () => {
    expect(out.created).toEqual([
      version(1, { description: 'v1', license: 'MIT', acl: '0' }),
      // Created after PutLayerACL made the layer public: the ACL is the layer's, for every version.
      version(2, { description: 'v2', license: '', acl: '1' }),
      version(3, { description: 'v3', license: '', acl: '1' }),
    ]);
  });

  it('GetLayerVersion (Java SDK): the first version, public, and its code.location downloads the zip', () => {
    expect(out.get).toEqual({
      ...version(1, { description: 'v1', license: 'MIT', acl: '1' }),
      downloadedSha256: CLIENT_ZIP.sha256Base64,
    });
  });

  it('GetLayerVersionByArn (Java SDK): the version the ARN names', () => {
    expect(out.getByArn).toEqual({ layerName: 'java-layer', version: 2, description: 'v2' });
  });

  it('ListLayerVersions (Java SDK): oldest first, two a page, nextVersion followed to the end', () => {
    expect(out.versionPages).toEqual([[1, 2], [3]]);
  });

  it('ListLayers (Java SDK): one layer a page with its newest version, nextToken followed to the end', () => {
    expect(out.layerPages).toEqual([[{ layerName: 'java-layer', version: 3 }], [{ layerName: 'java-other', version: 1 }]]);
  });

  it('PutLayerACL (Java SDK): acl 1 makes the layer public; ListLayers(public) lists it alone', () => {
    expect(out.publicLayers).toEqual([{ layerName: 'java-layer', acl: '1' }]);
  });

  it('DeleteLayerVersion (Java SDK): 204, then LayerVersionNotFound as a TeaException; the others stay', () => {
    expect(out.deleteStatus).toBe(204);
    expect(out.getAfterDelete).toEqual(teaError('LayerVersionNotFound', "layer 'java-layer' version '1' does not exist"));
    expect(out.versionsAfterDelete).toEqual([[2, 3]]);
  });

  it('GetLayerVersion (Java SDK): an unknown layer is LayerNotFound as a TeaException', () => {
    expect(out.missingLayer).toEqual(teaError('LayerNotFound', "layer 'no-such-layer' does not exist"));
  });
});
