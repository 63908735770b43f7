/**
 * AddLayerVersionPermission, RemoveLayerVersionPermission and GetLayerVersionPolicy (spec §2 RevisionId/Statement/Policy,
 * §3.7–§3.9).
 */
import {
  AddLayerVersionPermissionCommand, type AddLayerVersionPermissionCommandInput, DeleteLayerVersionCommand,
  GetLayerVersionPolicyCommand, RemoveLayerVersionPermissionCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import {
  ACCOUNT, REGION, UUID, expectAwsError, expectValidationError, notFoundBody, publish, rawOf, uniqueName,
  userErrorBody,
  startAwsApp, stopAwsApp,
} from '../../helpers/aws.js';

const REVISION_MISMATCH =
  'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id';
const NO_POLICY = 'No policy is associated with the given resource.';

let t: TestApp;
let client: LambdaClient;
beforeAll(async () => ({ t, client } = await startAwsApp()));
afterAll(() => stopAwsApp(t, client));

const versionArn = (name: string, v: number) => `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}:${v}`;

type AddInput = Partial<AddLayerVersionPermissionCommandInput>;
function add(name: string, version: number, input: AddInput = {}) {
  return client.send(
    new AddLayerVersionPermissionCommand({
      LayerName: name,
      VersionNumber: version,
      StatementId: 's1',
      Action: 'lambda:GetLayerVersion',
      Principal: '*',
      ...input,
    }),
  );
}
const remove = (name: string, version: number, StatementId: string, RevisionId?: string) =>
  client.send(new RemoveLayerVersionPermissionCommand({ LayerName: name, VersionNumber: version, StatementId, RevisionId }));
const getPolicy = (name: string, version: number) =>
  client.send(new GetLayerVersionPolicyCommand({ LayerName: name, VersionNumber: version }));

/** A fresh layer with version 1 (and `versions - 1` more). */
async function layer(versions = 1): Promise<string> {
  const name = uniqueName();
  for (let i = 0; i < versions; i++) await publish(client, name);
  return name;
}

function expectNotFound(call: Promise<unknown>, message: string) {
  return expectAwsError(call, { status: 404, code: 'ResourceNotFoundException', message, body: notFoundBody(message) });
}

describe('AddLayerVersionPermission', () => {
  it('AddLayerVersionPermission: returns 201 with the Statement as a compact JSON string and a RevisionId', async () => {
    const name = await layer();
    const out = await add(name, 1, { StatementId: 'public', Principal: '*' });
    const raw = rawOf(out);
    expect(raw.status).toBe(201);
    expect(Object.keys(raw.json).sort()).toEqual(['RevisionId', 'Statement']);
    expect(typeof raw.json.Statement).toBe('string');
    expect(raw.json.Statement).toBe(
      `{"Sid":"public","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"${versionArn(name, 1)}"}`,
    );
    expect(raw.json.RevisionId).toMatch(UUID);
  });

  it('AddLayerVersionPermission: a 12-digit account principal becomes {"AWS":"arn:aws:iam::ACCOUNT:root"}', async () => {
    const name = await layer();
    const out = await add(name, 1, { StatementId: 'xaccount', Principal: '210987654321' });
    expect(JSON.parse(out.Statement!)).toEqual({
      Sid: 'xaccount',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::210987654321:root' },
      Action: 'lambda:GetLayerVersion',
      Resource: versionArn(name, 1),
    });
  });

  it('AddLayerVersionPermission: an account root ARN principal is rendered the same way', async () => {
    const name = await layer();
    const out = await add(name, 1, { StatementId: 'rootarn', Principal: 'arn:aws:iam::210987654321:root' });
    expect(JSON.parse(out.Statement!).Principal).toEqual({ AWS: 'arn:aws:iam::210987654321:root' });
  });

  it('AddLayerVersionPermission: OrganizationId adds a StringEquals aws:PrincipalOrgID condition', async () => {
    const name = await layer(3);
    const out = await add(name, 3, { StatementId: 'engineering-org', Principal: '*', OrganizationId: 'o-t194hfs8cz' });
    expect(out.Statement).toBe(
      `{"Sid":"engineering-org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion",` +
        `"Resource":"${versionArn(name, 3)}","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-t194hfs8cz"}}}`,
    );
  });

  it('AddLayerVersionPermission: a duplicate statement id is 409 ResourceConflictException', async () => {
    const name = await layer();
    await add(name, 1, { StatementId: 's1' });
    const message =
      'The statement id (s1) provided already exists. Please provide a new statement id, or remove the existing statement.';
    await expectAwsError(add(name, 1, { StatementId: 's1', Principal: '210987654321' }), {
      status: 409,
      code: 'ResourceConflictException',
      message,
      body: userErrorBody(message),
    });
  });

  it('AddLayerVersionPermission: a stale RevisionId is 412 PreconditionFailedException', async () => {
    const name = await layer();
    const first = await add(name, 1, { StatementId: 's1' });
    await add(name, 1, { StatementId: 's2', RevisionId: first.RevisionId });
    await expectAwsError(add(name, 1, { StatementId: 's3', RevisionId: first.RevisionId }), {
      status: 412,
      code: 'PreconditionFailedException',
      message: REVISION_MISMATCH,
      body: userErrorBody(REVISION_MISMATCH),
    });
    const policy = JSON.parse((await getPolicy(name, 1)).Policy!);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['s1', 's2']);
  });

  it('AddLayerVersionPermission: Action "*" is the recorded ValidationException', async () => {
    const name = await layer();
    await expectValidationError(
      add(name, 1, { Action: '*' }),
      "1 validation error detected: Value '*' at 'action' failed to satisfy constraint: Member must satisfy regular " +
        'expression pattern: lambda:GetLayerVersion',
    );
  });

  it('AddLayerVersionPermission: an invalid principal is a ValidationException', async () => {
    const name = await layer();
    await expectValidationError(
      add(name, 1, { Principal: 'everyone' }),
      "1 validation error detected: Value 'everyone' at 'principal' failed to satisfy constraint: Member must satisfy " +
        'regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root',
    );
  });

  it('AddLayerVersionPermission: an invalid statement id is a ValidationException', async () => {
    const name = await layer();
    await expectValidationError(
      add(name, 1, { StatementId: 'example.com' }),
      "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member must " +
        'satisfy regular expression pattern: ([a-zA-Z0-9-_]+)',
    );
  });

  it('AddLayerVersionPermission: an invalid OrganizationId is a ValidationException', async () => {
    const name = await layer();
    await expectValidationError(
      add(name, 1, { OrganizationId: 'org-1' }),
      "1 validation error detected: Value 'org-1' at 'organizationId' failed to satisfy constraint: Member must " +
        'satisfy regular expression pattern: o-[a-z0-9]{10,32}',
    );
  });

  it('AddLayerVersionPermission: a policy over 20480 bytes is PolicyLengthExceededException', async () => {
    const name = await layer();
    const sid = (i: number) => `statement-${String(i).padStart(4, '0')}-${'x'.repeat(60)}`;
    let i = 0;
    let policy = '';
    // Grow the policy until one more statement would cross the limit.
    for (;;) {
      const statement = (await add(name, 1, { StatementId: sid(i) })).Statement!;
      policy = (await getPolicy(name, 1)).Policy!;
      i += 1;
      if (Buffer.byteLength(policy) + Buffer.byteLength(statement) + 1 > 20480) break;
    }
    const before = (await getPolicy(name, 1)).RevisionId;
    const next = `{"Sid":"${sid(i)}","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"${versionArn(name, 1)}"}`;
    const size = Buffer.byteLength(`${policy.slice(0, -2)},${next}]}`);
    expect(size).toBeGreaterThan(20480);
    const message = `The final policy size (${size}) is bigger than the limit (20480).`;
    await expectAwsError(add(name, 1, { StatementId: sid(i) }), {
      status: 400,
      code: 'PolicyLengthExceededException',
      message,
      body: userErrorBody(message),
    });
    const after = await getPolicy(name, 1);
    expect(after.Policy).toBe(policy);
    expect(after.RevisionId).toBe(before);
  });

  it('AddLayerVersionPermission: an unknown layer is 404 naming the version ARN', async () => {
    const name = uniqueName('doesnotexist');
    await expectNotFound(add(name, 1), `Layer version ${versionArn(name, 1)} does not exist.`);
  });

  it('AddLayerVersionPermission: an unknown version is 404 naming the version ARN', async () => {
    const name = await layer();
    await expectNotFound(add(name, 2), `Layer version ${versionArn(name, 2)} does not exist.`);
  });
});

describe('GetLayerVersionPolicy', () => {
  it('GetLayerVersionPolicy: returns the policy as a JSON string with statements in insertion order', async () => {
    const name = await layer();
    await add(name, 1, { StatementId: 'zeta', Principal: '*' });
    await add(name, 1, { StatementId: 'alpha', Principal: '210987654321' });
    const last = await add(name, 1, { StatementId: 'mid', Principal: '*', OrganizationId: 'o-abcdefghij' });
    const out = await getPolicy(name, 1);
    const raw = rawOf(out);
    expect(raw.status).toBe(200);
    expect(Object.keys(raw.json).sort()).toEqual(['Policy', 'RevisionId']);
    expect(typeof raw.json.Policy).toBe('string');
    const resource = versionArn(name, 1);
    expect(raw.json.Policy).toBe(
      '{"Version":"2012-10-17","Id":"default","Statement":[' +
        `{"Sid":"zeta","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"${resource}"},` +
        `{"Sid":"alpha","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:GetLayerVersion","Resource":"${resource}"},` +
        `{"Sid":"mid","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"${resource}",` +
        '"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}',
    );
    expect(out.RevisionId).toBe(last.RevisionId);
  });

  it('GetLayerVersionPolicy: a version that never had a policy is 404 "No policy is associated…"', async () => {
    const name = await layer();
    await expectNotFound(getPolicy(name, 1), NO_POLICY);
  });

  it('GetLayerVersionPolicy: policies belong to one version', async () => {
    const name = await layer(2);
    await add(name, 1);
    await expectNotFound(getPolicy(name, 2), NO_POLICY);
    expect(JSON.parse((await getPolicy(name, 1)).Policy!).Statement).toHaveLength(1);
  });

  it('GetLayerVersionPolicy: an unknown layer or version is 404 naming the version ARN', async () => {
    const unknown = uniqueName('doesnotexist');
    await expectNotFound(getPolicy(unknown, 1), `Layer version ${versionArn(unknown, 1)} does not exist.`);
    const name = await layer();
    await expectNotFound(getPolicy(name, 2), `Layer version ${versionArn(name, 2)} does not exist.`);
  });

  it('GetLayerVersionPolicy: a deleted version has no policy any more', async () => {
    const name = await layer();
    await add(name, 1);
    await client.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    await expectNotFound(getPolicy(name, 1), `Layer version ${versionArn(name, 1)} does not exist.`);
  });
});

describe('RemoveLayerVersionPermission', () => {
  it('RemoveLayerVersionPermission: returns 204 with an empty body and the statement is gone', async () => {
    const name = await layer();
    await add(name, 1, { StatementId: 's1' });
    await add(name, 1, { StatementId: 's2' });
    const out = await remove(name, 1, 's1');
    expect(rawOf(out).status).toBe(204);
    expect(rawOf(out).text).toBe('');
    const policy = JSON.parse((await getPolicy(name, 1)).Policy!);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['s2']);
  });

  it('RemoveLayerVersionPermission: RevisionId changes on every add and remove', async () => {
    const name = await layer();
    const r1 = (await add(name, 1, { StatementId: 's1' })).RevisionId!;
    expect((await getPolicy(name, 1)).RevisionId).toBe(r1);
    const r2 = (await add(name, 1, { StatementId: 's2', RevisionId: r1 })).RevisionId!;
    expect((await getPolicy(name, 1)).RevisionId).toBe(r2);
    await remove(name, 1, 's2', r2);
    const r3 = (await getPolicy(name, 1)).RevisionId!;
    for (const r of [r1, r2, r3]) expect(r).toMatch(UUID);
    expect(new Set([r1, r2, r3]).size).toBe(3);
    // The current revision is accepted, the older ones are stale.
    const r4 = (await add(name, 1, { StatementId: 's3', RevisionId: r3 })).RevisionId!;
    expect(new Set([r1, r2, r3, r4]).size).toBe(4);
  });

  it('RemoveLayerVersionPermission: a stale RevisionId is 412 PreconditionFailedException', async () => {
    const name = await layer();
    const r1 = (await add(name, 1, { StatementId: 's1' })).RevisionId!;
    await add(name, 1, { StatementId: 's2' });
    await expectAwsError(remove(name, 1, 's1', r1), {
      status: 412,
      code: 'PreconditionFailedException',
      message: REVISION_MISMATCH,
      body: userErrorBody(REVISION_MISMATCH),
    });
    expect(JSON.parse((await getPolicy(name, 1)).Policy!).Statement).toHaveLength(2);
  });

  it('RemoveLayerVersionPermission: an unknown statement is 404 "Statement X is not found in resource policy."', async () => {
    const name = await layer();
    await add(name, 1, { StatementId: 's1' });
    await expectNotFound(remove(name, 1, 'doesnotexist'), 'Statement doesnotexist is not found in resource policy.');
  });

  it('RemoveLayerVersionPermission: an unknown layer or version is 404 naming the version ARN', async () => {
    const unknown = uniqueName('doesnotexist');
    await expectNotFound(remove(unknown, 1, 's1'), `Layer version ${versionArn(unknown, 1)} does not exist.`);
    const name = await layer();
    await expectNotFound(remove(name, 2, 's1'), `Layer version ${versionArn(name, 2)} does not exist.`);
  });

  it('RemoveLayerVersionPermission: a removed statement id can be added again', async () => {
    const name = await layer();
    await add(name, 1, { StatementId: 's1' });
    await remove(name, 1, 's1');
    const again = await add(name, 1, { StatementId: 's1', Principal: '210987654321' });
    expect(rawOf(again).status).toBe(201);
    expect(JSON.parse(again.Statement!).Principal).toEqual({ AWS: 'arn:aws:iam::210987654321:root' });
  });
});
