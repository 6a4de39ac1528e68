// The alert list: pending and firing alerts, one row per story (an alert and those grouped under it:
// a tripped bank and the nodes it took down), muted ones with the reason why. Read from
// /api/alerts when the wall connects, when an alert event arrives and every 15 s. In operator mode
// a row can be acknowledged, with a reason that goes to the audit trail.
import { call } from './api.js';
import { esc } from './format.js';

const REFRESH_MS = 15_000;

export function createAlertList(el, count, { operator }) {
  let timer = null;
  let soon = null;
  let rows = [];

  async function refresh() {
    clearTimeout(timer);
    timer = setTimeout(refresh, REFRESH_MS);
    try {
      rows = await call('GET', '/api/alerts?state=pending,firing');
      render();
    } catch {
      // Unreachable server: the connection indicator says so; the list keeps what it showed.
    }
  }

  function render() {
    const roots = rows.filter((a) => a.group === null || !rows.some((r) => r.key === a.group));
    const grouped = (a) => rows.filter((r) => r.group === a.key);
    const firing = roots.filter((a) => a.state === 'firing');
    count.textContent = firing.length ? String(firing.length) : '';
    el.classList.toggle('empty', roots.length === 0);
    el.innerHTML = roots.map((a) => {
      const under = grouped(a);
      const lost = under.filter((x) => x.rule === 'node-power-lost').length;
      const more = under.length ? ` <span class="muted">+${under.length} grouped${lost ? ` (${lost} lost power)` : ''}</span>` : '';
      const muted = a.muted ? `<div class="alert-muted" data-testid="alert-muted">${esc(a.muted.kind)}: ${esc(a.muted.why)}</div>` : '';
      const ack = a.state === 'firing' && !a.acknowledged ? `<button type="button" class="small op-only" data-ack="${a.id}" data-testid="alert-ack" title="Acknowledge: muted from then on; the receivers it paged are told">Ack</button>` : '';
      return `<li class="alert" data-testid="alert" data-key="${esc(a.key)}" data-state="${esc(a.state)}" data-severity="${esc(a.severity)}" data-muted="${a.muted ? esc(a.muted.kind) : ''}" title="${esc(a.summary)}">
        <div class="alert-head"><span class="sev">${esc(a.state === 'pending' ? 'pending' : a.severity)}</span><span class="alert-rule">${esc(a.rule)}</span>${ack}</div>
        <div class="alert-summary">${esc(a.summary)}${more}</div>${muted}</li>`;
    }).join('');
  }

  el.addEventListener('click', async (e) => {
    const id = e.target?.dataset?.ack;
    if (!id || !operator.on) return;
    const reason = window.prompt('Acknowledge: why? (goes to the audit trail)');
    if (!reason || !reason.trim()) return;
    try {
      await call('POST', `/api/alerts/${id}/ack`, { reason: reason.trim() });
    } finally {
      void refresh();
    }
  });

  return {
    refresh,
    /** An event arrived: alerts that fire or resolve are looked at again, once for a burst. */
    onEvent(ev) {
      if (!ev || !/^alert/.test(ev.type)) return;
      clearTimeout(soon);
      soon = setTimeout(refresh, 200);
    },
  };
}
