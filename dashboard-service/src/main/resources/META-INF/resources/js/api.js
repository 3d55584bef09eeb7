// Calls the dashboard's REST API. Every failure becomes an Error whose message is a sentence a person can act on.
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' }
        : { Accept: 'application/json', 'Content-Type': 'application/json' },
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
    throw new ApiError(words, response.status);
  }
  return json !== null ? json : text;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);

/** The context store's reads, through the dashboard. Artifact keys keep their '/' as path separators. */
export function contextPath(taskId, what, key) {
  const k = key ? '/' + key.split('/').map(encodeURIComponent).join('/') : '';
  return '/api/context/tasks/' + encodeURIComponent(taskId) + '/' + what + k;
}
