// Calls to the Breakerbox API. Changes may need a bearer token: when the API answers 401 the
// wall asks for one (see operator.js), keeps it in sessionStorage only (this tab, until it is
// closed), sends it as `Authorization: Bearer …` and retries. The token is never shown in full.

const TOKEN_KEY = 'breakerbox.apiToken';
const listeners = new Set();
let prompter = null;
let pendingPrompt = null;

export function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || null; } catch { return null; }
}

function setToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage refused (private mode): the token lives for this one call only */ }
  for (const f of listeners) f();
}

export function forgetToken() { setToken(null); }

/** "••••6789": enough to tell two tokens apart, never the token itself. */
export function maskToken(token) {
  if (!token) return '';
  return token.length >= 12 ? `••••${token.slice(-4)}` : '••••';
}

/** Called whenever the stored token changes (entered, refused, forgotten). */
export function onTokenChange(f) { listeners.add(f); }

/**
 * Who asks for a token: `ask(message)` resolves to the token, or null when the person cancels.
 * One question at a time: calls refused together wait for the same answer.
 */
export function setTokenPrompt(ask) { prompter = ask; }

function askToken(message) {
  if (!prompter) return Promise.resolve(null);
  pendingPrompt ??= Promise.resolve(prompter(message)).finally(() => { pendingPrompt = null; });
  return pendingPrompt;
}

/** To the login page, and back here once logged in (reads need a login when the API protects them). */
export function toLogin() {
  location.assign(`/login.html?next=${encodeURIComponent(location.pathname + location.search)}`);
}

/** JSON in, JSON out; throws an Error with .status and .data unless the answer is 2xx. */
export async function call(method, url, body) {
  // Changes are taken as JSON only: a POST without a body sends an empty object.
  if (body === undefined && method !== 'GET' && method !== 'DELETE') body = {};
  for (let attempt = 0; ; attempt++) {
    const token = storedToken();
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url, { method, headers, body: body !== undefined ? JSON.stringify(body) : undefined });
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
    const message = data?.error?.message ?? data?.message ?? data?.error ?? (text || `HTTP ${res.status}`);
    if (res.status === 401 && method === 'GET' && !token) toLogin();
    if (res.status === 401 && attempt < 5) {
      // A token that was refused is of no further use.
      if (token) forgetToken();
      const entered = await askToken(token ? `token refused (${message}): enter another` : message);
      if (entered) {
        setToken(entered.trim());
        continue;
      }
    }
    if (!res.ok) {
      const err = new Error(res.status === 401 && !token ? `${message} (no token given)` : message);
      err.status = res.status;
      err.code = data?.code ?? null;
      err.data = data;
      throw err;
    }
    return data;
  }
}
