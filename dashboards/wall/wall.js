// The NOC wall: one socket.io connection; a `snapshot` on connect, then `delta`s of what changed, each
// applied to the wall's copy and re-rendered; every `event` joins the feed. What only a reload changes
// (the topology) comes apart, only when the wall does not hold its version.
import { assess, createPools, createRacks, renderServices, setAttr, setText } from './render.js';
import { createEventFeed } from './events.js';
import { createAlertList } from './alerts.js';
import { createMaintenanceList } from './maintenance.js';
import { createFaultPanel } from './faults.js';
import { createWhatIf } from './what-if.js';
import { call, storedToken, toLogin } from './api.js';
import { createOperator } from './operator.js';
import { clockTime, countdown, duration, esc } from './format.js';
import { applyPatch, inflate, unpack, withTopology } from './patch.js';
import { createSparklines } from './history.js';
import { createCapacityMarks } from './capacity.js';
import { createPduPage } from './pdu-page.js';
import { createDetailPage } from './detail-page.js';
import { createRouter } from './routes.js';

const $ = (id) => document.getElementById(id);

// Server time minus browser time, so the countdown follows the server's clock.
let skew = 0;
const serverNow = () => Date.now() + skew;

let snap = null;
const racks = createRacks($('racks'));
const pools = createPools($('pools'));
const feed = createEventFeed($('events'), {
  now: serverNow, pin: $('event-pin'), filters: $('event-filters'), kinds: $('event-kinds'), older: $('events-older'), hidden: $('event-count'),
});
const faults = createFaultPanel($('fault-panel'));
const whatIf = createWhatIf($('what-if-panel'), { racks: $('racks'), pools: $('pools') });
const operator = createOperator({
  panel: $('operator-panel'),
  pools: $('pools'),
  toggle: $('operator-toggle'),
  dialog: $('token-dialog'),
  now: serverNow,
  // After an operator's change, a fresh snapshot of what this wall shows (its part of the site).
  refresh: () => new Promise((resolve) => {
    if (!socket?.connected) return resolve();
    const done = () => { clearTimeout(timer); snapshotApplied.delete(done); resolve(); };
    const timer = setTimeout(done, 5_000);
    snapshotApplied.add(done);
    resync();
  }),
  toast,
});
const alertList = createAlertList($('alerts'), $('alert-count'), { operator });
const maintenanceList = createMaintenanceList($('maintenance'), { now: () => serverNow() });
// History: sparklines on the racks (a timer of their own) and a PDU's page (#/pdu/NAME).
createSparklines($('racks'));
// N-1 headroom and single points of failure: a badge and a mark on each rack (capacity.js, a timer of its own).
createCapacityMarks($('racks'));
// Drill-down: a page per PDU, node, pool, service or rack, each with a deep link (routes.js).
const router = createRouter();
const pduPage = createPduPage({ page: $('pdu-page'), racks: $('racks'), snapshot: () => snap, router });
const detailPage = createDetailPage({ page: $('detail-page'), racks: $('racks'), pools: $('pools'), services: $('services'), snapshot: () => snap, router });

function renderHeader(s) {
  const sites = s.sites.map((x) => x.name).join(' · ') || 'Breakerbox';
  setText($('site-name'), sites);
  document.title = `${sites} · Breakerbox`;

  const nodata = noData();
  const a = nodata ? { level: 'nodata', word: 'NO DATA', detail: nodata.detail } : assess(s);
  setAttr(document.body, 'data-nodata', nodata ? 'true' : null);
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

/**
 * Whether the wall has data it can stand behind: none while the live connection is down (the server
 * stopped, paused or is cut off: socket.io's pings notice within 4 s), nor while the server says its own
 * polls are stale. Then the wall shows NO DATA, in grey, since when its data is, and stops its countdowns.
 */
function noData() {
  if (!snap) return null;
  if (!connected) return { since: snap.time, detail: `since ${clockTime(snap.time)} · no connection to Breakerbox` };
  const stuck = (snap.health?.problems ?? []).find((p) => p.code === 'BB_ERR_POLLS_STALE');
  if (stuck) return { since: stuck.since ?? snap.time, detail: `since ${clockTime(stuck.since ?? snap.time)} · Breakerbox's own polls are stale` };
  return null;
}

/** Clock and reload countdown, every quarter second. */
function tick() {
  const now = serverNow();
  setText($('clock'), clockTime(now));
  const next = $('next-reload');
  if (!snap) return;
  if (noData()) {
    setText(next, '–');
    setText($('next-reload-at'), '');
    setAttr(next, 'data-due', null);
    return;
  }
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

/** Called once each when the next snapshot has been applied. */
const snapshotApplied = new Set();

function onSnapshot(s) {
  applySnapshot(s);
  for (const done of [...snapshotApplied]) done();
}

function applySnapshot(s) {
  if (!s || !Array.isArray(s.pdus)) return;
  // A fetched snapshot and a pushed one may cross: never step back to an older one.
  if (snap && typeof s.time === 'number' && typeof snap.time === 'number' && s.time < snap.time) return;
  // A fetched snapshot carries no feed version: the deltas that follow still apply to it.
  if (typeof s.version === 'number') {
    version = s.version;
    awaitingSnapshot = false;
  }
  snap = s;
  render();
  feed.fromSnapshot(s.events ?? []);
}

// ---- deltas -----------------------------------------------------------------------------------
let version = -1;
/** A delta came after a gap: the ones that follow wait for the snapshot asked for. */
let awaitingSnapshot = false;

/** Applies what changed (patches or whole entities, by name) to the wall's copy; asks for a snapshot if it cannot. */
function onDelta(message) {
  const d = unpack(message);
  if (!snap || !d || typeof d.to !== 'number' || d.to <= version || awaitingSnapshot) return;
  // A delta patches only what changed since the one before it: after a gap the wall's copy would stay wrong
  // (the server never sends an unchanged field again), so it starts again from a snapshot.
  if (typeof d.from === 'number' && d.from !== version) {
    awaitingSnapshot = true;
    return resync();
  }
  for (const kind of ['pdus', 'nodes', 'pools', 'services']) {
    if (!Array.isArray(d[kind])) continue;
    const at = new Map(snap[kind].map((x, i) => [x.name, i]));
    for (const x of d[kind]) {
      if (at.has(x.name)) snap[kind][at.get(x.name)] = '$p' in x ? applyPatch(snap[kind][at.get(x.name)], x) : x;
      else if (kind === 'pools' && !('$p' in x)) snap.pools.push(x);
      // A thing the wall never heard of: its copy is not the server's, so start again from a snapshot.
      else return resync();
    }
  }
  if (Array.isArray(d.removedPools)) snap.pools = snap.pools.filter((p) => !d.removedPools.includes(p.name));
  if (Array.isArray(d.poolOrder)) {
    const rank = new Map(d.poolOrder.map((name, i) => [name, i]));
    snap.pools.sort((a, b) => (rank.get(a.name) ?? Infinity) - (rank.get(b.name) ?? Infinity));
  }
  for (const key of ['reload', 'health', 'sim', 'pollIntervalMs']) if (d[key] !== undefined) snap[key] = d[key];
  snap.time = d.time;
  version = d.to;
  render();
}

/** A live event joins the feed and the wall's copy of the latest ones (which the operator panel reads). */
function onEvent(ev) {
  feed.push(ev);
  alertList.onEvent(ev);
  maintenanceList.onEvent(ev);
  pduPage.onEvent(ev);
  detailPage.onEvent(ev);
  if (!snap || !ev) return;
  snap.events = [...(snap.events ?? []).filter((e) => e.id !== ev.id && e.id !== ev.replaces), ev].slice(-40);
  operator.update(snap);
}

// ---- topology ---------------------------------------------------------------------------------
// Kept by version for this wall's part of the site: in memory across reconnects, in localStorage
// across page loads (the latest one only). The server is told the version on every connect.
const params = new URLSearchParams(location.search);
const query = Object.fromEntries(['site', 'row', 'rack'].filter((k) => params.get(k)).map((k) => [k, params.get(k)]));
const TOPOLOGY_KEY = `breakerbox.topology:${JSON.stringify(query)}`;
let topology = storedTopology();

function storedTopology() {
  try {
    const t = JSON.parse(localStorage.getItem(TOPOLOGY_KEY));
    return typeof t?.version === 'string' ? t : null;
  } catch { return null; }
}

function keepTopology(t) {
  topology = t;
  try { localStorage.setItem(TOPOLOGY_KEY, JSON.stringify(t)); } catch { /* full or disabled: kept in memory alone */ }
}

/** A snapshot as sent, with its topology put back; null if the wall does not hold that topology. */
function whole(s) {
  if (topology?.version === s?.topology) return withTopology(topology, s);
  // The server sends a topology the wall lacks before the snapshot; should they disagree, start afresh.
  topology = null;
  socket.disconnect().connect();
  return null;
}

let socket = null;
function resync() {
  socket?.emit('resync');
}

function render() {
  const s = snap;
  skew = typeof s.time === 'number' ? s.time - Date.now() : 0;
  renderHeader(s);
  racks.update(s);
  maintenanceList.apply();
  pools.update(s);
  renderServices($('services'), s);
  faults.update(s);
  whatIf.update(s);
  operator.update(s);
  pduPage.update();
  detailPage.update();
  document.body.classList.add('ready');
}

let connected = false;
function connection(state, text) {
  const el = $('conn');
  connected = state === 'live';
  setAttr(el, 'data-state', state);
  setText(el.querySelector('span'), text);
  $('stale').hidden = connected || !snap;
  if (snap) renderHeader(snap);
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
  // A wall for part of the site says which in its address: ?site=…&row=…&rack=…
  const auth = () => ({ ...(storedToken() ? { token: storedToken() } : {}), ...(topology ? { topology: topology.version } : {}) });
  socket = window.io({ transports: ['websocket', 'polling'], query, auth: (cb) => cb(auth()) });
  socket.on('connect', () => { feed.reset(); connection('live', 'live'); void alertList.refresh(); void maintenanceList.refresh(); });
  socket.on('disconnect', () => connection('down', 'disconnected'));
  socket.on('connect_error', (err) => {
    if (err?.data?.code === 'BB_ERR_UNAUTHORIZED') toLogin();
    else connection('down', 'reconnecting');
  });
  // A snapshot arrives gzipped and inflates asynchronously: every message is handled in arrival order.
  let inOrder = Promise.resolve();
  const queue = (handle) => (message) => {
    inOrder = inOrder.then(() => handle(message)).catch((err) => console.error('wall: a message could not be applied', err));
  };
  socket.on('topology', queue(async (t) => keepTopology(unpack(await inflate(t)))));
  socket.on('snapshot', queue(async (s) => onSnapshot(whole(unpack(await inflate(s))))));
  socket.on('delta', queue(onDelta));
  socket.on('event', queue(onEvent));
  window.breakerbox = { socket, resync, get snapshot() { return snap; }, get version() { return version; }, get topology() { return topology?.version ?? null; } };
}
tick();
setInterval(tick, 250);
