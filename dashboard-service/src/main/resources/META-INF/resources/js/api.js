// Calls the dashboard's REST API. Every failure becomes an Error whose message is a sentence a person can act on.
// The session cookie goes with every call by itself; commands add the session's CSRF value, which lives only here,
// in memory, and are always sent as JSON.
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

let csrf = null;
let onSignedOut = () => {};

/** The CSRF value of the signed-in session (from /api/session), or null when signed out. */
export function useCsrf(value) {
  csrf = value || null;
}

/** Called with the reason whenever the API answers 401: the session has ended, the person must sign in again. */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (csrf) headers['X-Cohort-CSRF'] = csrf;
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('The dashboard is not reachable. Is it running? (' + e.message + ')', 0);
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch (e) { json = null; }
  }
  if (!response.ok) {
    const parts = [];
    if (json && json.error) parts.push(json.error);
    if (json && json.detail && json.detail !== json.error) parts.push(json.detail);
    const words = parts.length ? parts.join(' — ') : 'HTTP ' + response.status + ' ' + response.statusText;
    // A refused sign-in is the sign-in form's to say; any other 401 means the session is over.
    if (response.status === 401 && !(method === 'POST' && path === '/api/session')) {
      onSignedOut(json && json.error ? json.error : words);
    }
    throw new ApiError(words, response.status);
  }
  return json !== null ? json : text;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const del = (path) => api('DELETE', path);

/** The context store's reads, through the dashboard. Artifact keys keep their '/' as path separators. */
export function contextPath(taskId, what, key) {
  const k = key ? '/' + key.split('/').map(encodeURIComponent).join('/') : '';
  return '/api/context/tasks/' + encodeURIComponent(taskId) + '/' + what + k;
}
