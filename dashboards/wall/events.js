// The event feed: newest first, keyed by event id (snapshots repeat the latest events, and
// the live `event` messages may arrive before or after the snapshot that carries them).
// Bursts of one kind and cause fold into one line, the latest cause → impact → action chain stays
// pinned above the feed until acknowledged or superseded, filters hide severities and kinds, and
// older events come from the stored journal (event-groups.js decides what shows; this draws it).
import { call } from './api.js';
import { esc, eventTime } from './format.js';
import { causeEvents, foldEvents, olderCursor, passes, pinnedChain, readFilter } from './event-groups.js';

const FRESH_MS = 8000;
// Only the newest few cause → impact → action chains stay unfolded, so ~15 events fit.
const OPEN_CHAINS = 4;
const OLDER_PAGE = 50;
const FILTER_KEY = 'breakerbox.eventFilter';
const ACK_KEY = 'breakerbox.ackChains';
/** Acknowledged chain ids kept: the newest ones are all that can still be pinned. */
const ACK_KEPT = 200;
const SEVERITIES = ['critical', 'warning', 'info'];

function stored(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}
function store(key, value) {
  try { localStorage.setItem(key, value); } catch { /* full or disabled: kept for this page only */ }
}
function storedAcks() {
  try {
    const ids = JSON.parse(stored(ACK_KEY) ?? '[]');
    return new Set(Array.isArray(ids) ? ids.filter(Number.isInteger) : []);
  } catch { return new Set(); }
}

const chainHtml = (chain) => `
  <div class="chain" data-testid="event-chain">
    <div class="cause"><span class="lbl">cause</span><span>${esc(chain.cause)}</span></div>
    <div class="impact"><span class="lbl">impact</span><span>${esc(chain.impact)}</span></div>
    <div class="action"><span class="lbl">action</span><span>${esc(chain.action)}</span></div>
  </div>`;

const tooltip = (ev) => [`#${ev.id} ${ev.type} · ${ev.subject} · ${new Date(ev.time).toLocaleString()}`, ev.message,
  ...(ev.chain ? [`cause: ${ev.chain.cause}`, `impact: ${ev.chain.impact}`, `action: ${ev.chain.action}`] : [])].join('\n');

/**
 * `root` is the list; `pin` the place above it for the pinned chain, `filters` and `kinds` where the
 * severity and kind toggles go, `older` the button that loads a page of older events, `hidden` where
 * the count of what the filters hide is said. All but `root` are optional.
 */
export function createEventFeed(root, { max = 40, now = () => Date.now(), pin, filters, kinds, older, hidden } = {}) {
  /** id -> event */
  const items = new Map();
  /** Ids a later entry superseded (a folded repeat): never shown again, even when a page of older events carries them. */
  const replaced = new Set();
  /** Ids that arrived live, for a few seconds: their line flashes. */
  const fresh = new Set();
  /** line id -> { el, sig, ids }: its element, what it was drawn from (a group's count and newest), its events' ids */
  const lines = new Map();
  /** Groups opened to show each member. */
  const expanded = new Set();
  /** Every kind this page has held or hidden: each keeps its box in the kind filter. */
  const seenKinds = new Set();
  const acknowledged = storedAcks();
  let filter = readFilter(stored(FILTER_KEY));
  // Events in the first snapshot after (re)connecting are history: they do not flash.
  let primed = false;
  // Paging back: where the next page starts once one was loaded, whether the journal has no more, how many pages hold.
  let olderFrom = null;
  let exhausted = false;
  let loadedOlder = 0;
  let loading = false;
  let generation = 0;
  let pinnedId = null;

  function add(ev, live) {
    if (!ev || typeof ev.id !== 'number' || items.has(ev.id) || replaced.has(ev.id)) return false;
    // A folded repeat supersedes the entry it counts on from: one line, with its count.
    if (typeof ev.replaces === 'number') {
      items.delete(ev.replaces);
      replaced.add(ev.replaces);
    }
    items.set(ev.id, ev);
    if (live) {
      fresh.add(ev.id);
      setTimeout(() => unflash(ev.id), FRESH_MS);
    }
    return true;
  }

  /** A line stops flashing once none of its events is fresh. */
  function unflash(id) {
    fresh.delete(id);
    for (const line of lines.values()) if (!line.ids.some((x) => fresh.has(x))) line.el.classList.remove('fresh');
    if (pin && !fresh.has(pinnedId)) pin.classList.remove('fresh');
  }

  /** Keeps the newest events (more once older pages were asked for); the pinned chain stays whatever its age. */
  function trim(keep) {
    const ordered = [...items.values()].sort((a, b) => b.time - a.time || b.id - a.id);
    for (const ev of ordered.slice(max + loadedOlder)) if (ev.id !== keep?.id) items.delete(ev.id);
  }

  function eventElement(ev) {
    const li = document.createElement('li');
    li.className = `ev sev-${ev.severity}${ev.chain ? ' has-chain' : ''}`;
    li.setAttribute('data-testid', `event-${ev.id}`);
    li.setAttribute('data-severity', ev.severity);
    li.setAttribute('data-type', ev.type);
    li.title = tooltip(ev);
    li.innerHTML = `
      <time class="mono" datetime="${new Date(ev.time).toISOString()}">${esc(eventTime(ev.time, now()))}</time>
      <div class="ev-body">
        <div class="ev-head"><span class="ev-type">${esc(ev.type)}</span>${ev.count > 1 ? `<span class="ev-count" data-testid="event-count">×${ev.count}</span>` : ''}<span class="ev-msg">${esc(ev.message)}</span></div>
        ${ev.chain ? chainHtml(ev.chain) : ''}
      </div>`;
    return li;
  }

  function groupElement(g) {
    const li = document.createElement('li');
    li.className = `ev ev-group sev-${g.severity}`;
    li.setAttribute('data-testid', 'event-group');
    li.setAttribute('data-group', g.id);
    li.setAttribute('data-severity', g.severity);
    li.setAttribute('data-type', g.type);
    fillGroup(li, g);
    return li;
  }

  function fillGroup(li, g) {
    const open = expanded.has(g.id);
    li.setAttribute('data-count', String(g.count));
    li.title = `${g.count} ${g.type} events, ${new Date(g.firstTime).toLocaleTimeString()}–${new Date(g.time).toLocaleTimeString()}\n${g.title}`;
    const members = g.events.map((ev) => `<li data-testid="event-${ev.id}" title="${esc(tooltip(ev))}"><time class="mono">${esc(eventTime(ev.time, now()))}</time><span>${esc(ev.message)}</span></li>`).join('');
    li.innerHTML = `
      <time class="mono" datetime="${new Date(g.time).toISOString()}">${esc(eventTime(g.time, now()))}</time>
      <div class="ev-body">
        <div class="ev-head"><span class="ev-type">${esc(g.type)}</span><span class="ev-count">×${g.count}</span>
          <button type="button" class="ev-expand" data-testid="event-group-toggle" aria-expanded="${open}" title="${open ? 'fold' : 'show each'}">${esc(g.title)}</button></div>
        <ol class="ev-members" data-testid="event-group-members"${open ? '' : ' hidden'}>${members}</ol>
      </div>`;
  }

  function render() {
    const events = [...items.values()];
    const pinned = pinnedChain(events, acknowledged);
    trim(pinned);
    renderPin(pinned);
    const causes = new Set(pinned ? causeEvents(pinned, events).map((e) => e.id) : []);
    const all = foldEvents(events.filter((e) => e !== pinned && items.has(e.id)));
    const isCause = (l) => (l.ev ? causes.has(l.ev.id) : l.group.events.some((e) => causes.has(e.id)));
    const shown = all.filter((l) => passes(l, filter) || isCause(l));
    if (hidden) hidden.textContent = all.length > shown.length ? `${all.length - shown.length} hidden by filters` : '';

    const keep = new Set();
    let cursor = root.firstElementChild;
    let chains = 0;
    for (const l of shown) {
      const id = l.ev ? `e${l.ev.id}` : l.group.id;
      keep.add(id);
      let line = lines.get(id);
      const sig = l.ev ? '' : `${l.group.count}:${l.group.events[0].id}`;
      const ids = l.ev ? [l.ev.id] : l.group.events.map((e) => e.id);
      if (!line) {
        line = { el: l.ev ? eventElement(l.ev) : groupElement(l.group), sig, ids };
        lines.set(id, line);
      } else if (line.sig !== sig) {
        fillGroup(line.el, l.group);
        Object.assign(line, { sig, ids });
      }
      if (ids.some((x) => fresh.has(x))) line.el.classList.add('fresh');
      line.el.classList.toggle('is-cause', isCause(l));
      if (l.ev?.chain) line.el.classList.toggle('collapsed', ++chains > OPEN_CHAINS);
      if (line.el === cursor) { cursor = cursor.nextElementSibling; continue; }
      root.insertBefore(line.el, cursor);
    }
    for (const [id, line] of lines) if (!keep.has(id)) { line.el.remove(); lines.delete(id); }
    root.classList.toggle('empty', all.length === 0);
    root.classList.toggle('all-filtered', all.length > 0 && shown.length === 0);
    renderKinds();
    renderOlder();
  }

  // ---- the pinned chain ------------------------------------------------------------------------
  function renderPin(ev) {
    if (!pin || (ev?.id ?? null) === pinnedId) return;
    pinnedId = ev?.id ?? null;
    pin.hidden = !ev;
    pin.setAttribute('data-event', ev ? String(ev.id) : '');
    if (!ev) { pin.textContent = ''; return; }
    pin.className = `ev-pin sev-${ev.severity}${fresh.has(ev.id) ? ' fresh' : ''}`;
    pin.title = tooltip(ev);
    pin.innerHTML = `
      <div class="ev-pin-head">
        <span class="ev-type">${esc(ev.type)}</span><span class="ev-pin-what">latest decision · ${esc(ev.subject)}</span>
        <time class="mono" datetime="${new Date(ev.time).toISOString()}">${esc(eventTime(ev.time, now()))}</time>
        <button type="button" class="small" data-testid="event-pin-ack" title="Acknowledged: unpin it (this browser remembers); a newer chain is pinned again">acknowledge</button>
      </div>
      ${chainHtml(ev.chain)}`;
  }

  pin?.addEventListener('click', (e) => {
    if (!e.target.closest?.('[data-testid="event-pin-ack"]') || pinnedId === null) return;
    acknowledged.add(pinnedId);
    store(ACK_KEY, JSON.stringify([...acknowledged].slice(-ACK_KEPT)));
    render();
  });

  root.addEventListener('click', (e) => {
    const toggle = e.target.closest?.('[data-testid="event-group-toggle"]');
    const li = toggle?.closest('[data-group]');
    if (!li) return;
    const id = li.getAttribute('data-group');
    const open = !expanded.has(id);
    if (open) expanded.add(id); else expanded.delete(id);
    toggle.setAttribute('aria-expanded', String(open));
    toggle.title = open ? 'fold' : 'show each';
    li.querySelector('.ev-members').hidden = !open;
  });

  // ---- filters ---------------------------------------------------------------------------------
  function setFilter(next) {
    filter = next;
    store(FILTER_KEY, JSON.stringify(filter));
    render();
  }

  if (filters) {
    filters.innerHTML = `${SEVERITIES.map((s) => `<button type="button" class="ev-sev sev-${s}" data-sev="${s}" data-testid="event-filter-${s}">${s}</button>`).join('')}
      <button type="button" class="ev-kinds-toggle" data-testid="event-filter-kinds" aria-expanded="false"${kinds ? ` aria-controls="${kinds.id}"` : ''}>kinds</button>`;
    filters.addEventListener('click', (e) => {
      const sev = e.target.closest?.('[data-sev]')?.getAttribute('data-sev');
      if (sev) {
        const on = filter.severities.includes(sev);
        setFilter({ ...filter, severities: on ? filter.severities.filter((s) => s !== sev) : [...filter.severities, sev] });
      } else if (e.target.closest?.('[data-testid="event-filter-kinds"]') && kinds) {
        kinds.hidden = !kinds.hidden;
        renderKinds();
      }
    });
  }
  kinds?.addEventListener('change', (e) => {
    const kind = e.target.getAttribute?.('data-kind');
    if (!kind) return;
    setFilter({ ...filter, kinds: e.target.checked ? filter.kinds.filter((k) => k !== kind) : [...filter.kinds, kind] });
  });

  /** The toggles say what is shown; the kinds listed are those seen and those hidden (so each can be shown again). */
  function renderKinds() {
    if (filters) {
      for (const b of filters.querySelectorAll('[data-sev]')) {
        const shown = !filter.severities.includes(b.getAttribute('data-sev'));
        b.setAttribute('aria-pressed', String(shown));
        b.title = `${shown ? 'hide' : 'show'} ${b.getAttribute('data-sev')} events`;
      }
      const toggle = filters.querySelector('[data-testid="event-filter-kinds"]');
      toggle.setAttribute('aria-expanded', String(kinds ? !kinds.hidden : false));
      toggle.textContent = filter.kinds.length ? `kinds (${filter.kinds.length} hidden)` : 'kinds';
      toggle.classList.toggle('filtering', filter.kinds.length > 0);
    }
    if (!kinds || kinds.hidden) return;
    for (const e of items.values()) seenKinds.add(e.type);
    for (const k of filter.kinds) seenKinds.add(k);
    const types = [...seenKinds].sort();
    // Redrawn only when a kind is new, so a box never moves or vanishes under the pointer.
    if (kinds.dataset.kinds !== types.join(',')) {
      kinds.dataset.kinds = types.join(',');
      kinds.innerHTML = types.map((t) => `<label data-testid="event-kind-${esc(t)}"><input type="checkbox" data-kind="${esc(t)}">${esc(t)}</label>`).join('');
    }
    for (const box of kinds.querySelectorAll('input[data-kind]')) box.checked = !filter.kinds.includes(box.getAttribute('data-kind'));
  }

  // ---- older events ----------------------------------------------------------------------------
  function renderOlder() {
    if (!older) return;
    older.disabled = loading || exhausted || items.size === 0;
    if (!older.dataset.error) older.textContent = loading ? 'loading…' : exhausted ? 'no older events' : 'older events';
  }

  /** The page of the stored journal just before what the feed holds; older pages follow on each call. */
  async function loadOlder() {
    if (loading || exhausted) return;
    const before = olderFrom ?? olderCursor(items.keys(), replaced);
    if (before === null) return;
    const asked = generation;
    loading = true;
    delete older?.dataset.error;
    renderOlder();
    try {
      const page = await call('GET', `/api/events?before=${before}&limit=${OLDER_PAGE}`);
      if (asked !== generation) return;
      loadedOlder += page.length;
      for (const ev of page) add(ev, false);
      olderFrom = page.length ? Math.min(before, ...page.map((e) => e.id)) : before;
      exhausted = page.length < OLDER_PAGE;
    } catch (err) {
      if (older) {
        older.dataset.error = 'true';
        older.textContent = `older events: ${err.message}`;
      }
    } finally {
      if (asked === generation) loading = false;
      render();
    }
  }

  older?.addEventListener('click', () => { delete older.dataset.error; void loadOlder(); });
  // Scrolling to the end of the list asks for more (a scroll only a person makes: a TV never loads on its own).
  root.addEventListener('scroll', () => {
    if (root.scrollTop > 0 && root.scrollTop + root.clientHeight >= root.scrollHeight - 24) void loadOlder();
  });

  return {
    /** Merges the events a snapshot carries (oldest first). */
    fromSnapshot(events) {
      let changed = false;
      for (const ev of events ?? []) changed = add(ev, primed) || changed;
      primed = true;
      if (changed) render();
    },
    /** One live event. */
    push(ev) {
      if (add(ev, true)) render();
    },
    /** After a reconnect the server may have restarted and reused ids: start over. */
    reset() {
      items.clear();
      replaced.clear();
      lines.clear();
      root.textContent = '';
      primed = false;
      olderFrom = null;
      exhausted = false;
      loadedOlder = 0;
      loading = false;
      generation++;
      pinnedId = null;
      if (pin) { pin.hidden = true; pin.textContent = ''; }
      renderOlder();
    },
    loadOlder,
  };
}
