import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialStore, parseCredentialFile } from '../../../src/auth/credentials.js';

describe('credentials', () => {
  it('parseCredentialFile: one entry a line; blank lines and # comments skipped; errors name the line', () => {
    expect(parseCredentialFile('# keys\n\naws:AKID:sec:111122223333\r\n  fc:LTAI:sec:42  \n', 'keys')).toEqual([
      { cloud: 'aws', accessKeyId: 'AKID', secret: 'sec', account: '111122223333', sessionToken: undefined },
      { cloud: 'fc', accessKeyId: 'LTAI', secret: 'sec', account: '42', sessionToken: undefined },
    ]);
    expect(() => parseCredentialFile('aws:AKID:sec:111122223333\nfc:x\n', 'keys')).toThrow(/^keys line 2: /);
  });

  it('CredentialStore: the file is read again when it changes; a broken edit keeps the keys read before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-creds-'));
    const file = join(dir, 'keys');
    try {
      writeFileSync(file, 'aws:AKID1:one:111122223333\n');
      const problems: string[] = [];
      const store = new CredentialStore({
        inline: [{ cloud: 'fc', accessKeyId: 'LTAI', secret: 's', account: '1', sessionToken: undefined }], file,
        onProblem: (m) => problems.push(m),
      });
      expect(store.lookup('aws', 'AKID1')?.secret).toBe('one');
      expect(store.lookup('aws', 'AKID2')).toBeUndefined();
      expect(store.lookup('fc', 'LTAI')?.account).toBe('1');
      expect(store.lookup('aws', 'LTAI')).toBeUndefined();
      appendFileSync(file, 'aws:AKID2:two:222233334444\n');
      expect(store.lookup('aws', 'AKID2')?.account).toBe('222233334444');
      appendFileSync(file, 'not an entry\n');
      expect(store.lookup('aws', 'AKID2')?.secret).toBe('two');
      expect(problems).toEqual([`${file} line 3: expected cloud:accessKeyId:secret:account[:sessionToken], got 1 fields; keeping the keys read before`]);
      writeFileSync(file, 'aws:AKID3:three:333344445555\n');
      expect(store.lookup('aws', 'AKID1')).toBeUndefined();
      expect(store.lookup('aws', 'AKID3')?.secret).toBe('three');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
