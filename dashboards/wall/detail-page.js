// The page of a node, a pool, a service or a rack inside the wall (#/node/NAME, #/pool/NAME,
// #/service/NAME, #/rack/NAME; a PDU has pdu-page.js). A click on the wall opens it (a member chip, a
// pool's, service's or rack's name or header), as does a deep link; Back or Escape returns (routes.js).
// It draws the API's detail with the wall's live copy laid over it (detail-views.js): every delta
// redraws it at once, and a delta or event that touches the thing fetches the detail again, for what
// only the API knows (drain records' chains, holds, events, the audit trail).
import { call } from './api.js';
import { esc } from './format.js';
import { setAttr, setText } from './render.js';
import { hashFor } from './routes.js';
import * as views from './detail-views.js';

const enc = encodeURIComponent;
const KINDS = {
  node: { word: 'node', api: (n) => `/api/nodes/${enc(n)}`, live: views.liveNode, head: views.nodeHead, sections: views.nodeSections },
  pool: { word: 'pool', api: (n) => `/api/pools/${enc(n)}`, live: views.livePool, head: views.poolHead, sections: views.poolSections },
  service: { word: 'service', api: (n) => `/api/services/${enc(n)}`, live: views.liveService, head: views.serviceHead, sections: views.serviceSections },
  // A rack has no API of its own: the wall's copy has it, else the lists filtered by rack do.
  rack: { word: 'rack', api: null, live: views.liveRack, head: views.rackHead, sections: views.rackSections },
};
/** A change seen on the wall is followed by a fetch this much later (one fetch for a burst of deltas). */
const REFETCH_MS = 300;
/** And the detail is fetched again this often while open, for events that change nothing on the wall. */
const REFRESH_MS = 30_000;

/**
 * `page`: the page's (empty) element; `racks`, `pools`, `services`: the wall's parts a click opens a
 * page from; `snapshot()`: the wall's live copy; `router`: the wall's place; `fetchJson(url)`: GET as JSON.
 */
export function createDetailPage({ page, racks, pools, services, snapshot, router, fetchJson = (url) => call('GET', url) }) {
  let kind = null;
  let name = null;
  let detail = null;
  let missing = null;
  let seq = 0;
  let frame = 0;
  let refetchTimer = null;
  let refreshTimer = null;
  let lastSig = null;
  let refs = null;

  function buildFrame() {
    page.innerHTML = `
      <header class="pp-head dp-head">
        <button type="button" class="pp-back" data-testid="detail-back" title="Back (Escape)">← Back</button>
        <h2 class="pp-title" tabindex="-1"><span class="dp-kind">${esc(KINDS[kind].word)}</span><span data-testid="detail-name">${esc(name)}</span></h2>
        <span class="dp-flag" data-testid="detail-flag"></span>
        <span class="pp-where" data-testid="detail-where"></span>
        <span class="dp-links"></span>
      </header>
      <div class="dp-body" data-testid="detail-body"><div class="dp-status muted" data-testid="detail-status" role="status">loading…</div></div>`;
    refs = { title: page.querySelector('.pp-title'), flag: page.querySelector('.dp-flag'), where: page.querySelector('.pp-where'), links: page.querySelector('.dp-links'),
      body: page.querySelector('.dp-body'), status: page.querySelector('.dp-status'), cards: new Map(), html: new Map() };
    page.querySelector('.pp-back').addEventListener('click', () => router.back());
  }

  function render() {
    frame = 0;
    if (!kind || !refs) return;
    const snap = snapshot();
    const model = KINDS[kind].live(snap, name, detail);
    watch(snap);
    setAttr(page, 'data-state', model ? 'ready' : missing ? 'missing' : 'loading');
    if (!model) {
      setText(refs.status, missing ?? 'loading…');
      refs.status.hidden = false;
      return;
    }
    refs.status.hidden = true;
    const head = KINDS[kind].head(model);
    setText(refs.flag, head.flag);
    setAttr(refs.flag, 'data-level', head.flag ? head.level : null);
    setAttr(page, 'data-level', head.level);
    setText(refs.where, head.where);
    const links = head.links.map(([k, n, text]) => `<a href="${esc(hashFor(k, n))}">${esc(text)}</a>`).join('');
    if (refs.html.get('links') !== links) { refs.links.innerHTML = links; refs.html.set('links', links); }
    for (const s of KINDS[kind].sections(model, snap)) {
      let card = refs.cards.get(s.key);
      if (!card) {
        card = document.createElement('section');
        card.className = 'card dp-card';
        card.dataset.section = s.key;
        card.dataset.testid = `detail-${s.key}`;
        refs.body.append(card);
        refs.cards.set(s.key, card);
      }
      // Only what changed is redrawn: a link keeps its focus, a scrolled list its place.
      if (refs.html.get(s.key) !== s.html) { card.innerHTML = s.html; refs.html.set(s.key, s.html); }
    }
  }

  /** When what the wall shows of the thing changes, what only the API knows may have too: fetch it again, shortly. */
  function watch(snap) {
    if (!KINDS[kind].api) return;
    const live = KINDS[kind].live(snap, name, null);
    const sig = live ? JSON.stringify(live) : null;
    if (sig !== lastSig && lastSig !== null) refetchSoon();
    lastSig = sig;
  }

  function refetchSoon() {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(() => void load(), REFETCH_MS);
  }

  async function load() {
    const mine = ++seq;
    const want = { kind, name };
    clearTimeout(refreshTimer);
    // A rack the wall shows needs nothing from the API.
    if (!KINDS[kind].api && KINDS[kind].live(snapshot(), name, null)) { render(); return; }
    try {
      const got = KINDS[kind].api ? await fetchJson(KINDS[kind].api(name)) : await fetchRack(name);
      if (mine !== seq) return;
      detail = got;
      missing = got ? null : `no ${want.kind} named ${want.name}`;
    } catch (err) {
      if (mine !== seq) return;
      // The page keeps what it had; a thing that does not exist says so.
      if (err.status === 404) { detail = null; missing = `no ${want.kind} named ${want.name}`; } else if (!detail) missing = `cannot load: ${err.message}`;
    }
    render();
    refreshTimer = setTimeout(() => { if (!document.hidden) void load(); else refetchSoon(); }, REFRESH_MS);
  }

  async function fetchRack(rack) {
    const [pdus, nodes] = await Promise.all([fetchJson(`/api/pdus?rack=${enc(rack)}`), fetchJson(`/api/nodes?rack=${enc(rack)}`)]);
    return pdus.length || nodes.length ? { name: rack, pdus, nodes } : null;
  }

  function open(k, n) {
    if (k === kind && n === name) return;
    kind = k;
    name = n;
    detail = null;
    missing = null;
    lastSig = null;
    buildFrame();
    page.hidden = false;
    setAttr(page, 'data-kind', k);
    document.body.classList.add('page-open');
    render();
    void load();
    refs.title.focus({ preventScroll: true });
  }

  function close() {
    if (!kind) return;
    // Focus back on the thing's link on the wall, where it has one.
    const link = { rack: racks, pool: pools, service: services }[kind]?.querySelector(`[data-testid="${CSS.escape(`${kind}-link-${name}`)}"]`);
    kind = null;
    name = null;
    seq++;
    clearTimeout(refetchTimer);
    clearTimeout(refreshTimer);
    page.hidden = true;
    page.innerHTML = '';
    refs = null;
    detail = null;
    document.body.classList.remove('page-open');
    link?.focus({ preventScroll: true });
  }

  router.onChange((r) => {
    if (r && KINDS[r.kind]) open(r.kind, r.name); else close();
  });

  // ---- ways in from the wall --------------------------------------------------------------------
  const plainClick = (e) => !e.defaultPrevented && e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey
    && e.target instanceof Element && !e.target.closest('a[href]');
  pools.addEventListener('click', (e) => {
    // In operator mode a chip is picked for an action instead (operator.js).
    if (!plainClick(e) || document.body.classList.contains('operator-mode')) return;
    const chip = e.target.closest('[data-node]');
    const pool = e.target.closest('.pool > header')?.closest('[data-pool]');
    if (chip) router.go('node', chip.dataset.node);
    else if (pool) router.go('pool', pool.dataset.pool);
  });
  services.addEventListener('click', (e) => {
    const li = plainClick(e) ? e.target.closest('[data-service]') : null;
    if (li) router.go('service', li.dataset.service);
  });
  racks.addEventListener('click', (e) => {
    const rack = plainClick(e) ? e.target.closest('.rack > header')?.closest('[data-rack]') : null;
    if (rack) router.go('rack', rack.dataset.rack);
  });

  return {
    /** The wall's copy changed: the page follows, in the next frame. */
    update() {
      if (kind && refs && !frame) frame = requestAnimationFrame(render);
    },
    /** A live event naming the thing: its detail (events, records) again, shortly. */
    onEvent(ev) {
      if (!kind || !KINDS[kind].api || !ev) return;
      if (ev.subject === name || String(ev.message ?? '').includes(name) || (kind === 'node' && ev.chain)) refetchSoon();
    },
    get open() { return kind ? { kind, name } : null; },
  };
}
