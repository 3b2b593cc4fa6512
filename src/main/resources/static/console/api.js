// Every call the console makes goes through here, to Caudal's public API. A problem answer becomes an
// ApiError carrying the problem's code and detail, so that every view can show them.

/** A refused or failed call: the HTTP status and the problem's code and detail. */
class ApiError extends Error {
  constructor(status, code, detail) {
    super(code ? `${code}: ${detail}` : detail);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** The CSRF token a write made with the session cookie must echo, when the server set one. */
function csrfToken() {
  const cookie = document.cookie.split('; ').find((pair) => pair.startsWith('XSRF-TOKEN='));
  return cookie ? decodeURIComponent(cookie.substring('XSRF-TOKEN='.length)) : null;
}

/** Listeners told of every 401, so that the page can offer to sign in. */
const unauthenticated = new Set();

export function onUnauthenticated(listener) {
  unauthenticated.add(listener);
}

/**
 * Calls the API. A body is sent as JSON; the answer is parsed JSON, or null for 204.
 * @param {string} path the path and query, already encoded
 * @param {{method?: string, body?: any, headers?: object}} options
 */
export async function call(path, { method = 'GET', body, headers = {} } = {}) {
  const sent = { Accept: 'application/json', ...headers };
  if (body !== undefined) {
    sent['Content-Type'] = 'application/json';
  }
  const token = csrfToken();
  if (token && method !== 'GET') {
    sent['X-XSRF-TOKEN'] = token;
  }
  let response;
  try {
    response = await fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, null, `The server could not be reached (${error.message}).`);
  }
  const text = response.status === 204 ? '' : await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    if (response.status === 401) {
      unauthenticated.forEach((listener) => listener());
    }
    const detail = parsed && parsed.detail ? parsed.detail : `HTTP ${response.status} ${response.statusText}`;
    throw new ApiError(response.status, parsed && parsed.code ? parsed.code : null, detail);
  }
  return parsed;
}

export const seg = (text) => encodeURIComponent(text);

/** Runs calls with at most `limit` in flight; answers their results (or errors) in order. */
export async function settleAll(tasks, limit = 6) {
  const results = new Array(tasks.length);
  let next = 0;
  async function worker() {
    while (next < tasks.length) {
      const index = next++;
      try {
        results[index] = { value: await tasks[index]() };
      } catch (error) {
        results[index] = { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** The socket URL of a path on this origin. */
export function socketUrl(path) {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}
