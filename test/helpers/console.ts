/** The console's JSON API, called as its page calls it (fetch, FormData, the X-Strata-Console header). */

export interface ConsoleAnswer {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Scope {
  cloud: 'aws' | 'fc';
  account: string;
  region: string;
}

export const layerApi = (base: string, s: Scope, name: string) =>
  `${base}/_strata/console/api/${s.cloud}/${s.account}/${s.region}/layers/${encodeURIComponent(name)}`;

async function answer(res: Response): Promise<ConsoleAnswer> {
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

export async function consoleCall(url: string, method = 'GET', body?: unknown, headers: Record<string, string> = { 'X-Strata-Console': '1' }): Promise<ConsoleAnswer> {
  return answer(await fetch(url, {
    method,
    headers: { ...headers, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
}

export interface UploadFields {
  description?: string;
  license?: string;
  runtimes?: string[];
  architectures?: string[];
}

export interface FolderEntry {
  path: string;
  content: string | Buffer;
  mtime?: number;
}

function form(fields: UploadFields): FormData {
  const f = new FormData();
  if (fields.description !== undefined) f.append('description', fields.description);
  if (fields.license !== undefined) f.append('license', fields.license);
  for (const r of fields.runtimes ?? []) f.append('runtime', r);
  for (const a of fields.architectures ?? []) f.append('architecture', a);
  return f;
}

/** PublishConsoleVersion with a zip. */
export async function uploadZip(versionsUrl: string, zip: Buffer, fields: UploadFields = {}): Promise<ConsoleAnswer> {
  const f = form(fields);
  f.append('zip', new Blob([new Uint8Array(zip)]), 'layer.zip');
  return answer(await fetch(`${versionsUrl}?content=zip`, { method: 'POST', headers: { 'X-Strata-Console': '1' }, body: f }));
}

/** PublishConsoleVersion with a folder's files, in the order given. */
export async function uploadFolder(versionsUrl: string, files: FolderEntry[], fields: UploadFields = {}): Promise<ConsoleAnswer> {
  const f = form(fields);
  for (const file of files) {
    if (file.mtime !== undefined) f.append('mtime', String(file.mtime));
    f.append('file', new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]), encodeURIComponent(file.path));
  }
  return answer(await fetch(`${versionsUrl}?content=folder`, { method: 'POST', headers: { 'X-Strata-Console': '1' }, body: f }));
}
