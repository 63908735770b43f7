/** The account a Host names (Terraform's alicloud provider connects to `<account_id>.<endpoint>`). */
import { describe, expect, it } from 'vitest';
import { hostAccountOf } from '../../../../src/routes/fc/caller.js';

describe('hostAccountOf', () => {
  it.each([
    ['1234567890123456.localhost:4588', '1234567890123456'],
    ['1234567890123456.cn-hangzhou.fc.aliyuncs.com', '1234567890123456'],
    ['1234567890123456.strata', '1234567890123456'],
    ['localhost:4588', undefined],
    ['127.0.0.1:4588', undefined],
    ['127.0.0.1', undefined],
    ['[::1]:4588', undefined],
    ['strata:4588', undefined],
    ['abc123.localhost', undefined],
    [undefined, undefined],
  ])('hostAccountOf(%s) is %s', (host, account) => {
    expect(hostAccountOf(host)).toBe(account);
  });
});
