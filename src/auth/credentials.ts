/**
 * The access keys Strata knows when it verifies signatures (STRATA_AUTH=verify): entries
 * `cloud:accessKeyId:secret:account[:sessionToken]`, from STRATA_CREDENTIALS (comma-separated) and from the file
 * STRATA_CREDENTIALS_FILE (one entry a line; blank lines and lines starting with `#` are skipped).
 *
 * The file is read again whenever it changes (its size, modification time or inode), checked at each look-up, so a
 * team adds or removes keys without restarting Strata. A file that cannot be read or parsed keeps the keys read last
 * time, and the reason is reported once through `onProblem`.
 */
import { readFileSync, statSync } from 'node:fs';

export type CredentialCloud = 'aws' | 'fc';

export interface Credential {
  cloud: CredentialCloud;
  accessKeyId: string;
  secret: string;
  account: string;
  /**
   * Temporary credentials (AWS STS, Alibaba STS) come with a token the request must carry
   * (`x-amz-security-token`, `x-acs-security-token`, `x-fc-security-token`); long-term keys have none.
   */
  sessionToken: string | undefined;
}

export class CredentialsError extends Error {}

const ACCOUNT: Record<CredentialCloud, RegExp> = { aws: /^\d{12}$/, fc: /^\d{1,32}$/ };

/** Parses one entry; `where` names it in error messages (e.g. "STRATA_CREDENTIALS entry 2"). */
export function parseCredential(text: string, where: string): Credential {
  const fields = text.trim().split(':');
  if (fields.length < 4 || fields.length > 5) {
    throw new CredentialsError(`${where}: expected cloud:accessKeyId:secret:account[:sessionToken], got ${fields.length} fields`);
  }
  const [cloud, accessKeyId, secret, account, sessionToken] = fields.map((f) => f.trim()) as [string, string, string, string, string?];
  if (cloud !== 'aws' && cloud !== 'fc') throw new CredentialsError(`${where}: the cloud must be aws or fc, not '${cloud}'`);
  if (accessKeyId === '' || secret === '') throw new CredentialsError(`${where}: the access key id and the secret must not be empty`);
  if (!ACCOUNT[cloud].test(account)) {
    throw new CredentialsError(`${where}: the account '${account}' must be ${cloud === 'aws' ? '12 digits' : 'digits'}`);
  }
  return { cloud, accessKeyId, secret, account, sessionToken: sessionToken === undefined || sessionToken === '' ? undefined : sessionToken };
}

/** The entries of STRATA_CREDENTIALS (comma-separated). */
export function parseCredentialList(text: string, where = 'STRATA_CREDENTIALS'): Credential[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((e, i) => parseCredential(e, `${where} entry ${i + 1}`));
}

/** The entries of a credentials file (one a line). */
export function parseCredentialFile(text: string, where: string): Credential[] {
  const out: Credential[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    out.push(parseCredential(trimmed, `${where} line ${i + 1}`));
  });
  return out;
}

export interface CredentialSources {
  /** STRATA_CREDENTIALS, already parsed. */
  inline: readonly Credential[];
  /** STRATA_CREDENTIALS_FILE. */
  file: string | undefined;
  onProblem?: (message: string) => void;
}

export class CredentialStore {
  private fromFile: Credential[] = [];
  private fileStamp = '';
  private index = new Map<string, Credential>();
  private lastProblem: string | undefined;

  constructor(private readonly sources: CredentialSources) {
    if (sources.file !== undefined) {
      // At start a broken file is a configuration error, not something to serve with.
      this.fromFile = parseCredentialFile(readFileSync(sources.file, 'utf8'), sources.file);
      this.fileStamp = stampOf(sources.file);
    }
    this.rebuild();
  }

  /** The credential for a key id of one cloud, or undefined when Strata does not know it. */
  lookup(cloud: CredentialCloud, accessKeyId: string): Credential | undefined {
    this.refresh();
    return this.index.get(`${cloud}:${accessKeyId}`);
  }

  /** Every known credential (secrets included: for the admin listing, which shows ids only). */
  all(): Credential[] {
    this.refresh();
    return [...this.index.values()];
  }

  private refresh(): void {
    const file = this.sources.file;
    if (file === undefined) return;
    let stamp: string;
    try {
      stamp = stampOf(file);
    } catch (err) {
      this.report(`cannot read ${file}: ${(err as Error).message}; keeping the keys read before`);
      return;
    }
    if (stamp === this.fileStamp) return;
    try {
      this.fromFile = parseCredentialFile(readFileSync(file, 'utf8'), file);
      this.fileStamp = stamp;
      this.lastProblem = undefined;
      this.rebuild();
    } catch (err) {
      this.report(`${(err as Error).message}; keeping the keys read before`);
    }
  }

  private rebuild(): void {
    const index = new Map<string, Credential>();
    // The file's entries win over STRATA_CREDENTIALS for the same key, being the ones a team edits.
    for (const c of [...this.sources.inline, ...this.fromFile]) index.set(`${c.cloud}:${c.accessKeyId}`, c);
    this.index = index;
  }

  private report(message: string): void {
    if (message === this.lastProblem) return;
    this.lastProblem = message;
    this.sources.onProblem?.(message);
  }
}

function stampOf(file: string): string {
  const s = statSync(file, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}`;
}
