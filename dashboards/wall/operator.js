// Operator mode: the wall stays a wall until someone turns this on (the small "operator" button,
// or ?operator in the URL). Then a member chip can be picked to see its detail and be held out,
// pinned in, released or drained by hand, each with a reason; the audit trail shows who did what.
import { call, forgetToken, maskToken, onTokenChange, setTokenPrompt, storedToken } from './api.js';
import { clockTime, duration, esc, eventTime } from './format.js';
import { setAttr, setText } from './render.js';

const AUDIT_LIMIT = 50;
const AUDIT_REFRESH_MS = 15_000;
/** Event types that mean someone changed something the audit trail records. */
const AUDITED_EVENTS = new Set(['hold', 'release', 'drain', 'reload']);

const ACTIONS = {
  'hold-out': {
    verb: 'Hold out',
    what: (t) => `Hold <b>${esc(t.node)}</b> out of pool <b>${esc(t.pool)}</b>: Breakerbox will not re-admit it until it is released.`,
    request: (t, reason) => ['POST', memberUrl(t, 'hold'), { mode: 'out', reason }],
    done: (t, by) => `${t.node} held out of ${t.pool}${by ? ` by ${by}` : ''}`,
  },
  'hold-in': {
    verb: 'Pin in',
    what: (t) => `Pin <b>${esc(t.node)}</b> in pool <b>${esc(t.pool)}</b>: Breakerbox will not drain it, whatever its power.`,
    request: (t, reason) => ['POST', memberUrl(t, 'hold'), { mode: 'in', reason }],
    done: (t, by) => `${t.node} pinned in ${t.pool}${by ? ` by ${by}` : ''}`,
  },
  release: {
    verb: 'Release',
    what: (t) => `Release the hold on <b>${esc(t.node)}</b> in pool <b>${esc(t.pool)}</b>: Breakerbox decides for it again.`,
    request: (t, reason) => ['DELETE', memberUrl(t, 'hold'), { reason }],
    done: (t) => `${t.node} released in ${t.pool}`,
  },
  drain: {
    verb: 'Drain',
    what: (t) => `Drain <b>${esc(t.node)}</b> from pool <b>${esc(t.pool)}</b> now: re-admitted at a reload once its power is normal.`,
    request: (t, reason) => ['POST', memberUrl(t, 'drain'), { reason }],
    done: (t, by) => `${t.node} drained from ${t.pool}${by ? ` by ${by}` : ''}`,
  },
  reload: {
    verb: 'Reload now',
    what: () => 'Reload now: re-read the configuration and re-admit healthy drained nodes.',
    request: (_t, reason) => ['POST', '/api/reload', { reason }],
    done: (_t, _by, res) => `reload: ${res?.outcome ?? 'done'}`,
  },
};

/** "12 s ago", "4 min ago", "2 h 5 min ago". */
function ago(ms) {
  const d = Math.max(0, ms);
  if (d < 1000) return 'just now';
  return `${duration(d < 60_000 ? Math.round(d / 1000) * 1000 : Math.round(d / 60_000) * 60_000)} ago`;
}

function memberUrl(t, what) {
  return `/api/pools/${encodeURIComponent(t.pool)}/members/${encodeURIComponent(t.node)}/${what}`;
}

/** Which actions make sense for a member as it stands; the API has the last word. */
function allowed(m) {
  return {
    'hold-out': m.state !== 'held',
    'hold-in': !m.pinned,
    // A member held in the backend by hand is released there, not through Breakerbox.
    release: (m.state === 'held' && !m.external) || !!m.pinned,
    drain: m.state === 'active' && !m.pinned,
  };
}

/**
 * @param {object} o
 * @param {HTMLElement} o.panel the operator panel
 * @param {HTMLElement} o.pools where the member chips live
 * @param {HTMLButtonElement} o.toggle the operator-mode button
 * @param {HTMLElement} o.dialog the token dialog
 * @param {() => number} o.now server time
 * @param {() => Promise<void>} o.refresh fetch and show a fresh snapshot
 * @param {(text: string, level: string) => void} o.toast the header's reload toast
 */
export function createOperator({ panel, pools, toggle, dialog, now, refresh, toast }) {
  const q = (id) => document.getElementById(id);
  const detail = q('member-detail');
  const form = q('action-form');
  const what = q('action-what');
  const reason = q('action-reason');
  const confirm = q('action-confirm');
  const status = q('action-status');
  const auditRows = q('audit-rows');
  const auditCount = q('audit-count');
  const tokenState = q('token-state');
  const tokenForget = q('token-forget');
  const buttons = [...panel.querySelectorAll('.actions button[data-action]')];

  let on = false;
  let snap = null;
  /** { pool, node } */
  let selected = null;
  /** { kind, pool, node } while the reason form is open */
  let pending = null;
  let busy = false;
  let signedAs = null;
  let statusTimer = null;
  let auditKey = '';
  let auditSeq = 0;
  let auditBlocked = false; // reads need a token and none was given: do not keep asking
  let auditTimer = null;
  let lastEventId = null;
  let detailHtml = '';

  // ---- token ---------------------------------------------------------------------------------

  function showTokenState() {
    const token = storedToken();
    setText(tokenState, token ? `${signedAs ? `as ${signedAs} · ` : ''}token ${maskToken(token)}` : 'no token');
    setAttr(tokenState, 'title', token ? 'a bearer token is kept for this tab (sessionStorage); only its last characters are shown' : 'changes ask for a bearer token when the API wants one');
    tokenForget.hidden = !token;
  }
  onTokenChange(() => {
    if (!storedToken()) signedAs = null;
    auditBlocked = false;
    showTokenState();
  });
  tokenForget.addEventListener('click', () => { forgetToken(); say('token forgotten'); });

  const tokenForm = dialog.querySelector('form');
  const tokenInput = q('token-input');
  let answer = null;
  function closeDialog(value) {
    dialog.hidden = true;
    tokenInput.value = '';
    const a = answer;
    answer = null;
    a?.(value);
  }
  setTokenPrompt((message) => new Promise((resolve) => {
    answer = resolve;
    setText(q('token-message'), message);
    tokenInput.value = '';
    dialog.hidden = false;
    tokenInput.focus();
  }));
  tokenForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = tokenInput.value.trim();
    if (!value) { tokenInput.focus(); return; }
    closeDialog(value);
  });
  q('token-cancel').addEventListener('click', () => closeDialog(null));
  dialog.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeDialog(null); });

  // ---- mode ----------------------------------------------------------------------------------

  function setMode(next, { updateUrl = true } = {}) {
    on = next;
    document.body.classList.toggle('operator-mode', on);
    panel.hidden = !on;
    setAttr(toggle, 'aria-pressed', on);
    setText(toggle, on ? 'exit operator' : 'operator');
    if (updateUrl) {
      const params = new URLSearchParams(location.search);
      params.delete('operator');
      const rest = params.toString();
      const search = on ? `?${rest ? `${rest}&` : ''}operator` : rest ? `?${rest}` : '';
      history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
    }
    if (on) {
      markChips();
      showTokenState();
      loadAudit();
      auditTimer ??= setInterval(() => { if (!auditBlocked) loadAudit(); }, AUDIT_REFRESH_MS);
    } else {
      closeForm();
      select(null);
      clearInterval(auditTimer);
      auditTimer = null;
      for (const c of pools.querySelectorAll('.chip[tabindex]')) c.removeAttribute('tabindex');
    }
  }
  toggle.addEventListener('click', () => setMode(!on));

  // ---- picking a member ----------------------------------------------------------------------

  function chipOf(t) {
    return t ? pools.querySelector(`.chip[data-pool="${CSS.escape(t.pool)}"][data-node="${CSS.escape(t.node)}"]`) : null;
  }

  /** Chips are focusable in operator mode, and the picked one is marked; chips are rebuilt when the topology changes. */
  function markChips() {
    if (!on) return;
    for (const c of pools.querySelectorAll('.chip:not([tabindex])')) {
      c.setAttribute('tabindex', '0');
      c.setAttribute('role', 'button');
    }
    const want = chipOf(selected);
    for (const c of pools.querySelectorAll('.chip.selected')) if (c !== want) c.classList.remove('selected');
    want?.classList.add('selected');
  }

  function select(t) {
    if (pending && pending.kind !== 'reload' && (!t || t.pool !== pending.pool || t.node !== pending.node)) closeForm();
    selected = t;
    markChips();
    if (!t) for (const c of pools.querySelectorAll('.chip.selected')) c.classList.remove('selected');
    renderDetail();
  }

  pools.addEventListener('click', (e) => {
    if (!on) return;
    const chip = e.target.closest('.chip');
    if (chip) select({ pool: chip.dataset.pool, node: chip.dataset.node });
  });
  pools.addEventListener('keydown', (e) => {
    if (!on || (e.key !== 'Enter' && e.key !== ' ')) return;
    const chip = e.target.closest('.chip');
    if (!chip) return;
    e.preventDefault();
    select({ pool: chip.dataset.pool, node: chip.dataset.node });
  });

  function current() {
    if (!selected || !snap) return null;
    const pool = snap.pools.find((p) => p.name === selected.pool);
    const member = pool?.members.find((m) => m.node === selected.node);
    return member ? { pool, member, node: snap.nodes.find((n) => n.name === member.node) ?? null } : null;
  }

  function renderDetail() {
    const c = current();
    let html;
    if (!c) {
      html = `<div class="detail-hint">${selected ? `${esc(selected.node)} is no longer a member of ${esc(selected.pool)}.` : 'Click a member chip to pick it.'}</div>`;
    } else {
      const { pool, member: m, node } = c;
      const t = now();
      const since = m.since ? `${clockTime(m.since)} (${ago(t - m.since)})` : '–';
      const psus = (node?.psus ?? []).map((p) => `${p.pdu}/${p.outlet} ${p.feed}`).join(' · ');
      html = `
        <div class="detail-head">
          <span class="detail-node mono" data-testid="detail-node">${esc(m.node)}</span>
          <span class="badge state" data-testid="detail-state" data-state="${esc(m.state)}">${esc(m.state)}</span>
          ${m.pinned ? '<span class="badge pinned" data-testid="detail-pinned">pinned in</span>' : ''}
          ${m.wouldDrain ? '<span class="badge would-drain">would drain (shadow)</span>' : ''}
          <span class="detail-pool">pool <b>${esc(pool.name)}</b>${pool.shadow ? ' · shadow' : ''}</span>
        </div>
        <dl class="detail-grid">
          <dt>power</dt><dd data-testid="detail-power" data-power="${esc(m.power)}"><b>${esc(m.power)}</b>${node?.reason ? ` · ${esc(node.reason)}` : ''}</dd>
          <dt>reason</dt><dd data-testid="detail-reason">${esc(m.reason ?? '–')}</dd>
          <dt>by · since</dt><dd data-testid="detail-by">${m.by || m.since ? `${esc(m.by ?? '–')} · ${esc(since)}` : '–'}</dd>
          <dt>node</dt><dd>${node ? `rack ${esc(node.rack)} · agent ${node.reachable === null ? 'unknown' : node.reachable ? 'answering' : '<b class="bad">not answering</b>'}${psus ? ` · ${esc(psus)}` : ''}` : '–'}</dd>
        </dl>`;
    }
    if (html !== detailHtml) {
      detail.innerHTML = html;
      detailHtml = html;
    }
    setAttr(detail, 'data-empty', c ? null : 'true');
    setAttr(detail, 'data-node', c?.member.node ?? null);
    setAttr(detail, 'data-pool', c?.pool.name ?? null);
    const ok = c ? allowed(c.member) : {};
    for (const b of buttons) b.disabled = busy || !ok[b.dataset.action];
  }

  // ---- acting ----------------------------------------------------------------------------------

  function say(text, level = 'info') {
    status.textContent = text;
    status.dataset.level = level;
    clearTimeout(statusTimer);
    if (level !== 'error') statusTimer = setTimeout(() => { status.textContent = ''; }, 15_000);
  }

  function openForm(kind) {
    const target = kind === 'reload' ? { pool: null, node: null } : selected;
    if (!target) return;
    pending = { kind, ...target };
    what.innerHTML = ACTIONS[kind].what(target);
    setAttr(form, 'data-action', kind);
    setText(confirm, ACTIONS[kind].verb);
    confirm.classList.toggle('danger', kind === 'drain' || kind === 'hold-out');
    reason.value = '';
    reason.removeAttribute('aria-invalid');
    form.hidden = false;
    reason.focus();
  }

  function closeForm() {
    pending = null;
    form.hidden = true;
    reason.value = '';
  }

  for (const b of buttons) b.addEventListener('click', () => openForm(b.dataset.action));
  q('action-reload').addEventListener('click', () => openForm('reload'));
  q('action-cancel').addEventListener('click', closeForm);
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeForm(); });
  reason.addEventListener('input', () => reason.removeAttribute('aria-invalid'));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!pending || busy) return;
    const why = reason.value.trim();
    if (!why) {
      reason.setAttribute('aria-invalid', 'true');
      say('say why: a reason is required', 'error');
      reason.focus();
      return;
    }
    const job = pending;
    const action = ACTIONS[job.kind];
    busy = true;
    confirm.disabled = true;
    renderDetail();
    say(`${action.verb}…`);
    try {
      const res = await call(...action.request(job, why));
      if (typeof res?.by === 'string') signedAs = res.by;
      showTokenState();
      const text = action.done(job, res?.by, res);
      say(text, 'ok');
      if (job.kind === 'reload') toast(text, 'ok');
      closeForm();
      await Promise.allSettled([refresh(), loadAudit()]);
    } catch (err) {
      // 422 from a reload: it ran but the new configuration was refused; the outcome says why.
      const text = err.data?.outcome ? `reload: ${err.data.outcome}` : `${action.verb} failed: ${err.message}`;
      say(text, 'error');
      if (job.kind === 'reload') toast(text, 'error');
      if (err.data?.outcome) loadAudit();
    } finally {
      busy = false;
      confirm.disabled = false;
      renderDetail();
    }
  });

  // ---- audit trail -----------------------------------------------------------------------------

  async function loadAudit() {
    const seq = ++auditSeq;
    try {
      const rows = await call('GET', `/api/audit?limit=${AUDIT_LIMIT}`);
      if (seq !== auditSeq) return;
      renderAudit(Array.isArray(rows) ? rows : []);
    } catch (err) {
      if (seq !== auditSeq) return;
      if (err.status === 401) auditBlocked = true;
      setText(auditCount, `unavailable: ${err.message}`);
    }
  }

  function renderAudit(rows) {
    const key = JSON.stringify(rows);
    if (key === auditKey) return;
    auditKey = key;
    const t = now();
    auditRows.innerHTML = rows.length
      ? rows.map((r) => `<tr data-testid="audit-row-${esc(r.id)}" data-action="${esc(r.action)}" title="${esc(`#${r.id} · ${new Date(r.time).toLocaleString()}\n${r.who} ${r.action}${r.pool ? ` · pool ${r.pool}` : ''}${r.node ? ` · ${r.node}` : ''}\n${r.why}`)}">
          <td class="mono">${esc(eventTime(r.time, t))}</td>
          <td class="who">${esc(r.who)}</td>
          <td><span class="audit-action" data-action="${esc(r.action)}">${esc(r.action)}</span></td>
          <td class="mono">${esc(r.node ?? r.pool ?? '–')}</td>
          <td class="why">${esc(r.why)}</td>
        </tr>`).join('')
      : '<tr class="none"><td colspan="5">nothing yet: holds, releases, drains by hand and reloads show here</td></tr>';
    setText(auditCount, rows.length ? `latest ${rows.length}` : '');
  }

  // ---- snapshots ---------------------------------------------------------------------------------

  setMode(new URLSearchParams(location.search).has('operator'), { updateUrl: false });

  return {
    get on() { return on; },
    /** Ask for a reason, then reload (the header's "Reload now" in operator mode). */
    reload() { openForm('reload'); },
    update(next) {
      snap = next;
      if (!on) return;
      markChips();
      renderDetail();
      // Someone (here or elsewhere) changed something: the audit trail has a new row.
      const events = next.events ?? [];
      const newest = events.length ? events[events.length - 1].id : null;
      if (lastEventId !== null && newest !== lastEventId && !auditBlocked
        && events.some((ev) => ev.id > lastEventId && AUDITED_EVENTS.has(ev.type))) loadAudit();
      lastEventId = newest;
    },
  };
}
