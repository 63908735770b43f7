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
