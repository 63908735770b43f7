/**
 * PublishLayerVersion: model validation (ValidationException, spec §1.2, §3, §3.1) and unreadable request bodies
 * (InvalidRequestContentException). After every refusal no version number is consumed and nothing is left on disk.
 */
import { PublishLayerVersionCommand, type LambdaClient, type Runtime } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  blobFiles, expectAwsError, expectNoResidue, expectValidationError, expectValidationLines, publish,
  rawRequest, smallZip, uniqueName, type RawResponse,
  startAwsApp, stopAwsApp,
} from '../../helpers/aws.js';

let t: TestApp;
let client: LambdaClient;
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client));

const PUBLISH_RUNTIMES =
  '[nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, java25, python3.10, ' +
  'python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.8, python3.9, java17, nodejs16.x, dotnet10, dotnet8, ' +
  'java11, dotnet6, nodejs18.x, provided.al2, java8.al2]';
const ARCH_CONSTRAINT =
  'Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]';
const LAYER_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+';

/**
 * Publishes v1 of a fresh layer, runs `refuse` (which must fail), then checks that nothing was left behind and
 * that the next publish is v2.
 */
async function afterRefusal(refuse: (name: string) => Promise<unknown>): Promise<void> {
  const name = uniqueName();
  expect((await publish(client, name)).Version).toBe(1);
  const blobsBefore = await blobFiles(t);
  await refuse(name);
  await expectNoResidue(t, blobsBefore);
  expect((await publish(client, name)).Version).toBe(2);
}

/** POSTs a raw body to PublishLayerVersion (for bodies the SDK cannot produce). */
function rawPublish(name: string, body: string) {
  return rawRequest(t.url, `/2018-10-31/layers/${encodeURIComponent(name)}/versions`, { method: 'POST', body });
}

function expectInvalidRequestContent(res: RawResponse) {
  expect(res.status).toBe(400);
  expect(res.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.text);
  expect(Object.keys(body).sort()).toEqual(['Type', 'message']);
  expect(body.Type).toBe('User');
  expect(body.message).toMatch(/^Could not parse request body into json: /);
}

describe('PublishLayerVersion validation', () => {
  it('PublishLayerVersion: an invalid runtime and an invalid architecture give the recorded 2-error message', async () => {
    await afterRefusal(async (name) => {
      await expectValidationError(
        publish(client, name, { CompatibleRuntimes: ['invalidruntime' as never], CompatibleArchitectures: ['invalidarch' as never] }),
        `2 validation errors detected: Value '[invalidruntime]' at 'compatibleRuntimes' failed to satisfy constraint: ` +
          `Member must satisfy enum value set: ${PUBLISH_RUNTIMES}; Value '[invalidarch]' at 'compatibleArchitectures' ` +
          `failed to satisfy constraint: ${ARCH_CONSTRAINT}`,
      );
    });
  });

  it('PublishLayerVersion: mixed valid and invalid values echo the whole lists', async () => {
    await afterRefusal(async (name) => {
      const err = await expectValidationError(
        publish(client, name, {
          CompatibleRuntimes: ['invalidruntime', 'invalidruntime2', 'nodejs20.x'] as never,
          CompatibleArchitectures: ['invalidarch' as never, 'x86_64'],
        }),
        `2 validation errors detected: Value '[invalidruntime, invalidruntime2, nodejs20.x]' at 'compatibleRuntimes' ` +
          `failed to satisfy constraint: Member must satisfy enum value set: ${PUBLISH_RUNTIMES}; ` +
          `Value '[invalidarch, x86_64]' at 'compatibleArchitectures' failed to satisfy constraint: ${ARCH_CONSTRAINT}`,
      );
      // ValidationException is not modeled: the body carries the message only (spec §1.1).
      expect(err.message).toMatch(/^2 validation errors detected: /);
    });
  });

  it('PublishLayerVersion: a null architecture element fails the element constraint', async () => {
    // §1.2: lists are rendered '[a, b]' and architectures are checked element-wise ("…, Member must not be null]");
    // the list itself is not null. The SDK cannot put a null into the list, so this is a raw request.
    const zip = (await smallZip()).toString('base64');
    await afterRefusal(async (name) => {
      const res = await rawPublish(name, JSON.stringify({ Content: { ZipFile: zip }, CompatibleArchitectures: [null] }));
      expect(res.status).toBe(400);
      expect(res.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(res.json.message).toBe(
        `1 validation error detected: Value '[null]' at 'compatibleArchitectures' failed to satisfy constraint: ${ARCH_CONSTRAINT}`,
      );
    });
  });

  it('PublishLayerVersion: more than 15 runtimes is a ValidationException', async () => {
    const runtimes = [
      'nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'python3.9', 'python3.10', 'python3.11', 'python3.12', 'java11',
      'java17', 'java21', 'dotnet6', 'dotnet8', 'ruby3.2', 'ruby3.3', 'provided.al2', 'provided.al2023',
    ];
    await afterRefusal(async (name) => {
      await expectValidationError(
        publish(client, name, { CompatibleRuntimes: runtimes as Runtime[] }),
        `1 validation error detected: Value '[${runtimes.join(', ')}]' at 'compatibleRuntimes' failed to satisfy ` +
          'constraint: Member must have length less than or equal to 15',
      );
    });
  });

  it('PublishLayerVersion: more than 2 architectures is a ValidationException', async () => {
    await afterRefusal(async (name) => {
      await expectValidationError(
        publish(client, name, { CompatibleArchitectures: ['x86_64', 'arm64', 'x86_64'] }),
        "1 validation error detected: Value '[x86_64, arm64, x86_64]' at 'compatibleArchitectures' failed to satisfy " +
          'constraint: Member must have length less than or equal to 2',
      );
    });
  });

  it('PublishLayerVersion: a description over 256 characters is a ValidationException', async () => {
    const description = 'd'.repeat(257);
    await afterRefusal(async (name) => {
      await expectValidationError(
        publish(client, name, { Description: description }),
        `1 validation error detected: Value '${description}' at 'description' failed to satisfy constraint: ` +
          'Member must have length less than or equal to 256',
      );
    });
    // 256 itself is fine.
    expect((await publish(client, uniqueName(), { Description: 'd'.repeat(256) })).Description).toHaveLength(256);
  });

  it('PublishLayerVersion: a license over 512 characters is a ValidationException', async () => {
    const license = 'l'.repeat(513);
    await afterRefusal(async (name) => {
      await expectValidationError(
        publish(client, name, { LicenseInfo: license }),
        `1 validation error detected: Value '${license}' at 'licenseInfo' failed to satisfy constraint: ` +
          'Member must have length less than or equal to 512',
      );
    });
    expect((await publish(client, uniqueName(), { LicenseInfo: 'l'.repeat(512) })).LicenseInfo).toHaveLength(512);
  });

  it('PublishLayerVersion: a LayerName with a slash fails the name pattern', async () => {
    // The SDK percent-encodes the slash (bad%2Fname); Strata must decode it and validate 'bad/name'.
    await expectValidationError(
      publish(client, 'bad/name'),
      `1 validation error detected: Value 'bad/name' at 'layerName' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${LAYER_NAME_PATTERN}`,
    );
  });

  it('PublishLayerVersion: a LayerName with a dot fails the name pattern', async () => {
    await expectValidationError(
      publish(client, 'bad.name'),
      `1 validation error detected: Value 'bad.name' at 'layerName' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${LAYER_NAME_PATTERN}`,
    );
  });

  it('PublishLayerVersion: a LayerName of 141 characters fails the length constraint; 140 is fine', async () => {
    const long = 'a'.repeat(141);
    await expectValidationError(
      publish(client, long),
      `1 validation error detected: Value '${long}' at 'layerName' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 140',
    );
    const ok = `${uniqueName()}-`.padEnd(140, 'b');
    expect((await publish(client, ok)).Version).toBe(1);
  });

  it('PublishLayerVersion: a LayerName failing both length and pattern gives two errors', async () => {
    const bad = 'a.'.repeat(71);
    const err = await expectValidationError(publish(client, bad), /^2 validation errors detected: /);
    expectValidationLines(err.message, [
      `Value '${bad}' at 'layerName' failed to satisfy constraint: Member must have length less than or equal to 140`,
      `Value '${bad}' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${LAYER_NAME_PATTERN}`,
    ]);
  });

  it('PublishLayerVersion: a missing Content is "Value null at \'content\'"', async () => {
    await afterRefusal(async (name) => {
      // SDK v3 does not check required members client-side: with Content undefined it sends `{}`.
      await expectAwsError(
        client.send(new PublishLayerVersionCommand({ LayerName: name } as never)),
        {
          status: 400,
          code: 'ValidationException',
          message: "1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be null",
        },
      );
    });
  });

  it('PublishLayerVersion: a raw `{}` body is the same ValidationException', async () => {
    // A literal `{}` body, byte for byte, independent of how the SDK serialises a missing member.
    await afterRefusal(async (name) => {
      const res = await rawPublish(name, '{}');
      expect(res.status).toBe(400);
      expect(res.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(JSON.parse(res.text).message).toBe(
        "1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be null",
      );
    });
  });

  it('PublishLayerVersion: malformed JSON is InvalidRequestContentException', async () => {
    // The SDK only sends well-formed JSON.
    await afterRefusal(async (name) => {
      expectInvalidRequestContent(await rawPublish(name, '{"Content": {"ZipFile": "UEsFBg=="'));
    });
    await afterRefusal(async (name) => {
      expectInvalidRequestContent(await rawPublish(name, 'not json at all'));
    });
  });

  it('PublishLayerVersion: a ZipFile that is not base64 is InvalidRequestContentException', async () => {
    // The SDK always base64-encodes ZipFile correctly.
    await afterRefusal(async (name) => {
      expectInvalidRequestContent(await rawPublish(name, '{"Content":{"ZipFile":"this is *not* base64!"}}'));
    });
  });

  it('PublishLayerVersion: a member of the wrong JSON type is InvalidRequestContentException', async () => {
    // The SDK's types (and serialiser) only produce lists for CompatibleRuntimes.
    const zip = (await smallZip()).toString('base64');
    await afterRefusal(async (name) => {
      expectInvalidRequestContent(await rawPublish(name, JSON.stringify({ Content: { ZipFile: zip }, CompatibleRuntimes: 'x' })));
    });
    await afterRefusal(async (name) => {
      expectInvalidRequestContent(await rawPublish(name, JSON.stringify({ Content: { ZipFile: zip }, Description: 5 })));
    });
  });

  it('PublishLayerVersion: a body that is a JSON array is InvalidRequestContentException', async () => {
    // The SDK always sends an object.
    await afterRefusal(async (name) => {
      expectInvalidRequestContent(await rawPublish(name, '[]'));
    });
  });
});
