// The alert list: pending and firing alerts, one row per story (an alert and those grouped under it:
// a tripped bank and the nodes it took down), muted ones with the reason why. Read from
// /api/alerts when the wall connects, when an alert event arrives and every 15 s. In operator mode
// a row can be acknowledged or silenced (its rule on its subject, for a while), and a silence ended,
// each with a reason that goes to the audit trail.
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
    const byKey = new Map(rows.map((r) => [r.key, r]));
    // The story an alert is told in: up its groups to one that has none (or whose group is gone).
    const rootOf = (a) => {
      let top = a;
      for (let hops = 0; top.group !== null && byKey.has(top.group) && hops < 8; hops++) top = byKey.get(top.group);
      return top;
    };
    const roots = rows.filter((a) => rootOf(a) === a);
    const grouped = (a) => rows.filter((r) => r !== a && rootOf(r) === a);
    const firing = roots.filter((a) => a.state === 'firing');
    count.textContent = firing.length ? String(firing.length) : '';
    el.classList.toggle('empty', roots.length === 0);
    el.innerHTML = roots.map((a) => {
      const under = grouped(a);
      const lost = under.filter((x) => x.rule === 'node-power-lost').length;
      const more = under.length ? ` <span class="muted">+${under.length} grouped${lost ? ` (${lost} lost power)` : ''}</span>` : '';
      const muted = a.muted ? `<div class="alert-muted" data-testid="alert-muted">${esc(a.muted.kind)}: ${esc(a.muted.why)}</div>` : '';
      const ack = a.state === 'firing' && !a.acknowledged ? `<button type="button" class="small op-only" data-ack="${a.id}" data-testid="alert-ack" title="Acknowledge: muted from then on; the receivers it paged are told">Ack</button>` : '';
      const silence = a.muted?.silence !== undefined
        ? `<button type="button" class="small op-only" data-unsilence="${a.muted.silence}" data-testid="alert-unsilence" title="End the silence that mutes this alert">Unsilence</button>`
        : `<button type="button" class="small op-only" data-silence="${a.id}" data-testid="alert-silence" title="Silence ${esc(a.rule)} on ${esc(a.subject.name)} for a while: no pages until it ends">Silence</button>`;
      return `<li class="alert" data-testid="alert" data-key="${esc(a.key)}" data-state="${esc(a.state)}" data-severity="${esc(a.severity)}" data-muted="${a.muted ? esc(a.muted.kind) : ''}" title="${esc(a.summary)}">
        <div class="alert-head"><span class="sev">${esc(a.state === 'pending' ? 'pending' : a.severity)}</span><span class="alert-rule">${esc(a.rule)}</span>${ack}${silence}</div>
        <div class="alert-summary">${esc(a.summary)}${more}</div>${muted}</li>`;
    }).join('');
  }

  el.addEventListener('click', async (e) => {
    const { ack, silence, unsilence } = e.target?.dataset ?? {};
    if ((!ack && !silence && !unsilence) || !operator.on) return;
    let request;
    if (ack) {
      const reason = window.prompt('Acknowledge: why? (goes to the audit trail)');
      if (!reason || !reason.trim()) return;
      request = ['POST', `/api/alerts/${ack}/ack`, { reason: reason.trim() }];
    } else if (silence) {
      const a = rows.find((r) => String(r.id) === silence);
      if (!a) return;
      const length = window.prompt(`Silence ${a.rule} on ${a.subject.name} for how long? ("30m", "2h", at most 30 days)`, '2h');
      if (!length || !length.trim()) return;
      const reason = window.prompt('Silence: why? (goes to the audit trail)');
      if (!reason || !reason.trim()) return;
      request = ['POST', '/api/silences', { match: { rule: a.rule, subject: a.subject.name }, for: length.trim(), reason: reason.trim() }];
    } else {
      const reason = window.prompt('End the silence: why? (goes to the audit trail)');
      if (!reason || !reason.trim()) return;
      request = ['DELETE', `/api/silences/${unsilence}`, { reason: reason.trim() }];
    }
    try {
      await call(...request);
    } catch (err) {
      window.alert(err?.message ?? String(err));
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
