// Where the wall is: the wall itself, or the page of one thing. Deep links a page or a chat message
// can point to: #/pdu/NAME (optionally ?range=24h), #/node/NAME, #/pool/NAME, #/service/NAME and
// #/rack/NAME, the name URL-encoded; the older #pdu=NAME&range=24h still opens a PDU's page.

export const KINDS = ['pdu', 'node', 'pool', 'service', 'rack'];

/** `#/node/scan-060` → { kind: 'node', name: 'scan-060', range: null }; the wall (or nonsense) → null. */
export function parseHash(hash) {
  const h = String(hash ?? '').replace(/^#/, '');
  if (h.startsWith('/')) {
    const q = h.indexOf('?');
    const m = /^\/([a-z]+)\/(.+)$/.exec(q < 0 ? h : h.slice(0, q));
    if (!m || !KINDS.includes(m[1])) return null;
    let name;
    try { name = decodeURIComponent(m[2]); } catch { return null; }
    return { kind: m[1], name, range: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)).get('range') };
  }
  const legacy = new URLSearchParams(h);
  const pdu = legacy.get('pdu');
  return pdu ? { kind: 'pdu', name: pdu, range: legacy.get('range') } : null;
}

export function hashFor(kind, name, { range = null } = {}) {
  return `#/${kind}/${encodeURIComponent(name)}${range ? `?range=${encodeURIComponent(range)}` : ''}`;
}

/**
 * The one listener of the address's hash for every page. Entries this tab's own navigation made (a
 * click, a link) are marked in history.state, so a page's Back is the browser's back; on the entry the
 * tab was opened with (a deep link) Back goes to the wall in place. Escape is Back.
 */
export function createRouter() {
  const listeners = new Set();
  let current = parseHash(location.hash);
  if (history.state == null) history.replaceState({ bbEntry: 'first' }, '');

  const notify = () => { for (const f of listeners) f(current); };
  const wallUrl = () => `${location.pathname}${location.search}`;

  window.addEventListener('hashchange', () => {
    // A fresh entry has no state; one reached by back or forward keeps the mark it was given.
    if (history.state == null) history.replaceState({ bbEntry: 'app' }, '');
    current = parseHash(location.hash);
    notify();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || !current || e.defaultPrevented) return;
    if (e.target instanceof HTMLElement && e.target.closest('input, select, textarea, dialog, .token-dialog')) return;
    back();
  });

  function back() {
    if (history.state?.bbEntry === 'app') { history.back(); return; }
    history.replaceState(history.state, '', wallUrl());
    current = null;
    notify();
  }

  return {
    get current() { return current; },
    /** Called now and on every change of place. */
    onChange(f) { listeners.add(f); f(current); },
    go(kind, name, options) { location.hash = hashFor(kind, name, options); },
    /** The same page with other options (a PDU page's range): the address follows, no new entry, nobody told. */
    replace(kind, name, options) {
      history.replaceState(history.state, '', `${wallUrl()}${hashFor(kind, name, options)}`);
      current = parseHash(location.hash);
    },
    back,
  };
}
