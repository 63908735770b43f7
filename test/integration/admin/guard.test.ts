/** The guard of Strata's admin routes (STRATA_ADMIN_TOKEN), on the key listing and the reset. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sendRaw } from '../../helpers/http.js';

const TOKEN = 'admin-token-0123456789';

describe('admin routes', () => {
  let guarded: TestApp;
  let open: TestApp;
  beforeAll(async () => {
    guarded = await startTestApp({
      STRATA_ADMIN_TOKEN: TOKEN, STRATA_AUTH: 'verify',
      STRATA_CREDENTIALS: 'aws:AKIDADMIN:very-secret:111122223333,fc:LTAIadmin:also-secret:1234:CAIStoken',
    });
    open = await startTestApp({ STRATA_AUTH: 'off' });
  });
  afterAll(async () => {
    await guarded?.close();
    await open?.close();
  });

  it('ListCredentials: without the token, or with another, 401 with a Bearer challenge', async () => {
    const none = await sendRaw(guarded.url, '/_strata/admin/credentials', 'GET', {});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="strata"');
    expect(none.json).toEqual({ message: 'This Strata route needs Authorization: Bearer <STRATA_ADMIN_TOKEN>.' });
    const wrong = await sendRaw(guarded.url, '/_strata/admin/credentials', 'GET', { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="strata", error="invalid_token"');
  });

  it('ListCredentials: with the token, the key ids and accounts, never a secret or token', async () => {
    const res = await sendRaw(guarded.url, '/_strata/admin/credentials', 'GET', { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      auth: 'verify',
      keys: [
        { cloud: 'aws', accessKeyId: 'AKIDADMIN', account: '111122223333', temporary: false },
        { cloud: 'fc', accessKeyId: 'LTAIadmin', account: '1234', temporary: true },
      ],
    });
    expect(res.text).not.toMatch(/secret|CAIStoken/);
  });

  it('ResetState: guarded the same way (401 without the token, 200 with it)', async () => {
    const none = await sendRaw(guarded.url, '/_strata/reset', 'POST', {});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="strata"');
    const ok = await sendRaw(guarded.url, '/_strata/reset', 'POST', { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.json.reset).toEqual({ layers: 0, versions: 0, blobs: 0 });
  });

  it('ListCredentials: without STRATA_ADMIN_TOKEN the route is open; health stays open either way', async () => {
    const res = await sendRaw(open.url, '/_strata/admin/credentials', 'GET', {});
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ auth: 'off', keys: [] });
    expect((await sendRaw(guarded.url, '/_strata/health', 'GET', {})).status).toBe(200);
  });
});
