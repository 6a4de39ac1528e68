// The NOC wall: one socket.io connection; every `snapshot` re-renders, every `event` joins the feed.
import { assess, createPools, createRacks, renderServices, setAttr, setText } from './render.js';
import { createEventFeed } from './events.js';
import { createFaultPanel } from './faults.js';
import { call, storedToken, toLogin } from './api.js';
import { createOperator } from './operator.js';
import { clockTime, countdown, duration, esc } from './format.js';

const $ = (id) => document.getElementById(id);

// Server time minus browser time, so the countdown follows the server's clock.
let skew = 0;
const serverNow = () => Date.now() + skew;

let snap = null;
const racks = createRacks($('racks'));
const pools = createPools($('pools'));
const feed = createEventFeed($('events'), { now: serverNow });
const faults = createFaultPanel($('fault-panel'));
const operator = createOperator({
  panel: $('operator-panel'),
  pools: $('pools'),
  toggle: $('operator-toggle'),
  dialog: $('token-dialog'),
  now: serverNow,
  // After an operator's change, show it at once rather than at the next pushed snapshot.
  refresh: async () => onSnapshot(await call('GET', '/api/snapshot')),
  toast,
});

function renderHeader(s) {
  const sites = s.sites.map((x) => x.name).join(' · ') || 'Breakerbox';
  setText($('site-name'), sites);
  document.title = `${sites} · Breakerbox`;

  const a = assess(s);
  const problems = s.health?.problems ?? [];
  const storage = $('storage-banner');
  storage.hidden = problems.length === 0;
  const said = problems.map((p) => `${p.message} [${p.code}]`).join(' · ');
  setText(storage, problems.length ? `DEGRADED · ${said}` : '');
  setAttr(storage, 'title', problems.length ? said : null);
  const overall = $('overall');
  setAttr(overall, 'data-level', a.level);
  setAttr(document.body, 'data-status', a.level);
  setText(overall.querySelector('.status-word'), a.word);
  setText(overall.querySelector('.status-detail'), a.detail);
  setAttr(overall, 'title', a.detail);

  setText($('hold-down'), duration(s.reload.holdDownMs));
  setAttr($('hold-down'), 'title', 'a drained node must answer this long before a reload re-admits it');
  const last = $('last-reload');
  const lastText = s.reload.lastAt
    ? `${clockTime(s.reload.lastAt)} · ${s.reload.lastOutcome ?? 'no outcome'}`
    : (s.reload.lastOutcome ?? 'none yet');
  setText(last, lastText);
  setAttr(last, 'title', `schedule ${s.reload.schedule}\n${lastText}`);
  tick();
}

/** Clock and reload countdown, every quarter second. */
function tick() {
  const now = serverNow();
  setText($('clock'), clockTime(now));
  const next = $('next-reload');
  if (!snap) return;
  const at = snap.reload.nextAt;
  setText($('next-reload-at'), at == null ? '' : `· ${clockTime(at).slice(0, 5)}`);
  if (at == null) {
    setText(next, 'none');
    setAttr(next, 'data-due', null);
  } else {
    const left = at - now;
    setText(next, left > 0 ? countdown(left) : 'now');
    setAttr(next, 'data-due', left <= 10_000 ? 'soon' : null);
    setAttr(next, 'title', `${snap.reload.schedule} · next at ${new Date(at).toLocaleTimeString()}`);
  }
}

function onSnapshot(s) {
  if (!s || !Array.isArray(s.pdus)) return;
  // A fetched snapshot and a pushed one may cross: never step back to an older one.
  if (snap && typeof s.time === 'number' && typeof snap.time === 'number' && s.time < snap.time) return;
  snap = s;
  skew = typeof s.time === 'number' ? s.time - Date.now() : 0;
  renderHeader(s);
  racks.update(s);
  pools.update(s);
  renderServices($('services'), s);
  feed.fromSnapshot(s.events);
  faults.update(s);
  operator.update(s);
  document.body.classList.add('ready');
}

function connection(state, text) {
  const el = $('conn');
  setAttr(el, 'data-state', state);
  setText(el.querySelector('span'), text);
  $('stale').hidden = state === 'live' || !snap;
}

// ---- reload now -----------------------------------------------------------------------------
let toastTimer = null;
function toast(text, level) {
  const el = $('reload-outcome');
  el.textContent = text;
  el.dataset.level = level;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 10_000);
}
$('reload-now').addEventListener('click', async (e) => {
  // In operator mode a reload asks for a reason, which goes to the audit trail.
  if (operator.on) { operator.reload(); return; }
  const button = e.currentTarget;
  button.disabled = true;
  try {
    const res = await call('POST', '/api/reload');
    toast(`reload: ${res?.outcome ?? 'done'}`, 'ok');
  } catch (err) {
    // 422: the reload ran but the new configuration was refused; the outcome says why.
    toast(err.data?.outcome ? `reload: ${err.data.outcome}` : `reload failed: ${err.message}`, 'error');
  } finally {
    button.disabled = false;
  }
});

// ---- live connection --------------------------------------------------------------------------
if (typeof window.io !== 'function') {
  connection('down', 'no socket.io');
  $('overall').querySelector('.status-detail').innerHTML = `cannot load <span class="mono">${esc('/socket.io/socket.io.js')}</span>`;
} else {
  // The login cookie goes with the handshake by itself; a token entered for changes is offered too.
  const socket = window.io({ transports: ['websocket', 'polling'], auth: (cb) => cb(storedToken() ? { token: storedToken() } : {}) });
  socket.on('connect', () => { feed.reset(); connection('live', 'live'); });
  socket.on('disconnect', () => connection('down', 'disconnected'));
  socket.on('connect_error', (err) => {
    if (err?.data?.code === 'BB_ERR_UNAUTHORIZED') toLogin();
    else connection('down', 'reconnecting');
  });
  socket.on('snapshot', onSnapshot);
  socket.on('event', (ev) => feed.push(ev));
  window.breakerbox = { socket, get snapshot() { return snap; } };
}
tick();
setInterval(tick, 250);
