// The status page's pure parts, with hand-made events and a FakeClock: a service's state from its
// pools, the worst state of each day, the incident drafted from the chain, the incident book (one
// draft per fault, operators' edits and publication), storage, and what the page and feeds print.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { FakeClock } from '../src/clock.js';
import { configSchema } from '../src/config/schema.js';
import { DrainStore, type DrainRecord } from '../src/drain/drain-store.js';
import { EventLog } from '../src/events/event-log.js';
import { Topology } from '../src/health/topology.js';
import type { ApiEvent, ApiMember, ApiPool } from '../src/http/api-types.js';
import { Maintenance } from '../src/maintenance/maintenance.js';
import { draftIncident, publicCause, spokenLength, type ServiceStateChange } from '../src/status/draft.js';
import { atomFeed, jsonFeed, uuidFor } from '../src/status/feeds.js';
import { IncidentBook, IncidentError, publicIncident, type Incident, type IncidentStore } from '../src/status/incidents.js';
import { renderStatusPage } from '../src/status/page.js';
import { capacityOf, dayStates, nextState, serviceState, type PoolCapacity, type PublicState } from '../src/status/states.js';
import { StatusService, type StatusView } from '../src/status/status-service.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T = Date.UTC(2026, 2, 12, 14, 8); // 12 March 2026 14:08 UTC
const ctx = { zone: 'UTC', siteOf: (pdu: string) => (pdu.startsWith('dal3-') ? 'Dallas 3' : null) };

const pool = (inRotation: number, drained = 0, unpowered = 0, planned = 0, total = 80): PoolCapacity => ({ pool: 'scanners', total, inRotation, drained, unpowered, planned });
const change = (time: number, name: string, state: PublicState, pools: PoolCapacity[], causes: string[] = []): ServiceStateChange => ({ time, name, state, pools, causes });

describe('a service state from its pools', () => {
  it('counts members: fault drains and unpowered members are lost capacity, operator holds and drains are not', () => {
    assert.deepEqual(capacityOf('p', [
      { state: 'active', power: 'normal' }, { state: 'active', power: 'degraded' }, { state: 'active', power: 'lost' },
      { state: 'drained', power: 'lost', drainedFor: 'fault' }, { state: 'drained', power: 'normal', drainedFor: 'maintenance' },
      { state: 'drained', power: 'normal', drainedFor: 'operator' }, { state: 'held', power: 'normal' },
    ]), { pool: 'p', total: 7, inRotation: 2, drained: 1, unpowered: 1, planned: 1 });
  });

  it('decides outage, reduced, maintenance and operational in that order', () => {
    const cases: [PoolCapacity[], boolean, PublicState][] = [
      [[pool(80)], false, 'operational'],
      [[pool(80)], true, 'maintenance'],
      [[pool(76, 0, 0, 4)], false, 'maintenance'],
      [[pool(60, 20)], false, 'reduced'],
      [[pool(79, 0, 1)], false, 'reduced'],
      [[pool(60, 20)], true, 'reduced'],
      [[pool(0, 80)], false, 'outage'],
      [[pool(80), pool(0, 0, 4, 0, 4)], false, 'outage'],
      [[pool(0, 0, 0, 80)], false, 'maintenance'],
      [[pool(0, 0, 0, 0)], false, 'outage'], // everything held out by operators: nothing serves
      [[pool(0, 0, 0, 0)], true, 'maintenance'],
    ];
    for (const [pools, inWindow, want] of cases) assert.equal(serviceState(pools, inWindow), want, JSON.stringify({ pools, inWindow }));
  });

  it('believes no recovery while some member power is unknown, but any worsening', () => {
    assert.equal(nextState('reduced', 'operational', true), 'reduced');
    assert.equal(nextState('reduced', 'operational', false), 'operational');
    assert.equal(nextState('operational', 'outage', true), 'outage');
    assert.equal(nextState('maintenance', 'operational', true), 'maintenance');
  });
});

describe('the worst state of each day', () => {
  it('colours a day by the worst state it saw, carries a state across midnight, and says no data before the first record', () => {
    const now = Date.UTC(2026, 2, 14, 9, 0);
    const changes = [
      { time: Date.UTC(2026, 2, 12, 14, 8), service: 'A', state: 'reduced' as const },
      { time: Date.UTC(2026, 2, 12, 16, 2), service: 'A', state: 'operational' as const },
      { time: Date.UTC(2026, 2, 13, 23, 0), service: 'A', state: 'outage' as const },
      { time: Date.UTC(2026, 2, 14, 1, 0), service: 'A', state: 'operational' as const },
    ];
    const days = dayStates(changes, ['A', 'B'], { now, days: 5, zone: 'UTC', dataSince: Date.UTC(2026, 2, 10, 12, 0) });
    assert.deepEqual(days.get('A'), [
      { date: '2026-03-10', state: 'operational' },
      { date: '2026-03-11', state: 'operational' },
      { date: '2026-03-12', state: 'reduced' },
      { date: '2026-03-13', state: 'outage' },
      { date: '2026-03-14', state: 'outage' }, // still out at midnight
    ]);
    assert.deepEqual(days.get('B')!.map((d) => d.state), ['operational', 'operational', 'operational', 'operational', 'operational']);
    const early = dayStates(changes, ['A'], { now, days: 5, zone: 'UTC', dataSince: Date.UTC(2026, 2, 12, 9, 0) });
    assert.deepEqual(early.get('A')!.map((d) => d.state), ['no-data', 'no-data', 'reduced', 'outage', 'outage']);
    assert.ok(dayStates([], ['A'], { now, days: 3, zone: 'UTC', dataSince: null }).get('A')!.every((d) => d.state === 'no-data'));
  });

  it('cuts days at local midnight in the zone', () => {
    // 03:00 UTC on 13 March is still 12 March in Chicago (UTC-5 after the 8 March change).
    const changes = [{ time: Date.UTC(2026, 2, 13, 3, 0), service: 'A', state: 'reduced' as const }, { time: Date.UTC(2026, 2, 13, 4, 0), service: 'A', state: 'operational' as const }];
    const now = Date.UTC(2026, 2, 14, 12, 0);
    assert.deepEqual(dayStates(changes, ['A'], { now, days: 3, zone: 'America/Chicago', dataSince: 0 }).get('A')!.map((d) => `${d.date} ${d.state}`),
      ['2026-03-12 reduced', '2026-03-13 operational', '2026-03-14 operational']);
    assert.deepEqual(dayStates(changes, ['A'], { now, days: 3, zone: 'UTC', dataSince: 0 }).get('A')!.map((d) => `${d.date} ${d.state}`),
      ['2026-03-12 operational', '2026-03-13 reduced', '2026-03-14 operational']);
  });
});

describe('an incident drafted from the chain', () => {
  const trip = ['bank 1 breaker tripped on dal3-r07-a'];

  it('says what happened in the words of a status page', () => {
    const d = draftIncident([
      change(T, 'Inbound mail scanning', 'reduced', [pool(60, 20)], trip),
      change(T + 114 * MIN, 'Inbound mail scanning', 'operational', [pool(80)]),
    ], ctx);
    assert.equal(d.text, 'At 14:08 a breaker tripped in Dallas 3. 20 of 80 servers were taken out of rotation; inbound mail scanning ran at reduced capacity for 1 h 54 min. Restored at 16:02.');
    assert.equal(d.title, 'Inbound mail scanning at reduced capacity');
    assert.equal(d.resolvedAt, T + 114 * MIN);
    assert.deepEqual(d.causes, trip);
    assert.deepEqual(d.services, [{ name: 'Inbound mail scanning', worst: 'reduced', from: T, until: T + 114 * MIN }]);
  });

  it('joins services that changed together, counts a server once, and stops at the restore', () => {
    const d = draftIncident([
      change(T, 'Inbound mail scanning', 'reduced', [pool(60, 0, 20)], trip), // power lost, not drained yet
      change(T + 3, 'Outbound mail scanning', 'reduced', [pool(60, 0, 20)], trip),
      change(T + 500, 'Inbound mail scanning', 'reduced', [pool(60, 20)], trip),
      change(T + 502, 'Outbound mail scanning', 'reduced', [pool(60, 20)], trip),
      change(T + HOUR, 'Inbound mail scanning', 'operational', [pool(80)]),
      change(T + HOUR + 2, 'Outbound mail scanning', 'operational', [pool(80)]),
      change(T + 2 * HOUR, 'Inbound mail scanning', 'outage', [pool(0, 80)], trip), // the next incident's
    ], ctx);
    assert.equal(d.text, 'At 14:08 a breaker tripped in Dallas 3. 20 of 80 servers were taken out of rotation; inbound mail scanning and outbound mail scanning ran at reduced capacity for 1 h. Restored at 15:08.');
    assert.equal(d.resolvedAt, T + HOUR + 2);
    assert.equal(d.title, 'Inbound mail scanning and outbound mail scanning at reduced capacity');
    assert.deepEqual(d.timeline.map((t) => t.text), [
      'Inbound mail scanning and outbound mail scanning: reduced capacity, 60 of 80 servers in rotation',
      'Inbound mail scanning and outbound mail scanning: operational',
    ]);
  });

  it('while going on, says so; an outage is said as unavailable; a restore on another day names the day', () => {
    const going = draftIncident([change(T, 'Quarantine and archive', 'outage', [pool(0, 4, 0, 0, 4)], ['dal3-r03-a and every node it alone feeds stopped answering'])], ctx);
    assert.equal(going.text, 'At 14:08 a rack power strip lost power in Dallas 3. 4 of 4 servers were taken out of rotation; quarantine and archive is unavailable.');
    assert.equal(going.title, 'Quarantine and archive unavailable');
    assert.equal(going.resolvedAt, null);
    const overnight = draftIncident([
      change(T, 'Quarantine and archive', 'outage', [pool(0, 0, 4, 0, 4)], ['inlet of pdu-x without voltage']),
      change(T + 12 * HOUR, 'Quarantine and archive', 'operational', [pool(4, 0, 0, 0, 4)]),
    ], ctx);
    assert.equal(overnight.text, 'At 14:08 a rack power strip lost its supply. 4 of 4 servers lost power; quarantine and archive was unavailable for 12 h. Restored at 02:08 on 13 March 2026.');
  });

  it('names causes in public words only, never a device', () => {
    assert.equal(publicCause(['bank 1 breaker tripped on dal3-r07-a', 'bank 2 breaker tripped on dal3-r08-a'], ctx.siteOf), 'breakers tripped in Dallas 3');
    assert.equal(publicCause(['outlet 3 switched off on dal3-r01-a'], ctx.siteOf), 'power to servers was switched off in Dallas 3');
    assert.equal(publicCause(['something new on dal3-r07-a'], ctx.siteOf), 'servers lost power');
    assert.equal(publicCause([], ctx.siteOf), 'servers lost power');
    assert.deepEqual([spokenLength(12_400), spokenLength(45 * MIN), spokenLength(2 * HOUR), spokenLength(27 * HOUR)], ['12 s', '45 min', '2 h', '1 d 3 h']);
  });
});

/** The drain store's part, in memory. */
class MemoryIncidents implements IncidentStore {
  readonly all = new Map<number, Incident>();
  readonly audit: { who: string; action: string; why: string }[] = [];
  incidents() { return [...this.all.values()].map((i) => structuredClone(i)); }
  putIncident(i: Incident) { this.all.set(i.id, structuredClone(i)); }
  incidentByOperator(i: Incident, entry: { who: string; action: string; why: string }) {
    this.putIncident(i);
    this.audit.push({ who: entry.who, action: entry.action, why: entry.why });
  }
}

describe('the incident book', () => {
  function book() {
    const clock = new FakeClock(T);
    const store = new MemoryIncidents();
    const recorded: ServiceStateChange[] = [];
    const b = new IncidentBook({ store, clock, changesSince: (t) => recorded.filter((c) => c.time >= t), context: () => ctx });
    /** A change recorded (as the journal would) and told to the book. */
    const say = (ms: number, name: string, state: PublicState, pools: PoolCapacity[], causes: string[] = []) => {
      clock.advance(ms);
      const c = change(clock.now(), name, state, pools, causes);
      recorded.push(c);
      return b.changed({ time: c.time, state });
    };
    return { b, store, clock, say };
  }

  it('a trip and its clearing make one draft with the times and counts; the next fault a second one', () => {
    const { b, say } = book();
    assert.equal(say(0, 'Inbound mail scanning', 'operational', [pool(80)]), null, 'nothing wrong: no incident');
    say(0, 'Inbound mail scanning', 'reduced', [pool(60, 20)], ['bank 1 breaker tripped on dal3-r07-a']);
    say(5, 'Outbound mail scanning', 'reduced', [pool(60, 20)], ['bank 1 breaker tripped on dal3-r07-a']);
    assert.equal(b.list().length, 1);
    assert.equal(b.open()!.resolvedAt, null);
    say(114 * MIN, 'Inbound mail scanning', 'operational', [pool(80)]);
    assert.equal(b.open()?.id, 1, 'open while outbound is still reduced');
    say(5, 'Outbound mail scanning', 'operational', [pool(80)]);
    const [first] = b.list();
    assert.equal(b.list().length, 1);
    assert.deepEqual([first!.status, first!.startedAt, first!.resolvedAt], ['draft', T, T + 114 * MIN + 10]);
    assert.match(first!.text, /^At 14:08 a breaker tripped in Dallas 3\. 20 of 80 servers were taken out of rotation; .* Restored at 16:02\.$/);
    assert.equal(b.open(), null);
    say(HOUR, 'Inbound mail scanning', 'outage', [pool(0, 80)]);
    assert.deepEqual(b.list().map((i) => [i.id, i.resolvedAt === null]), [[2, true], [1, false]]);
  });

  it('maintenance opens no incident', () => {
    const { b, say } = book();
    say(0, 'Inbound mail scanning', 'maintenance', [pool(76, 0, 0, 4)]);
    assert.deepEqual(b.list(), []);
  });

  it('an operator edits and publishes, audited; then the words stay the operator\'s while the times follow', () => {
    const { b, store, say } = book();
    say(0, 'Inbound mail scanning', 'reduced', [pool(60, 20)], ['bank 1 breaker tripped on dal3-r07-a']);
    assert.throws(() => b.edit(1, {}, 'alice', 'x'), (e: IncidentError) => e.status === 400);
    assert.throws(() => b.edit(1, { title: 'a\u0007b' }, 'alice', 'x'), /control characters/);
    assert.throws(() => b.edit(1, { title: 'two\nlines' }, 'alice', 'x'), /line breaks/);
    assert.throws(() => b.edit(1, { text: 'x'.repeat(4_001) }, 'alice', 'x'), /at most 4000/);
    assert.throws(() => b.publish(9, 'alice', 'x'), (e: IncidentError) => e.status === 404 && e.code === 'BB_ERR_NOT_FOUND');
    assert.equal(publicIncident(b.get(1)!), null, 'a draft is not public');
    b.edit(1, { title: 'Mail scanning slower' }, 'alice', 'plainer title');
    const published = b.publish(1, 'alice', 'customers asked');
    assert.throws(() => b.publish(1, 'alice', 'again'), (e: IncidentError) => e.status === 409);
    assert.deepEqual(store.audit, [
      { who: 'alice', action: 'edit-incident', why: 'incident 1: plainer title' },
      { who: 'alice', action: 'publish-incident', why: 'incident 1: customers asked' },
    ]);
    assert.deepEqual(published.edits.map((e) => [e.by, e.action, e.why]), [['alice', 'edit', 'plainer title'], ['alice', 'publish', 'customers asked']]);
    const textBefore = published.text;
    say(30 * MIN, 'Inbound mail scanning', 'operational', [pool(80)]);
    const after = b.get(1)!;
    assert.equal(after.title, 'Mail scanning slower');
    assert.equal(after.text, textBefore, 'published words are not rewritten');
    assert.equal(after.resolvedAt, T + 30 * MIN, 'the restore is still recorded');
    const pub = publicIncident(after)!;
    assert.ok(!('edits' in pub) && !('causes' in pub), 'the public view has no operators, reasons or device causes');
  });
});

describe('incidents in the drain store', () => {
  it('are kept across a restart; an operator change is written with its audit entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-status-'));
    try {
      const path = join(dir, 'state.db');
      const clock = new FakeClock(T);
      let store = new DrainStore(path, { clock });
      const incident: Incident = {
        id: 1, status: 'draft', title: 't', text: 'x', edited: false, startedAt: T, resolvedAt: null, services: [], timeline: [],
        createdAt: T, updatedAt: T, publishedAt: null, causes: [], edits: [],
      };
      store.putIncident(incident);
      store.incidentByOperator({ ...incident, status: 'published', publishedAt: T }, { time: T, who: 'alice', action: 'publish-incident', pool: null, node: null, why: 'incident 1: go' });
      store.close();
      store = new DrainStore(path, { clock });
      assert.deepEqual(store.incidents().map((i) => [i.id, i.status]), [[1, 'published']]);
      assert.deepEqual(store.auditTrail().map((a) => [a.who, a.action, a.why]), [['alice', 'publish-incident', 'incident 1: go']]);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the page and feeds', () => {
  const hostile = '<script>alert(1)</script> & "quotes" \u0001';
  const view: StatusView = {
    title: 'Dallas 3 status', zone: 'UTC', now: T + 3 * HOUR, dataSince: T - 100 * 86_400_000,
    services: [{ name: 'Inbound <mail>', state: 'reduced', days: [{ date: '2026-03-11', state: 'no-data' }, { date: '2026-03-12', state: 'reduced' }] }],
    maintenance: [{ key: 'k', services: ['Inbound <mail>'], start: T + 24 * HOUR, end: T + 26 * HOUR, inForce: false }],
    incidents: [{
      id: 7, title: hostile, text: `first\n\nsecond ${hostile}`, startedAt: T, resolvedAt: T + 114 * MIN, services: [{ name: 'Inbound <mail>', worst: 'reduced' }],
      timeline: [{ time: T, state: 'reduced', text: 'Inbound: reduced capacity' }], publishedAt: T + 2 * HOUR, updatedAt: T + 2 * HOUR,
    }],
  };

  it('escapes what operators and the config wrote, and gives every state a glyph and words', () => {
    const html = renderStatusPage(view);
    assert.ok(!html.includes('<script>') && !html.includes('<mail>'));
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /<p>first<\/p>\n<p>second /, 'paragraphs');
    assert.match(html, /data-date="2026-03-12" data-state="reduced" title="12 March 2026: reduced capacity"><span class="icon" aria-hidden="true">!<\/span><span class="sr">12 March 2026: reduced capacity/);
    for (const words of ['Operational', 'Maintenance', 'Reduced capacity', 'Outage', 'No data']) assert.match(html, new RegExp(`</span> ${words}</span>`), `legend: ${words}`);
    assert.match(html, /From 13 March 2026 14:08 to 16:08 \(UTC\): planned work; Inbound &lt;mail&gt; may run at reduced capacity\./);
  });

  it('Atom and JSON Feed carry the published incidents and the maintenance due within a week, with stable ids', () => {
    const atom = atomFeed(view, 'http://status.example');
    assert.ok(!atom.includes('\u0001') && !atom.includes('<script>'), 'no character XML cannot carry, nothing unescaped');
    assert.match(atom, /<id>urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}<\/id>/);
    assert.equal((atom.match(/<entry>/g) ?? []).length, 2, 'the incident and the maintenance tomorrow');
    assert.match(atom, /<link rel="self" type="application\/atom\+xml" href="http:\/\/status\.example\/status\/feed\.atom"\/>/);
    assert.equal(uuidFor('x'), uuidFor('x'));
    assert.notEqual(uuidFor('x'), uuidFor('y'));
    const json = jsonFeed(view, 'http://status.example') as { version: string; items: { id: string; title: string; content_text: string; date_published: string }[] };
    assert.equal(json.version, 'https://jsonfeed.org/version/1.1');
    assert.deepEqual(json.items.map((i) => i.title), [`${hostile} (resolved)`, 'Scheduled maintenance: Inbound <mail>']);
    assert.match(json.items[0]!.content_text, /\n14:08 Inbound: reduced capacity$/);
    const far = atomFeed({ ...view, maintenance: [{ ...view.maintenance[0]!, start: T + 30 * 86_400_000, end: T + 31 * 86_400_000 }] }, 'http://x');
    assert.equal((far.match(/<entry>/g) ?? []).length, 1, 'maintenance a month away is not announced yet');
  });
});

describe('the live status service (fakes for the pools, a FakeClock)', () => {
  const WEB = ['web-1', 'web-2', 'web-3', 'web-4'];
  const config = configSchema.parse({
    sites: [{ name: 'Austin 1', rows: [{ name: 'row 1', racks: ['r01', 'r02'] }] }],
    pdus: [{ name: 'aus1-r01-a', rack: 'r01', address: '127.9.0.1', outlets: 8 }, { name: 'aus1-r02-a', rack: 'r02', address: '127.9.0.2', outlets: 8 }],
    nodes: [...WEB.map((name, i) => ({ name, rack: 'r01', address: `127.9.1.${i + 1}`, psus: [{ pdu: 'aus1-r01-a', outlet: i + 1 }] })),
      { name: 'db-1', rack: 'r02', address: '127.9.2.1', psus: [{ pdu: 'aus1-r02-a', outlet: 1 }] }],
    pools: [{ name: 'web', members: WEB, backend: { type: 'file', dir: 'var/pools' } }, { name: 'db', members: ['db-1'], backend: { type: 'file', dir: 'var/pools' } }],
    services: [{ name: 'Webmail', pools: ['web'] }, { name: 'Archive', pools: ['db'] }],
    maintenance: [{ name: 'fw-r01', reason: 'firmware of aus1-r01-a', scope: { rack: 'r01' }, start: '2026-03-12T20:00', end: '2026-03-12T22:00', timezone: 'UTC' }],
    settings: { reload: { timezone: 'UTC' } },
  });

  function live() {
    const clock = new FakeClock(T);
    const log = pino({ level: 'silent' });
    const events = new EventLog(clock, log);
    const journal: ApiEvent[] = [];
    events.subscribe((e) => journal.push(e));
    const topology = new Topology(config);
    const members = new Map<string, ApiMember>(WEB.map((node) => [node, { node, state: 'active', reason: null, since: null, power: 'normal' }]));
    const records = new Map<string, DrainRecord>();
    const listeners: ((pool: string) => void)[] = [];
    const maintenance = new Maintenance({ config: () => config, topology: () => topology, clock, events });
    const store = new MemoryIncidents();
    const service = new StatusService({
      config: () => config, topology: () => topology, clock, log, events, maintenance, store,
      pool: (name) => (name === 'web' ? { name, members: [...members.values()] } as ApiPool : null),
      records: (pool) => (pool === 'web' ? [...records.values()] : []),
      onPoolChanged: (fn) => { listeners.push(fn); return () => {}; },
      journal: (f) => journal.filter((e) => (!f.types || f.types.includes(e.type)) && (f.from === undefined || e.time >= f.from)).slice(0, f.limit),
    });
    const set = (node: string, m: Partial<ApiMember>, record?: Partial<DrainRecord>) => {
      members.set(node, { ...members.get(node)!, ...m });
      if (record) records.set(node, { pool: 'web', node, reason: 'x', since: clock.now(), by: 'breakerbox', shadow: false, chain: { cause: 'bank 1 breaker tripped on aus1-r01-a', impact: '', action: '' }, ...record });
      else records.delete(node);
    };
    const changed = (pool = 'web') => { for (const l of listeners) l(pool); };
    const states = () => journal.filter((e) => e.type === 'service-state').map((e) => `${e.subject}: ${e.service!.state} ${e.service!.pools.map((p) => `${p.inRotation}/${p.total}`).join(',')}`);
    return { clock, service, maintenance, store, set, changed, states, journal };
  }

  it('records a change of state, and only a change; a first look finds nothing to say', () => {
    const l = live();
    l.service.start();
    l.changed();
    assert.deepEqual(l.states(), [], 'all well from the start: silent');
    l.set('web-1', { state: 'drained', power: 'lost' }, {});
    l.set('web-2', { state: 'drained', power: 'lost' }, {});
    l.changed();
    l.changed();
    l.set('web-3', { state: 'active', power: 'degraded' });
    l.changed();
    assert.deepEqual(l.states(), ['Webmail: reduced 2/4'], 'a degraded member still serves');
    assert.match(l.journal.at(-1)!.message, /^Webmail: reduced capacity \(2 of 4 servers in rotation\)$/);
    l.set('web-1', { state: 'active', power: 'unknown' });
    l.set('web-2', { state: 'active', power: 'unknown' });
    l.changed();
    assert.deepEqual(l.states(), ['Webmail: reduced 2/4'], 'power unknown: no recovery claimed, nothing recorded');
    l.set('web-1', { state: 'active', power: 'normal' });
    l.set('web-2', { state: 'active', power: 'normal' });
    l.clock.advance(114 * MIN);
    l.changed();
    assert.equal(l.states().at(-1), 'Webmail: operational 4/4');
    const [incident] = l.store.incidents();
    assert.equal(l.store.incidents().length, 1);
    assert.equal(incident!.text, 'At 14:08 a breaker tripped in Austin 1. 2 of 4 servers were taken out of rotation; webmail ran at reduced capacity for 1 h 54 min. Restored at 16:02.');
  });

  it('an operator\'s hand drain is no lost capacity; a maintenance window in force is maintenance, and announced', () => {
    const l = live();
    l.service.start();
    l.maintenance.start();
    l.set('web-4', { state: 'drained', by: 'alice' }, { by: 'alice' });
    l.changed();
    assert.deepEqual(l.states(), []);
    assert.deepEqual(l.service.view().maintenance.map((m) => [m.services, m.inForce]), [[['Webmail'], false]], 'announced, rack r01 holds the web pool only');
    l.clock.advance(6 * HOUR - 8 * MIN); // 20:00
    assert.deepEqual(l.states(), ['Webmail: maintenance 3/4']);
    assert.deepEqual(l.store.incidents(), [], 'planned work is no incident');
    const view = l.service.view();
    assert.deepEqual(view.services.map((s) => [s.name, s.state, s.days.at(-1)!.state]), [['Webmail', 'maintenance', 'maintenance'], ['Archive', 'operational', 'operational']]);
    assert.equal(view.maintenance[0]!.inForce, true);
    assert.equal(view.title, 'Austin 1 status');
    l.maintenance.stop();
  });
});
