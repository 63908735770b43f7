// The console's JSON API (/_strata/console/api/…). Changes carry X-Strata-Console: 1, which Strata requires of them.

const BASE = '/_strata/console/api';

export class ApiError extends Error {}

const path = (...parts) => `${BASE}/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;

export const scopePath = (s) => path(s.cloud, s.account, s.region, 'layers');
export const layerPath = (s, name) => `${scopePath(s)}/${encodeURIComponent(name)}`;
export const versionPath = (s, name, version) => `${layerPath(s, name)}/versions/${version}`;

async function call(method, url, body) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        ...(method !== 'GET' && { 'X-Strata-Console': '1' }),
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('Strata cannot be reached: is it still running?');
  }
  if (response.status === 204) return undefined;
  const data = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(data?.message ?? `Strata answered ${response.status}.`);
  return data;
}

export const get = (url) => call('GET', url);
export const send = (method, url, body) => call(method, url, body);

/**
 * Posts a form with upload progress (fetch reports none): onProgress(sentBytes, totalBytes) while it is sent,
 * onProgress(null) once it is all sent and Strata is checking it.
 */
export function upload(url, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('X-Strata-Console', '1');
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : undefined));
    xhr.upload.addEventListener('load', () => onProgress(null));
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response);
      else reject(new ApiError(xhr.response?.message ?? `Strata answered ${xhr.status}.`));
    });
    xhr.addEventListener('error', () => reject(new ApiError('The upload broke off: the connection to Strata was lost.')));
    xhr.send(form);
  });
}
