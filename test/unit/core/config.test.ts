import { describe, expect, it } from 'vitest';
import { ConfigError, flagsToEnv, loadConfig } from '../../../src/config.js';

describe('config', () => {
  it('config: defaults to the embedded store on loopback', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 4588, dataDir: './.strata', publicUrl: undefined });
    expect(c.aws).toEqual({
      accountId: '000000000000', region: 'us-east-1', maxRequestBytes: 70_167_211, maxZippedBytes: 52_428_800,
      maxUnzippedBytes: 262_144_000,
    });
  });

  it('config: flags win over the environment', () => {
    const c = loadConfig({ STRATA_PORT: '1000', STRATA_AWS_REGION: 'eu-west-1' }, ['--port', '2000', '--public-url=http://x:1/']);
    expect(c.port).toBe(2000);
    expect(c.aws.region).toBe('eu-west-1');
    expect(c.publicUrl).toBe('http://x:1');
  });

  it('config: refuses unknown flags and bad values with a clear message', () => {
    expect(() => flagsToEnv(['--nope', '1'])).toThrow(ConfigError);
    expect(() => flagsToEnv(['--port'])).toThrow(/needs a value/);
    expect(() => loadConfig({ STRATA_AWS_ACCOUNT_ID: '12' })).toThrow(/STRATA_AWS_ACCOUNT_ID: must be 12 digits/);
  });
});

describe('config: durability', () => {
  it('config: STRATA_DURABILITY defaults to process and takes power, from the environment or --durability', () => {
    expect(loadConfig({}).durability).toBe('process');
    expect(loadConfig({ STRATA_DURABILITY: 'power' }).durability).toBe('power');
    expect(loadConfig({ STRATA_DURABILITY: 'power' }, ['--durability', 'process']).durability).toBe('process');
  });

  it('config: refuses a STRATA_DURABILITY other than process or power, and names both', () => {
    expect(() => loadConfig({ STRATA_DURABILITY: 'fsync' })).toThrow(ConfigError);
    expect(() => loadConfig({ STRATA_DURABILITY: 'fsync' })).toThrow("STRATA_DURABILITY: must be process or power, not 'fsync'");
    expect(() => loadConfig({}, ['--durability=Power'])).toThrow("STRATA_DURABILITY: must be process or power, not 'Power'");
  });
});

describe('config: signatures', () => {
  it('config: STRATA_AUTH defaults to off, with a 15-minute skew', () => {
    expect(loadConfig({}).auth).toEqual({
      mode: 'off', credentials: [], credentialsFile: undefined, maxSkewSeconds: 900, awsOrganizations: new Map(), adminToken: undefined,
    });
  });

  it('config: STRATA_CREDENTIALS entries, an AWS one with a session token, and organizations', () => {
    const c = loadConfig({
      STRATA_AUTH: 'verify',
      STRATA_CREDENTIALS: 'aws:AKIDEXAMPLE:s3cret:111122223333, fc:LTAIexample:s3cret:1234567890123456,aws:ASIA1:s:222233334444:TOKEN',
      STRATA_AWS_ORGANIZATIONS: '111122223333=o-a1b2c3d4e5',
      STRATA_AUTH_MAX_SKEW_SECONDS: '300',
    });
    expect(c.auth.credentials).toEqual([
      { cloud: 'aws', accessKeyId: 'AKIDEXAMPLE', secret: 's3cret', account: '111122223333', sessionToken: undefined },
      { cloud: 'fc', accessKeyId: 'LTAIexample', secret: 's3cret', account: '1234567890123456', sessionToken: undefined },
      { cloud: 'aws', accessKeyId: 'ASIA1', secret: 's', account: '222233334444', sessionToken: 'TOKEN' },
    ]);
    expect(c.auth.awsOrganizations.get('111122223333')).toBe('o-a1b2c3d4e5');
    expect(c.auth.maxSkewSeconds).toBe(300);
  });

  it('config: refuses malformed entries, a missing file, and verify without keys', () => {
    expect(() => loadConfig({ STRATA_CREDENTIALS: 'gcp:a:b:1' })).toThrow(/STRATA_CREDENTIALS entry 1: the cloud must be aws or fc, not 'gcp'/);
    expect(() => loadConfig({ STRATA_CREDENTIALS: 'aws:a:b:123' })).toThrow(/the account '123' must be 12 digits/);
    expect(() => loadConfig({ STRATA_CREDENTIALS: 'aws:a:b' })).toThrow(/expected cloud:accessKeyId:secret:account\[:sessionToken\], got 3 fields/);
    expect(() => loadConfig({ STRATA_CREDENTIALS_FILE: '/nonexistent/keys' })).toThrow(/STRATA_CREDENTIALS_FILE: \/nonexistent\/keys does not exist/);
    expect(() => loadConfig({ STRATA_AUTH: 'verify' })).toThrow(/STRATA_AUTH=verify needs keys/);
    expect(() => loadConfig({ STRATA_AUTH: 'sometimes' })).toThrow(/STRATA_AUTH/);
  });
});
