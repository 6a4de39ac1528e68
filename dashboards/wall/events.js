// The event feed: newest first, keyed by event id (snapshots repeat the latest events, and
// the live `event` messages may arrive before or after the snapshot that carries them).
import { esc, eventTime } from './format.js';

const FRESH_MS = 8000;
// Only the newest few cause → impact → action chains stay unfolded, so ~15 events fit.
const OPEN_CHAINS = 4;

export function createEventFeed(root, { max = 40, now = () => Date.now() } = {}) {
  /** id -> { ev, el } */
  const items = new Map();
  // Events in the first snapshot after (re)connecting are history: they do not flash.
  let primed = false;

  function element(ev) {
    const li = document.createElement('li');
    li.className = `ev sev-${ev.severity}${ev.chain ? ' has-chain' : ''}`;
    li.setAttribute('data-testid', `event-${ev.id}`);
    li.setAttribute('data-severity', ev.severity);
    li.setAttribute('data-type', ev.type);
    li.title = [`#${ev.id} ${ev.type} · ${ev.subject} · ${new Date(ev.time).toLocaleString()}`, ev.message,
      ...(ev.chain ? [`cause: ${ev.chain.cause}`, `impact: ${ev.chain.impact}`, `action: ${ev.chain.action}`] : [])].join('\n');
    const chain = ev.chain ? `
      <div class="chain" data-testid="event-chain">
        <div class="cause"><span class="lbl">cause</span><span>${esc(ev.chain.cause)}</span></div>
        <div class="impact"><span class="lbl">impact</span><span>${esc(ev.chain.impact)}</span></div>
        <div class="action"><span class="lbl">action</span><span>${esc(ev.chain.action)}</span></div>
      </div>` : '';
    li.innerHTML = `
      <time class="mono" datetime="${new Date(ev.time).toISOString()}">${esc(eventTime(ev.time, now()))}</time>
      <div class="ev-body">
        <div class="ev-head"><span class="ev-type">${esc(ev.type)}</span>${ev.count > 1 ? `<span class="ev-count" data-testid="event-count">×${ev.count}</span>` : ''}<span class="ev-msg">${esc(ev.message)}</span></div>
        ${chain}
      </div>`;
    return li;
  }

  function add(ev, fresh) {
    if (!ev || typeof ev.id !== 'number' || items.has(ev.id)) return false;
    // A folded repeat supersedes the entry it counts on from: one line, with its count.
    if (typeof ev.replaces === 'number') {
      items.get(ev.replaces)?.el.remove();
      items.delete(ev.replaces);
    }
    const el = element(ev);
    if (fresh) {
      el.classList.add('fresh');
      setTimeout(() => el.classList.remove('fresh'), FRESH_MS);
    }
    items.set(ev.id, { ev, el });
    return true;
  }

  function render() {
    const ordered = [...items.values()].sort((a, b) => b.ev.time - a.ev.time || b.ev.id - a.ev.id);
    for (const gone of ordered.slice(max)) { gone.el.remove(); items.delete(gone.ev.id); }
    let cursor = root.firstElementChild;
    let chains = 0;
    for (const { ev, el } of ordered.slice(0, max)) {
      if (ev.chain) el.classList.toggle('collapsed', ++chains > OPEN_CHAINS);
      if (el === cursor) { cursor = cursor.nextElementSibling; continue; }
      root.insertBefore(el, cursor);
    }
    root.classList.toggle('empty', items.size === 0);
  }

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
      root.textContent = '';
      primed = false;
    },
  };
}
