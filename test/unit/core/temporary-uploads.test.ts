import { describe, expect, it } from 'vitest';
import { TemporaryUploads } from '../../../src/core/temporary-uploads.js';
import { keySegments } from '../../../src/store/buckets/keys.js';

const settings = { bucket: 'fc-temp-cn-hangzhou-0123456789abcdef', credentialTtlSeconds: 3600, objectTtlSeconds: 86400 };
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0, 250);

describe('temporary uploads', () => {
  const uploads = new TemporaryUploads('a-secret', settings);

  it('issue: credentials for <account>/ in the bucket, expiring a whole second at least an hour on', () => {
    const grant = uploads.issue('1234567890123456', NOW);
    expect(grant.bucket).toBe('fc-temp-cn-hangzhou-0123456789abcdef');
    expect(grant.accessKeyId).toMatch(/^STS\.[A-Za-z0-9]{24}$/);
    expect(grant.expiresAt).toBe(Date.UTC(2026, 11, 1, 13, 0, 1));
    expect(uploads.check(grant.securityToken, grant.accessKeyId, NOW)).toEqual({
      valid: true,
      claims: { accessKeyId: grant.accessKeyId, account: '1234567890123456', bucket: settings.bucket, keyPrefix: '1234567890123456/', expiresAt: grant.expiresAt },
    });
    expect(grant.accessKeySecret).toBe(uploads.secretOf(grant.accessKeyId));
  });

  it('check: another instance with the same secret (a restart) recognises the token; another secret does not', () => {
    const grant = uploads.issue('1', NOW);
    expect(new TemporaryUploads('a-secret', settings).check(grant.securityToken, grant.accessKeyId, NOW).valid).toBe(true);
    expect(new TemporaryUploads('other', settings).check(grant.securityToken, grant.accessKeyId, NOW)).toEqual({ valid: false, problem: 'unknown' });
  });

  it('check: expired, used with another key id, tampered or not a token at all', () => {
    const grant = uploads.issue('1', NOW);
    expect(uploads.check(grant.securityToken, grant.accessKeyId, grant.expiresAt)).toMatchObject({ valid: false, problem: 'expired' });
    expect(uploads.check(grant.securityToken, 'STS.other', NOW)).toMatchObject({ valid: false, problem: 'other-key' });
    const [payload, mac] = grant.securityToken.split('.');
    const claims = Buffer.from(payload!.slice(4), 'base64url').toString().replace('\n1\n', '\n2\n');
    expect(uploads.check(`CAIS${Buffer.from(claims).toString('base64url')}.${mac}`, undefined, NOW)).toEqual({ valid: false, problem: 'unknown' });
    expect(uploads.check('CAISnot-a-token', undefined, NOW)).toEqual({ valid: false, problem: 'unknown' });
  });

  it('isExpired: an object lasts objectTtlSeconds from its write', () => {
    expect(uploads.isExpired(NOW, NOW + 86_399_999)).toBe(false);
    expect(uploads.isExpired(NOW, NOW + 86_400_000)).toBe(true);
  });
});

describe('bucket object keys', () => {
  it('keySegments: names inside the bucket pass, ways out of it and unstorable names do not', () => {
    expect(keySegments('a/b/c.zip')).toEqual(['a', 'b', 'c.zip']);
    expect(keySegments('1234567890123456/5887a60f-cac8-400a-971c-bd87e0e7fabe')).toHaveLength(2);
    for (const key of ['../x', 'a/../../x', './x', 'a/./b', '/abs', 'a//b', 'dir/', '', 'a\0b', 'x'.repeat(256)]) {
      expect(() => keySegments(key), JSON.stringify(key)).toThrow(/cannot be stored/);
    }
  });
});
