// What the drill-down pages show (detail-page.js draws them): a node, a pool, a service and a rack, as
// HTML sections built from a model. A model is the API's detail of the thing (GET /api/nodes/NAME …)
// with the wall's live copy laid over it (the live* functions), so a page follows every delta at once,
// and what only the API knows (drain records' chains, holds, events, the audit trail) follows a refetch.
import { amps, duration, esc, eventTime, plural, uptime, watts } from './format.js';
import { hashFor } from './routes.js';

const link = (kind, name, text = name, testid = null) =>
  `<a href="${esc(hashFor(kind, name))}"${testid ? ` data-testid="${esc(testid)}"` : ''}>${esc(text)}</a>`;
const when = (ms) => (ms ? eventTime(ms, Date.now()) : '–');
const section = (key, title, body, note = '') => ({ key, html: `<h3>${esc(title)}${note ? ` <span class="muted">${esc(note)}</span>` : ''}</h3>${body}` });
const STATE_WORD = { active: 'ACTIVE', drained: 'DRAINED', held: 'HELD' };
const POWER_WORD = { normal: 'power normal', degraded: 'ONE FEED DOWN', lost: 'POWER LOST', unknown: 'power unknown' };

/** A list of events, newest first; each with its time, severity and kind, and its chain when it has one. */
export function eventList(events, now) {
  if (!events.length) return '<li class="muted">no recent events</li>';
  return [...events].reverse().map((e) => `
    <li class="dp-ev" data-severity="${esc(e.severity)}" data-type="${esc(e.type)}" title="${esc(`#${e.id} ${e.type} · ${e.subject}`)}">
      <time class="mono">${esc(eventTime(e.time, now))}</time>
      <span class="dp-ev-type">${esc(e.type)}${e.count > 1 ? ` ×${e.count}` : ''}</span>
      <span class="dp-ev-msg">${esc(e.message)}</span>
    </li>`).join('');
}

const eventsSection = (model) => section('events', 'Recent events', `<ol class="dp-events" data-testid="detail-events">${eventList(model.events ?? [], Date.now())}</ol>`);

function auditSection(model) {
  const rows = (model.audit ?? []).map((a) => `<tr><td class="mono">${esc(when(a.time))}</td><td>${esc(a.who)}</td><td>${esc(a.action)}</td><td>${esc(a.node ?? a.pool ?? '')}</td><td>${esc(a.why)}</td></tr>`).join('');
  return section('audit', 'Operators', rows
    ? `<table class="dp-table" data-testid="detail-audit"><thead><tr><th>time</th><th>who</th><th>action</th><th>on</th><th>why</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<div class="muted" data-testid="detail-audit">no operator action recorded</div>');
}

/** The room a pool has, recounted from its members now; floor and cap (from its config) come from the API. */
export function recount(pool, known) {
  const count = (f) => pool.members.filter(f).length;
  const active = count((m) => m.state === 'active');
  const drained = count((m) => m.state === 'drained');
  const floor = known?.floor ?? 0;
  const cap = known?.cap ?? 0;
  return {
    total: pool.members.length, active, healthy: count((m) => m.state === 'active' && m.power === 'normal'),
    drained, held: count((m) => m.state === 'held'), floor, cap, room: Math.max(0, Math.min(active - floor, cap - drained)),
  };
}

function capacityHtml(c, testid) {
  const pct = (n) => `${c.total ? (n / c.total) * 100 : 0}%`;
  return `
    <div class="dp-capacity" data-testid="${esc(testid)}" data-active="${c.active}" data-drained="${c.drained}" data-held="${c.held}" data-room="${c.room}">
      <div class="dp-bar" aria-hidden="true"><i class="seg healthy" style="width:${pct(c.healthy)}"></i><i class="seg weak" style="width:${pct(c.active - c.healthy)}"></i><i class="seg drained" style="width:${pct(c.drained)}"></i><i class="seg held" style="width:${pct(c.held)}"></i>${c.cap ? `<i class="cap" style="left:${pct(c.cap)}" title="drain cap"></i>` : ''}</div>
      <dl class="dp-kv">
        <dt>in rotation</dt><dd><b>${c.active}</b> of ${c.total}</dd>
        <dt>at full power</dt><dd>${c.healthy}</dd>
        <dt>drained</dt><dd>${c.drained} <span class="muted">(cap ${c.cap})</span></dd>
        <dt>held</dt><dd>${c.held}</dd>
        <dt>floor</dt><dd>${c.floor} <span class="muted">in rotation at least</span></dd>
        <dt>room</dt><dd>${plural(c.room, 'more drain')} <span class="muted">before a safety rule blocks</span></dd>
      </dl>
    </div>`;
}

// ---- node ---------------------------------------------------------------------------------------

/** The API's node with the live copy over it: its power and PSUs' feeds, its outlets' and breakers' state, its member states. */
export function liveNode(snap, name, detail) {
  const node = snap?.nodes?.find((n) => n.name === name);
  if (!node) return detail;
  const pdus = new Map((snap.pdus ?? []).map((p) => [p.name, p]));
  const psus = node.psus.length ? node.psus.map((p, i) => {
    const pdu = pdus.get(p.pdu);
    const outlet = pdu?.outlets.find((o) => o.index === p.outlet);
    const bank = pdu?.banks.find((b) => b.index === outlet?.bank);
    return {
      psu: i + 1, pdu: p.pdu, outlet: p.outlet, feed: p.feed, reason: p.reason, pduFeed: pdu?.feed ?? null, pduRack: pdu?.rack ?? null,
      pduReachable: pdu?.reachable ?? null, outletState: outlet?.state ?? 'unknown', outletCurrent: outlet?.current ?? null, bank: outlet?.bank ?? null, breaker: bank?.breaker ?? 'unknown',
    };
  }) : detail?.psus ?? [];
  const memberships = (snap.pools ?? []).flatMap((pool) => {
    const member = pool.members.find((m) => m.node === name);
    if (!member) return [];
    const known = detail?.memberships?.find((m) => m.pool === pool.name);
    // A record or hold the API last told of holds only while the member's state still says so.
    const record = member.state === 'drained' || member.wouldDrain ? known?.record ?? null : null;
    const hold = member.state === 'held' || member.pinned ? known?.hold ?? null : null;
    return [{ pool: pool.name, member, shadow: pool.shadow, record, hold, capacity: recount(pool, known?.capacity), removed: pool.removed }];
  });
  return { ...detail, ...node, psus, memberships, events: detail?.events ?? [], audit: detail?.audit ?? [] };
}

export function nodeHead(n) {
  const flag = n.power === 'lost' ? 'POWER LOST' : n.power === 'degraded' ? 'ONE FEED DOWN' : n.reachable === false ? 'NOT ANSWERING' : n.power === 'unknown' ? 'UNKNOWN' : '';
  const where = [n.rack && `rack ${n.rack}`, n.row, n.site, n.kind].filter(Boolean).join(' · ');
  return { flag, level: n.power === 'lost' ? 'crit' : flag ? 'warn' : 'ok', where, links: n.rack ? [['rack', n.rack, `rack ${n.rack}`]] : [] };
}

export function nodeSections(n) {
  const psus = n.psus.map((p) => `
    <tr data-testid="node-psu-${p.psu}" data-feed="${esc(p.feed)}" data-outlet-state="${esc(p.outletState)}" data-breaker="${esc(p.breaker)}">
      <td><b>PSU ${p.psu}</b></td>
      <td>${p.pduFeed ? `<span class="feed">${esc(p.pduFeed)}</span> ` : ''}${link('pdu', p.pdu, p.pdu, `node-psu-${p.psu}-pdu`)}</td>
      <td>outlet ${p.outlet} <span class="dp-word" data-v="${esc(p.outletState)}">${esc(p.outletState)}</span></td>
      <td>${p.bank ? `bank ${p.bank} <span class="dp-word" data-v="${esc(p.breaker)}">${esc(p.breaker === 'tripped' ? 'TRIPPED' : `breaker ${p.breaker}`)}</span>` : '–'}</td>
      <td class="mono">${esc(p.outletState === 'off' ? '–' : amps(p.outletCurrent))}</td>
      <td><span class="dp-feed" data-v="${esc(p.feed)}">feed ${esc(p.feed === 'down' ? 'DOWN' : p.feed)}</span> <span class="muted">${esc(p.reason)}</span></td>
    </tr>`).join('');
  const power = section('power', 'Power', `
    <div class="dp-power" data-testid="node-power" data-power="${esc(n.power)}"><b>${esc(POWER_WORD[n.power] ?? n.power)}</b> <span class="muted">${esc(n.reason ?? '')}</span></div>
    <table class="dp-table dp-psus"><tbody>${psus || '<tr><td class="muted">no PSU assessed yet</td></tr>'}</tbody></table>`, 'each PSU, its outlet and breaker');

  const pools = n.memberships.map((m) => {
    const r = m.record;
    const chain = r ? `
      <div class="chain" data-testid="node-record-${esc(m.pool)}">
        <div class="cause"><span class="lbl">cause</span><span>${esc(r.chain.cause)}</span></div>
        <div class="impact"><span class="lbl">impact</span><span>${esc(r.chain.impact)}</span></div>
        <div class="action"><span class="lbl">action</span><span>${esc(r.chain.action)}</span></div>
      </div>` : '';
    const { member } = m;
    return `
      <div class="dp-membership" data-testid="node-pool-${esc(m.pool)}" data-state="${esc(member.state)}">
        <div class="dp-line">${link('pool', m.pool, m.pool, `node-pool-link-${m.pool}`)}
          <span class="dp-state" data-v="${esc(member.state)}">${esc(STATE_WORD[member.state] ?? member.state)}${member.pinned ? ' · PINNED IN' : ''}${member.wouldDrain ? ' · WOULD DRAIN' : ''}</span>
          ${m.removed ? '<span class="muted">pool no longer configured</span>' : ''}
          <span class="muted">${esc([member.since && `since ${when(member.since)}`, member.by && `by ${member.by}`].filter(Boolean).join(' · '))}</span></div>
        ${member.reason ? `<div class="dp-why">${esc(member.reason)}</div>` : ''}
        ${r ? `<div class="dp-record muted">drain record: ${esc(r.reason)} · ${esc(when(r.since))} · by ${esc(r.by)}${r.maintenance ? ` · maintenance ${esc(r.maintenance)}` : ''}${r.shadow ? ' · shadow mode' : ''}</div>` : ''}
        ${chain}
        ${m.hold ? `<div class="dp-hold">${esc(m.hold.mode === 'out' ? 'held out' : 'pinned in')} by ${esc(m.hold.by)} since ${esc(when(m.hold.since))}: ${esc(m.hold.reason)}</div>` : ''}
        ${member.gate ? `<div class="muted">gate ${esc(member.gate.name)}: ${esc(member.gate.message)}</div>` : ''}
        <div class="muted dp-room">pool: ${m.capacity.active} of ${m.capacity.total} in rotation · ${m.capacity.drained} drained (cap ${m.capacity.cap}) · floor ${m.capacity.floor} · room ${m.capacity.room}</div>
      </div>`;
  }).join('') || '<div class="muted">in no pool</div>';

  const agent = section('agent', 'Agent', `
    <dl class="dp-kv" data-testid="node-agent">
      <dt>answers</dt><dd>${n.reachable === true ? 'yes' : n.reachable === false ? '<b class="dp-bad">NO</b>' : 'unknown'}${n.reachableSince ? ` <span class="muted">since ${esc(when(n.reachableSince))}</span>` : ''}</dd>
      <dt>up</dt><dd>${n.uptimeSeconds == null ? '–' : esc(uptime(n.uptimeSeconds))}${n.lastRebootAt ? ` <span class="muted">rebooted ${esc(when(n.lastRebootAt))}</span>` : ''}</dd>
      <dt>load</dt><dd>${n.load1 ?? '–'}${n.cpuLoad == null ? '' : ` · CPU ${n.cpuLoad}%`}</dd>
      <dt>interfaces</dt><dd>${n.interfaces ? `${n.interfaces.up} of ${n.interfaces.total} up` : '–'}</dd>
    </dl>`);
  return [power, section('pools', 'Pools', pools, 'member state, why, drain record'), agent, eventsSection(n), auditSection(n)];
}

// ---- pool ---------------------------------------------------------------------------------------

export function livePool(snap, name, detail) {
  const pool = snap?.pools?.find((p) => p.name === name);
  if (!pool) return detail;
  return { ...detail, ...pool, capacity: recount(pool, detail?.capacity), services: detail?.services ?? (snap.services ?? []).filter((s) => s.pools.includes(name)).map((s) => s.name) };
}

export function poolHead(p) {
  const flag = p.removed ? 'NOT CONFIGURED' : p.blocked ? 'DRAIN BLOCKED' : p.active === 0 ? 'NONE IN ROTATION' : p.shadow ? 'SHADOW' : p.drained ? `${p.drained} DRAINED` : '';
  const level = p.blocked || p.active === 0 ? 'crit' : p.drained || p.held ? 'warn' : 'ok';
  return { flag, level, where: [p.backend && `backend ${p.backend}`, p.shadow && 'shadow mode: no backend touched'].filter(Boolean).join(' · '), links: (p.services ?? []).map((s) => ['service', s, s]) };
}

export function poolSections(p, snap) {
  const nodes = new Map((snap?.nodes ?? []).map((n) => [n.name, n]));
  const policy = p.policy ? `<div class="muted dp-policy">drains on ${esc(p.policy.on.join(', '))}${p.policy.debounceMs ? ` after ${esc(duration(p.policy.debounceMs))}` : ''}${p.policy.maxDrainsPerMinute ? ` · at most ${p.policy.maxDrainsPerMinute} a minute` : ''} · cap ${Math.round(p.maxDrainedFraction * 100)}%</div>` : '';
  const blocked = (p.blockedBy ?? []).map((b) => `<div class="blocked-rule" data-rule="${esc(b.rule)}"><span class="blocked-tag">DRAIN BLOCKED</span> rule <b class="mono">${esc(b.rule)}</b>: ${esc(b.message)}</div>`).join('');
  // What is out or weak first, each group in the pool's order: the page answers "who, and why" at a glance.
  const calm = (m) => m.state === 'active' && m.power === 'normal' && !m.pinned && !m.wouldDrain;
  const rows = [...p.members.filter((m) => !calm(m)), ...p.members.filter(calm)].map((m) => {
    const n = nodes.get(m.node);
    return `<tr data-testid="pool-member-${esc(m.node)}" data-state="${esc(m.state)}" data-power="${esc(m.power)}">
      <td>${link('node', m.node)}</td>
      <td><span class="dp-state" data-v="${esc(m.state)}">${esc(STATE_WORD[m.state] ?? m.state)}</span>${m.pinned ? ' <span class="muted">pinned</span>' : ''}</td>
      <td><span class="dp-feed" data-v="${esc(m.power)}">${esc(m.power)}</span>${n?.reachable === false ? ' <b class="dp-bad">not answering</b>' : ''}</td>
      <td class="dp-why">${esc(m.reason ?? '')}</td>
      <td class="mono">${esc(m.since ? when(m.since) : '')}</td>
      <td>${esc(m.by ?? '')}</td>
    </tr>`;
  }).join('');
  return [
    section('capacity', 'Capacity', `${capacityHtml(p.capacity ?? recount(p, null), 'pool-capacity')}${policy}${blocked}`, 'against the safety rules'),
    section('members', 'Members', `<table class="dp-table dp-members"><thead><tr><th>node</th><th>state</th><th>power</th><th>why</th><th>since</th><th>by</th></tr></thead><tbody>${rows}</tbody></table>`, `${p.members.length}`),
    eventsSection(p), auditSection(p),
  ];
}

// ---- service ------------------------------------------------------------------------------------

export function liveService(snap, name, detail) {
  const service = snap?.services?.find((s) => s.name === name);
  if (!service) return detail;
  const pools = new Map((snap.pools ?? []).map((p) => [p.name, p]));
  const capacity = service.pools.filter((p) => pools.has(p)).map((p) => ({ pool: p, ...recount(pools.get(p), detail?.capacity?.find((c) => c.pool === p)) }));
  return { ...detail, ...service, capacity, events: detail?.events ?? [] };
}

export function serviceHead(s) {
  const flag = { ok: 'OK', reduced: 'REDUCED', down: 'DOWN' }[s.status] ?? s.status;
  return { flag, level: s.status === 'down' ? 'crit' : s.status === 'reduced' ? 'warn' : 'ok', where: `depends on ${plural(s.pools.length, 'pool')}`, links: [] };
}

export function serviceSections(s) {
  const pools = (s.capacity ?? []).map((c) => `
    <div class="dp-membership" data-testid="service-pool-${esc(c.pool)}">
      <div class="dp-line">${link('pool', c.pool)}</div>
      ${capacityHtml(c, `service-capacity-${c.pool}`)}
    </div>`).join('') || '<div class="muted">none of its pools is configured</div>';
  return [section('pools', 'Pools', pools, 'members in rotation and room'), eventsSection(s)];
}

// ---- rack ---------------------------------------------------------------------------------------

/** A rack from the live copy: where it stands, its PDUs and its nodes with their pools' member states. */
export function liveRack(snap, name, fetched) {
  let place = null;
  for (const site of snap?.sites ?? []) for (const row of site.rows) if (row.racks.some((r) => r.name === name)) place = { site: site.name, row: row.name };
  const pdus = (snap?.pdus ?? []).filter((p) => p.rack === name);
  const nodes = (snap?.nodes ?? []).filter((n) => n.rack === name);
  if (!place && !pdus.length && !nodes.length) return fetched;
  const members = new Map();
  for (const pool of snap.pools ?? []) for (const m of pool.members) if (m.node) members.set(m.node, [...(members.get(m.node) ?? []), { pool: pool.name, state: m.state }]);
  return { name, ...place, pdus, nodes: nodes.map((n) => ({ ...n, members: members.get(n.name) ?? [] })) };
}

export function rackHead(r) {
  const lost = r.nodes.filter((n) => n.power === 'lost').length;
  const degraded = r.nodes.filter((n) => n.power === 'degraded').length;
  const trips = r.pdus.filter((p) => p.banks.some((b) => b.breaker === 'tripped')).length;
  const flag = trips ? 'TRIPPED' : lost ? `${lost} LOST` : degraded ? `${degraded} ON ONE FEED` : '';
  return { flag, level: trips || lost ? 'crit' : degraded ? 'warn' : 'ok', where: [r.row, r.site, watts(r.pdus.reduce((s, p) => s + (p.power ?? 0), 0))].filter(Boolean).join(' · '), links: [] };
}

export function rackSections(r) {
  const pdus = r.pdus.map((p) => {
    const tripped = p.banks.filter((b) => b.breaker === 'tripped');
    const flag = p.dark ? 'DARK' : p.reachable === false ? 'NO SNMP' : tripped.length ? 'TRIPPED' : '';
    return `<div class="dp-membership" data-testid="rack-pdu-${esc(p.name)}" data-flag="${esc(flag)}">
      <div class="dp-line">${p.feed ? `<span class="feed">${esc(p.feed)}</span>` : ''}${link('pdu', p.name)}${flag ? ` <span class="dp-state" data-v="${flag === 'TRIPPED' || flag === 'DARK' ? 'bad' : 'warn'}">${esc(flag)}</span>` : ''}<span class="mono dp-right">${esc(p.reachable === false ? '– W' : watts(p.power))}</span></div>
      <div class="muted">${p.banks.map((b) => esc(`B${b.index} ${b.breaker === 'tripped' ? 'TRIPPED' : amps(b.current)}${b.rating ? ` of ${amps(b.rating)}` : ''}`)).join(' · ')}</div>
    </div>`;
  }).join('') || '<div class="muted">no PDU in this rack</div>';
  const rows = r.nodes.map((n) => `<tr data-testid="rack-node-${esc(n.name)}" data-power="${esc(n.power)}">
    <td>${link('node', n.name)}</td>
    <td><span class="dp-feed" data-v="${esc(n.power)}">${esc(n.power)}</span>${n.reachable === false ? ' <b class="dp-bad">not answering</b>' : ''}</td>
    <td class="muted">${esc(n.psus.map((p) => `${p.pdu}:${p.outlet} ${p.feed}`).join(', '))}</td>
    <td>${(n.members ?? []).map((m) => `${link('pool', m.pool)} <span class="dp-state" data-v="${esc(m.state)}">${esc(m.state)}</span>`).join(' ') || esc((n.pools ?? []).join(', '))}</td>
  </tr>`).join('');
  return [
    section('pdus', 'PDUs', pdus),
    section('nodes', 'Nodes', `<table class="dp-table"><thead><tr><th>node</th><th>power</th><th>PSUs</th><th>pools</th></tr></thead><tbody>${rows || '<tr><td class="muted">no node in this rack</td></tr>'}</tbody></table>`, `${r.nodes.length}`),
  ];
}
