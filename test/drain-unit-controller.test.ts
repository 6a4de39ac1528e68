// The drain controller on a small hand-built topology, with power health set by hand, fake time, the
// in-memory store and a fake backend that records every read and write: operator actions and their
// refusals word for word, who owns a member out in the backend (also across a restart), what a
// reconcile reads and writes, the debounce timer, the rate limit's memory, re-admission at a reload,
// and which pools a change of power or facts looks at again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from 'pino';
import pino from 'pino';
import type { BackendState, MembershipEntry, PoolBackend } from '../src/backends/pool-backend.js';
import { FakeClock } from '../src/clock.js';
import { configSchema, type Config, type ConfigInput } from '../src/config/schema.js';
import { DrainController, OperatorError } from '../src/drain/drain-controller.js';
import { DrainStore, StorageError, type DrainRecord, type Hold, type StorageProblem } from '../src/drain/drain-store.js';
import { EventLog } from '../src/events/event-log.js';
import type { Facts, NodeHealth, PowerView } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import type { NodeFacts } from '../src/state/state-store.js';

type Said = { type: string; severity: string; subject: string; message: string; chain?: { cause: string; impact: string; action: string } };
type PoolInput = NonNullable<ConfigInput['pools']>[number];
type DrainInput = NonNullable<PoolInput['drain']>;

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

/** A backend that behaves like HAProxy: what it is told to take out is out ("MAINT"), someone else's holds stay. */
class FakeBackend implements PoolBackend {
  readonly kind = 'haproxy';
  state: BackendState | null;
  reads = 0;
  applies: MembershipEntry[][] = [];
  failApply: Error | null = null;

  constructor(members: string[]) {
    this.state = { active: new Set(members), out: new Map() };
  }

  async readActive(): Promise<Set<string> | null> {
    throw new Error('readState is used');
  }

  /** While set, a read waits for it: a backend that hangs. */
  readGate: Promise<void> | null = null;

  async readState(): Promise<BackendState | null> {
    this.reads++;
    if (this.readGate) await this.readGate;
    return this.state && { active: new Set(this.state.active), out: new Map(this.state.out) };
  }

  async apply(_pool: string, entries: MembershipEntry[]): Promise<void> {
    this.applies.push(entries);
    if (this.failApply) throw this.failApply;
    const state = this.state ?? { active: new Set<string>(), out: new Map<string, string>() };
    for (const e of entries) {
      if (e.external) continue;
      if (e.state === 'active') {
        state.active.add(e.node);
        state.out.delete(e.node);
      } else {
        state.active.delete(e.node);
        state.out.set(e.node, 'MAINT');
      }
    }
    this.state = state;
  }

  /** Someone at the backend takes a member out, or puts it back. */
  takeOut(node: string, how = 'MAINT (forced)'): void {
    this.state!.active.delete(node);
    this.state!.out.set(node, how);
  }

  putBack(node: string): void {
    this.state!.out.delete(node);
    this.state!.active.add(node);
  }

  lastEntry(node: string): MembershipEntry | undefined {
    return this.applies.at(-1)?.find((e) => e.node === node);
  }
}

/** A store whose writability and operator writes can be broken by hand. */
class BreakableStore extends DrainStore {
  brokenBy: StorageProblem | null = null;
  failWrites: Error | null = null;

  constructor() {
    super(':memory:');
  }

  override unwritable(): StorageProblem | null {
    return this.brokenBy ?? super.unwritable();
  }

  override holdByOperator(hold: Hold, entry: Parameters<DrainStore['holdByOperator']>[1]): void {
    if (this.failWrites) throw this.failWrites;
    super.holdByOperator(hold, entry);
  }

  override releaseByOperator(pool: string, node: string, entry: Parameters<DrainStore['releaseByOperator']>[2]): boolean {
    if (this.failWrites) throw this.failWrites;
    return super.releaseByOperator(pool, node, entry);
  }

  override drainByOperator(record: DrainRecord, entry: Parameters<DrainStore['drainByOperator']>[1]): void {
    if (this.failWrites) throw this.failWrites;
    super.drainByOperator(record, entry);
  }
}

interface WorldOptions {
  web?: Partial<DrainInput>;
  api?: Partial<DrainInput>;
  webShadow?: boolean;
  mode?: 'live' | 'shadow';
  /** Pools in this order (default web, api). */
  order?: ('web' | 'api')[];
  store?: DrainStore;
  massFailure?: { minPdus: number; fraction: number };
}

/**
 * Site S: row 1 (rack r1: PDUs pa1, pa2; nodes n1-n4), row 2 (rack r2: pb1, pb2; n5, n6). UPS u1
 * (rack r0, in no row) feeds pa1. Pools: web = n1-n4, api = n4-n6. Every node single-corded.
 */
function configOf(o: WorldOptions): Config {
  const drain = (d: Partial<DrainInput> = {}): DrainInput => ({ maxDrainedFraction: 1, ...d });
  const pools: Record<'web' | 'api', PoolInput> = {
    web: { name: 'web', members: ['n1', 'n2', 'n3', 'n4'], backend: { type: 'file', dir: '/nonexistent' }, drain: drain(o.web), ...(o.webShadow !== undefined ? { shadow: o.webShadow } : {}) },
    api: { name: 'api', members: ['n4', 'n5', 'n6'], backend: { type: 'file', dir: '/nonexistent' }, drain: drain(o.api) },
  };
  const pdu = (name: string, rack: string, upstream?: string) => ({ name, rack, address: '10.0.0.1', outlets: 8, ...(upstream ? { upstream } : {}) });
  const node = (name: string, rack: string, pdu: string, outlet: number) => ({ name, rack, address: '10.0.1.1', psus: [{ pdu, outlet }] });
  return configSchema.parse({
    sites: [{ name: 'S', rows: [{ name: 'row 1', racks: ['r1'] }, { name: 'row 2', racks: ['r2'] }] }],
    pdus: [pdu('u1', 'r0'), pdu('pa1', 'r1', 'u1'), pdu('pa2', 'r1'), pdu('pb1', 'r2'), pdu('pb2', 'r2')],
    nodes: [node('n1', 'r1', 'pa1', 1), node('n2', 'r1', 'pa1', 2), node('n3', 'r1', 'pa2', 1), node('n4', 'r1', 'pa2', 2), node('n5', 'r2', 'pb1', 1), node('n6', 'r2', 'pb2', 1)],
    pools: (o.order ?? ['web', 'api']).map((p) => pools[p]),
    settings: { mode: o.mode ?? 'live', reload: { holdDown: 5 * MIN }, ...(o.massFailure ? { massFailure: o.massFailure } : {}) },
  });
}

class World {
  readonly clock = new FakeClock(T0);
  config: Config;
  topology: Topology;
  settings: Config['settings'];
  view: PowerView = { nodes: new Map(), pdus: new Map() };
  readonly nodeFacts = new Map<string, Partial<NodeFacts>>();
  readonly facts: Facts = { pdu: () => undefined, node: (n) => this.nodeFacts.get(n) as NodeFacts | undefined };
  readonly store: DrainStore;
  readonly backends = new Map<string, FakeBackend>();
  readonly backendCalls: string[] = [];
  backendError: Error | null = null;
  readonly events: EventLog;
  readonly said: Said[] = [];
  readonly errors: [Record<string, unknown>, string][] = [];
  readonly log = { error: (o: Record<string, unknown>, m: string) => this.errors.push([o, m]), warn: () => {}, info: () => {}, debug: () => {} } as unknown as Logger;
  controller: DrainController;

  constructor(readonly options: WorldOptions = {}) {
    this.config = configOf(options);
    this.topology = new Topology(this.config);
    this.settings = this.config.settings;
    this.store = options.store ?? new DrainStore(':memory:', { clock: this.clock });
    this.events = new EventLog(this.clock, pino({ level: 'silent' }));
    this.events.subscribe(({ type, severity, subject, message, chain }) => this.said.push({ type, severity, subject, message, ...(chain ? { chain } : {}) }));
    for (const pool of this.config.pools) this.backends.set(pool.name, new FakeBackend(pool.members));
    for (const n of this.config.nodes) {
      this.normal(n.name);
      this.nodeFacts.set(n.name, { name: n.name, reachable: true, reachableSince: T0 });
    }
    this.controller = this.newController();
  }

  newController(): DrainController {
    return (this.controller = new DrainController({
      topology: () => this.topology, settings: () => this.settings, view: () => this.view, facts: this.facts, store: this.store,
      backendFor: (pool) => {
        this.backendCalls.push(pool);
        if (pool === 'web' && this.backendError) throw this.backendError;
        return this.backends.get(pool)!;
      },
      events: this.events, clock: this.clock, log: this.log,
    }));
  }

  backend(pool = 'web'): FakeBackend {
    return this.backends.get(pool)!;
  }

  /** A new configuration (a reload): the controller sees it from its next look. */
  reconfigure(options: WorldOptions): void {
    this.config = configOf(options);
    this.topology = new Topology(this.config);
    this.settings = this.config.settings;
  }

  private psu(node: string) {
    return this.config.nodes.find((n) => n.name === node)?.psus[0] ?? { pdu: 'pa1', outlet: 1 };
  }

  lose(node: string, cause = `breaker tripped on ${this.psu(node).pdu}`): void {
    const { pdu, outlet } = this.psu(node);
    this.view.nodes.set(node, { name: node, power: 'lost', reachable: false, psus: [{ pdu, outlet, feed: 'down', reason: cause, cause }], reason: `no power: ${cause}` });
    this.nodeFacts.set(node, { name: node, reachable: false, reachableSince: null }); // without power it does not answer
  }

  normal(node: string, reachable = true): void {
    const { pdu, outlet } = this.psu(node);
    this.view.nodes.set(node, { name: node, power: 'normal', reachable, psus: [{ pdu, outlet, feed: 'up', reason: 'outlet on', cause: null }], reason: 'power normal' });
  }

  health(node: string): NodeHealth {
    return this.view.nodes.get(node)!;
  }

  /** Every pool looked at, until all is quiet. */
  async run(): Promise<void> {
    this.controller.enqueueAll();
    await this.settle();
  }

  async settle(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    await this.controller.settle();
  }

  gate(node: string, pool = 'web'): { name: string; message: string } | undefined {
    return this.controller.decisionsIn(pool).find((d) => d.node === node)?.gate;
  }

  drained(pool = 'web'): string[] {
    return this.controller.records(pool).map((r) => r.node).sort();
  }

  ofType(type: string): Said[] {
    return this.said.filter((e) => e.type === type);
  }
}

function refusal(fn: () => unknown): OperatorError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof OperatorError, `an OperatorError, not ${String(err)}`);
    return err;
  }
  assert.fail('not refused');
}

const record = (pool: string, node: string, over: Partial<DrainRecord> = {}): DrainRecord => ({
  pool, node, reason: 'no power', since: T0, chain: { cause: 'c', impact: 'i', action: 'a' }, by: 'breakerbox', shadow: false, ...over,
});

describe('controller: reads of a pool', () => {
  it('a pool never seen has no records, holds, decisions or refusals', () => {
    const w = new World();
    assert.deepEqual(w.controller.records('nope'), []);
    assert.deepEqual(w.controller.holdsIn('nope'), []);
    assert.deepEqual(w.controller.decisionsIn('nope'), []);
    assert.deepEqual(w.controller.blockedIn('nope'), []);
    assert.deepEqual(w.controller.removedPools(), []);
    assert.deepEqual(w.controller.frozenDomains(), []);
  });

  it('shadow: the pool says, else the settings; a pool not configured follows the settings', () => {
    assert.equal(new World().controller.isShadow('web'), false);
    assert.equal(new World().controller.isShadow('nope'), false);
    assert.equal(new World({ mode: 'shadow' }).controller.isShadow('nope'), true);
    assert.equal(new World({ mode: 'shadow' }).controller.isShadow('api'), true);
    assert.equal(new World({ mode: 'shadow', webShadow: false }).controller.isShadow('web'), false);
    assert.equal(new World({ webShadow: true }).controller.isShadow('web'), true);
  });

  it('records and holds are loaded from the store', () => {
    const store = new DrainStore(':memory:');
    store.putDrains([record('web', 'n1')]);
    store.putHold({ pool: 'web', node: 'n2', mode: 'out', reason: 'rma', by: 'alice', since: T0 });
    const w = new World({ store });
    assert.deepEqual(w.controller.records('web'), [record('web', 'n1')]);
    assert.deepEqual(w.controller.holdsIn('web'), [{ pool: 'web', node: 'n2', mode: 'out', reason: 'rma', by: 'alice', since: T0 }]);
  });
});

describe('controller: operator actions', () => {
  it('hold out: recorded, audited, said, and applied as held', async () => {
    const w = new World();
    w.clock.advance(5_000);
    const hold = w.controller.hold('web', 'n2', 'out', 'firmware update', 'alice');
    assert.deepEqual(hold, { pool: 'web', node: 'n2', mode: 'out', reason: 'firmware update', by: 'alice', since: T0 + 5_000 });
    assert.deepEqual(w.controller.holdsIn('web'), [hold]);
    assert.deepEqual(w.store.holds(), [hold]);
    assert.deepEqual(w.store.auditTrail().map(({ id: _, ...a }) => a), [{ time: T0 + 5_000, who: 'alice', action: 'hold-out', pool: 'web', node: 'n2', why: 'firmware update' }]);
    assert.deepEqual(w.said, [{ type: 'hold', severity: 'info', subject: 'web', message: 'alice holds n2 out of pool web: firmware update' }]);
    await w.settle(); // the hold enqueued the pool itself
    assert.deepEqual(w.backendCalls, ['web']);
    assert.equal(w.backend().lastEntry('n2')?.state, 'held');
    assert.equal(w.gate('n2')?.name, 'hold-out');
  });

  it('hold in: said as "in pool"', () => {
    const w = new World();
    w.controller.hold('web', 'n2', 'in', 'canary', 'bob');
    assert.deepEqual(w.said, [{ type: 'hold', severity: 'info', subject: 'web', message: 'bob holds n2 in pool web: canary' }]);
    assert.equal(w.store.auditTrail()[0]!.action, 'hold-in');
  });

  it('a hold supersedes a drain record', async () => {
    const w = new World();
    w.lose('n1');
    await w.run();
    assert.deepEqual(w.drained(), ['n1']);
    w.controller.hold('web', 'n1', 'in', 'keep it', 'bob');
    assert.deepEqual(w.drained(), []);
    assert.deepEqual(w.store.drains(), []);
  });

  it('release: recorded, audited, said, enqueued; a member not held is refused with 404', async () => {
    const w = new World();
    w.controller.hold('web', 'n2', 'out', 'rma', 'alice');
    await w.settle();
    w.said.length = 0;
    w.clock.advance(1_000);
    w.controller.release('web', 'n2', 'back from rma', 'carol');
    assert.deepEqual(w.controller.holdsIn('web'), []);
    assert.deepEqual(w.store.holds(), []);
    assert.deepEqual(w.said, [{ type: 'release', severity: 'info', subject: 'web', message: 'carol released n2 in pool web: back from rma' }]);
    const { id: _, ...audit } = w.store.auditTrail()[0]!;
    assert.deepEqual(audit, { time: T0 + 1_000, who: 'carol', action: 'release', pool: 'web', node: 'n2', why: 'back from rma' });
    const applies = w.backend().applies.length;
    await w.settle();
    assert.equal(w.backend().applies.length, applies + 1);
    assert.equal(w.backend().lastEntry('n2')?.state, 'active');

    const e = refusal(() => w.controller.release('web', 'n2', 'again', 'carol'));
    assert.deepEqual([e.message, e.status, e.code], ['n2 is not held in pool web', 404, 'BB_ERR_NOT_HELD']);
    assert.equal(w.store.auditTrail().length, 2, 'nothing audited for a refusal');
  });

  it('drain by hand: the record, its chain, the audit entry and the event', async () => {
    const w = new World();
    w.clock.advance(2_000);
    const r = w.controller.drain('web', 'n3', 'disk failing', 'dave');
    const want: DrainRecord = {
      pool: 'web', node: 'n3', reason: 'drained by dave: disk failing', since: T0 + 2_000, by: 'dave', shadow: false,
      chain: { cause: 'disk failing', impact: 'n3', action: 'dave drained n3 from pool web' },
    };
    assert.deepEqual(r, want);
    assert.deepEqual(w.controller.records('web'), [want]);
    assert.deepEqual(w.store.drains(), [want]);
    const { id: _, ...audit } = w.store.auditTrail()[0]!;
    assert.deepEqual(audit, { time: T0 + 2_000, who: 'dave', action: 'drain', pool: 'web', node: 'n3', why: 'disk failing' });
    assert.deepEqual(w.said, [{ type: 'drain', severity: 'warning', subject: 'web', message: 'dave drained n3 from pool web: disk failing', chain: want.chain }]);
    await w.settle();
    assert.deepEqual(w.backend().lastEntry('n3'), { node: 'n3', state: 'drained', reason: 'drained by dave: disk failing', since: T0 + 2_000 });
  });

  it('drain by hand in a shadow pool is a shadow record', () => {
    const w = new World({ webShadow: true });
    assert.equal(w.controller.drain('web', 'n3', 'x', 'dave').shadow, true);
  });

  it('drain by hand of a held member is refused with 409, nothing changed', () => {
    const w = new World();
    w.controller.hold('web', 'n3', 'in', 'canary', 'bob');
    const e = refusal(() => w.controller.drain('web', 'n3', 'x', 'dave'));
    assert.deepEqual([e.message, e.status, e.code], ['n3 is held in pool web: release it first', 409, 'BB_ERR_HELD']);
    assert.deepEqual(w.controller.records('web'), []);
    assert.deepEqual(w.store.drains(), []);
  });

  for (const [action, call] of [
    ['hold', (c: DrainController, pool: string, node: string) => c.hold(pool, node, 'out', 'x', 'alice')],
    ['release', (c: DrainController, pool: string, node: string) => c.release(pool, node, 'x', 'alice')],
    ['drain', (c: DrainController, pool: string, node: string) => c.drain(pool, node, 'x', 'alice')],
  ] as const) {
    it(`${action}: an unknown pool or a node not a member is refused with 404`, () => {
      const w = new World();
      const noPool = refusal(() => call(w.controller, 'nope', 'n1'));
      assert.deepEqual([noPool.message, noPool.status, noPool.code], ['no pool "nope"', 404, 'BB_ERR_NO_POOL']);
      const notMember = refusal(() => call(w.controller, 'web', 'n5'));
      assert.deepEqual([notMember.message, notMember.status, notMember.code], ['n5 is not a member of pool web', 404, 'BB_ERR_NOT_MEMBER']);
      assert.deepEqual(w.said, []);
      assert.deepEqual(w.store.auditTrail(), []);
    });

    it(`${action}: refused with 503 while the database takes no writes`, () => {
      const store = new BreakableStore();
      const w = new World({ store });
      if (action === 'release') store.putHold({ pool: 'web', node: 'n1', mode: 'out', reason: 'x', by: 'alice', since: T0 });
      const before = w.store.auditTrail().length;
      store.brokenBy = { code: 'BB_ERR_STORAGE', message: 'cannot write the database /var/bb.db: disk full' };
      const e = refusal(() => call(w.controller, 'web', 'n1'));
      assert.deepEqual([e.message, e.status, e.code], ['cannot write the database /var/bb.db: disk full; operator changes are refused until the database takes writes again', 503, 'BB_ERR_STORAGE']);
      assert.deepEqual(w.said, []);
      assert.equal(w.store.auditTrail().length, before);
    });

    it(`${action}: a write that fails is refused with 503 and changes nothing; any other error passes through`, () => {
      const store = new BreakableStore();
      const w = new World({ store });
      if (action === 'release') w.controller.hold('web', 'n1', 'out', 'x', 'alice');
      w.said.length = 0;
      const holds = w.controller.holdsIn('web');
      store.failWrites = new StorageError('cannot write the database /var/bb.db: I/O error');
      const e = refusal(() => call(w.controller, 'web', 'n1'));
      assert.deepEqual([e.message, e.status, e.code], ['cannot write the database /var/bb.db: I/O error; nothing was changed', 503, 'BB_ERR_STORAGE']);
      assert.deepEqual(w.said, []);
      assert.deepEqual(w.controller.records('web'), []);
      assert.deepEqual(w.controller.holdsIn('web'), holds);
      const bug = new TypeError('a bug');
      store.failWrites = bug;
      assert.throws(() => call(w.controller, 'web', 'n1'), (err) => err === bug);
    });
  }
});

describe('controller: who owns a member out in the backend', () => {
  it('someone swaps which member is out in the backend: the new one is left alone in the same reconcile', async () => {
    const w = new World();
    w.backend().takeOut('n2');
    await w.run();
    assert.equal(w.gate('n2')?.name, 'external-hold');
    assert.deepEqual(w.ofType('external-hold').map((e) => e.message), ['n2 taken out of pool web in haproxy, not by Breakerbox: held there and left alone']);
    w.backend().putBack('n2');
    w.backend().takeOut('n3', 'DRAIN');
    const reads = w.backend().reads;
    w.controller.enqueue('web');
    await w.settle();
    assert.equal(w.backend().reads, reads + 1, 'one reconcile: no drain to commit, so not enqueued again');
    assert.equal(w.gate('n3')?.name, 'external-hold');
    assert.equal(w.gate('n3')?.message, 'held in haproxy (DRAIN), not by Breakerbox: left alone');
    assert.equal(w.gate('n2')?.name, 'drain-policy');
    assert.deepEqual(w.backend().lastEntry('n3'), { node: 'n3', state: 'held', reason: 'held in haproxy (DRAIN), not by Breakerbox: left alone', since: null, external: true });
    assert.equal(w.backend().lastEntry('n2')?.state, 'active');
    assert.deepEqual(w.backend().state!.out, new Map([['n3', 'DRAIN']]), 'left as it was there');
    assert.deepEqual(w.ofType('external-release').map((e) => e.message), ['n2 back in service in haproxy: Breakerbox manages it again']);
  });

  it('a member put back in the backend frees room: the drain it allows is committed by another reconcile', async () => {
    const w = new World({ web: { minHealthy: { count: 3 } } });
    w.backend().takeOut('n2');
    await w.run();
    w.lose('n1');
    await w.run();
    assert.deepEqual(w.drained(), [], 'n2 out there and n1 drained would leave 2 of 4');
    assert.equal(w.gate('n1')?.name, 'min-healthy');
    w.backend().putBack('n2');
    w.controller.enqueue('web');
    await w.settle();
    assert.deepEqual(w.drained(), ['n1']);
    assert.equal(w.gate('n1')?.name, 'drain');
    assert.equal(w.backend().lastEntry('n1')?.state, 'drained');
  });

  it('a hold in does not put back a member someone else holds in the backend', async () => {
    const w = new World();
    w.backend().takeOut('n2');
    await w.run();
    w.controller.hold('web', 'n2', 'in', 'canary', 'bob');
    await w.settle();
    await w.run();
    assert.equal(w.gate('n2')?.name, 'external-hold');
    assert.equal(w.backend().lastEntry('n2')?.external, true);
    assert.ok(!w.backend().state!.active.has('n2'));
  });

  it('a release of a hold in does not put back a member someone else holds in the backend', async () => {
    const store = new DrainStore(':memory:');
    store.putHold({ pool: 'web', node: 'n2', mode: 'in', reason: 'canary', by: 'bob', since: T0 });
    const w = new World({ store });
    w.backend().takeOut('n2');
    w.controller.release('web', 'n2', 'done', 'bob');
    await w.settle();
    await w.run();
    assert.equal(w.gate('n2')?.name, 'external-hold');
    assert.ok(!w.backend().state!.active.has('n2'));
  });

  it('after a restart: a member Breakerbox drained and an operator now pins in goes back in', async () => {
    const w = new World();
    w.lose('n1');
    await w.run();
    assert.deepEqual(w.backend().state!.out, new Map([['n1', 'MAINT']]));
    w.newController(); // a restart: only the store and the backend remember
    w.controller.hold('web', 'n1', 'in', 'keep serving', 'bob');
    await w.settle();
    assert.equal(w.gate('n1')?.name, 'hold-in');
    assert.ok(w.backend().state!.active.has('n1'));
    assert.deepEqual(w.ofType('external-hold'), []);
  });

  it('after a restart: a member held out through Breakerbox and released goes back in', async () => {
    const w = new World();
    w.controller.hold('web', 'n2', 'out', 'rma', 'alice');
    await w.settle();
    assert.deepEqual(w.backend().state!.out, new Map([['n2', 'MAINT']]));
    w.newController();
    w.controller.release('web', 'n2', 'fixed', 'alice');
    await w.settle();
    assert.equal(w.gate('n2')?.name, 'drain-policy');
    assert.ok(w.backend().state!.active.has('n2'));
    assert.deepEqual(w.ofType('external-hold'), []);
  });

  it('after a restart: a member it drained is its own, re-admitted at a reload without being taken for someone else\'s', async () => {
    const w = new World();
    w.lose('n1');
    await w.run();
    w.newController();
    await w.run();
    assert.equal(w.gate('n1')?.name, 'power-normal');
    w.clock.advance(10 * MIN);
    w.normal('n1');
    w.nodeFacts.set('n1', { name: 'n1', reachable: true, reachableSince: T0 + MIN });
    const [outcome] = w.controller.readmit(5 * MIN);
    assert.deepEqual(outcome, { pool: 'web', readmitted: ['n1'], kept: [] });
    await w.settle();
    assert.ok(w.backend().state!.active.has('n1'));
    assert.deepEqual(w.said.filter((e) => e.type.startsWith('external')), []);
  });

  it('a backend that restarted and lost a drain while another member drains: written again, and said as drift', async () => {
    const w = new World();
    w.lose('n1');
    await w.run();
    w.backend().putBack('n1'); // the backend restarted
    w.lose('n2');
    await w.run();
    assert.deepEqual(w.drained(), ['n1', 'n2']);
    assert.deepEqual(w.ofType('backend-drift').map((e) => e.message), ['the haproxy backend of pool web no longer matches (reloaded or edited): desired membership re-applied']);
    assert.deepEqual(w.backend().state!.out, new Map([['n1', 'MAINT'], ['n2', 'MAINT']]));
  });

  it('a pool switched to shadow keeps what was last read, with no backend kind', async () => {
    const w = new World();
    w.backend().takeOut('n2');
    await w.run();
    w.reconfigure({ webShadow: true });
    const calls = w.backendCalls.length;
    await w.run();
    assert.equal(w.gate('n2')?.message, 'held in  (MAINT (forced)), not by Breakerbox: left alone');
    assert.deepEqual(w.backendCalls.slice(calls), ['api'], 'no backend asked for the shadow pool');
  });
});

describe('controller: a reconcile', () => {
  it('drains with one event: chain texts, severity, and records carrying the node\'s reason', async () => {
    const w = new World({ web: { maxDrainedFraction: 0.5 } });
    w.lose('n1', 'bank 1 breaker tripped on pa1');
    await w.run();
    w.said.length = 0;
    w.lose('n2', 'bank 1 breaker tripped on pa1');
    await w.run();
    assert.deepEqual(w.said, [{
      type: 'drain', severity: 'critical', subject: 'web',
      message: 'bank 1 breaker tripped on pa1 → outlet 2 of pa1 → n2 lost power → drained 1 of 4 from pool web (2 drained, cap 50%)',
      chain: { cause: 'bank 1 breaker tripped on pa1', impact: 'outlet 2 of pa1 → n2 lost power', action: 'drained 1 of 4 from pool web (2 drained, cap 50%)' },
    }]);
    const r = w.controller.records('web').find((x) => x.node === 'n2')!;
    assert.deepEqual({ ...r, chain: undefined }, { pool: 'web', node: 'n2', reason: 'no power: bank 1 breaker tripped on pa1', since: T0, by: 'breakerbox', shadow: false, chain: undefined });
    assert.deepEqual(w.store.drainTimesSince(0), [{ pool: 'web', time: T0 }, { pool: 'web', time: T0 }]);
  });

  it('in shadow mode: a would-drain warning, shadow records, no backend asked', async () => {
    const w = new World({ mode: 'shadow' });
    w.lose('n5');
    await w.run();
    assert.deepEqual(w.backendCalls, []);
    assert.deepEqual(w.errors, [], 'nothing failed');
    assert.deepEqual(w.said.map((e) => [e.type, e.severity, e.subject]), [['would-drain', 'warning', 'api']]);
    assert.equal(w.said[0]!.chain!.action, 'would drain 1 of 3 from pool api (shadow mode: no backend touched)');
    assert.equal(w.controller.records('api')[0]!.shadow, true);
    assert.equal(w.gate('n5', 'api')?.name, 'shadow');
  });

  it('a pool removed from the configuration: its decisions and refusals go, its records stay; no backend asked', async () => {
    const w = new World({ web: { maxDrainsPerMinute: 1 } });
    w.lose('n1');
    w.lose('n2');
    await w.run();
    assert.deepEqual(w.drained(), ['n1']);
    assert.equal(w.controller.blockedIn('web').length, 1);
    w.reconfigure({ order: ['api'] });
    const calls = w.backendCalls.length;
    w.controller.enqueue('web');
    await w.settle();
    assert.deepEqual(w.backendCalls.slice(calls), []);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.controller.blockedIn('web'), []);
    assert.deepEqual(w.controller.decisionsIn('web'), []);
    assert.deepEqual(w.drained(), ['n1']);
    assert.deepEqual(w.controller.removedPools(), ['web']);
  });

  it('removed pools: only those with records; said once with the nodes that keep their records', async () => {
    const w = new World();
    w.lose('n1');
    w.lose('n2');
    await w.run(); // api was looked at too, with nothing drained
    assert.deepEqual(w.drained('api'), []);
    w.reconfigure({ order: [] });
    assert.deepEqual(w.controller.removedPools(), ['web']);
    w.controller.enqueueAll();
    await w.settle();
    assert.deepEqual(w.ofType('pool-removed').map((e) => e.message), [
      'pool web is no longer configured: n1, n2 keep their drain records and stay out if it returns, until a reload re-admits them past the hold-down',
    ]);
  });

  it('a reconcile that fails is logged with its pool, and the queue goes on', async () => {
    const w = new World();
    w.backendError = new Error('no backend for web');
    await w.run();
    assert.deepEqual(w.errors, [[{ err: 'no backend for web', pool: 'web' }, 'reconcile failed']]);
    assert.equal(w.backend('api').reads, 1);
  });

  it('a failing backend is retried by the controller itself when its backoff ends', async () => {
    const w = new World();
    w.backend().failApply = new Error('socket refused');
    w.lose('n1');
    await w.run();
    assert.equal(w.backend().applies.length, 1);
    assert.deepEqual(w.ofType('backend-error').map((e) => e.message), ['cannot update the haproxy backend of pool web: socket refused; retrying']);
    assert.deepEqual(w.drained(), ['n1'], 'the decision never waited');
    w.backend().failApply = null;
    w.clock.advance(1_000);
    await w.settle();
    assert.equal(w.backend().applies.length, 2);
    assert.deepEqual(w.ofType('backend-recovered').map((e) => e.subject), ['web']);
  });

  it('a drained member back with normal power but no facts about it is "not answering"', async () => {
    const w = new World();
    w.lose('n1');
    await w.run();
    w.normal('n1');
    w.nodeFacts.delete('n1');
    await w.run();
    assert.deepEqual(w.gate('n1'), { name: 'reachable', message: 'not answering' });
  });

  it('stop: no reconcile, retry or debounce afterwards; stopping twice or with nothing pending is fine', async () => {
    const idle = new World();
    idle.controller.stop();
    idle.controller.stop();

    const w = new World({ web: { debounce: 30_000 } });
    w.backend('api').failApply = new Error('down');
    w.lose('n1');
    w.lose('n5');
    await w.run();
    assert.equal(w.gate('n1')?.name, 'debounce');
    const applies = w.backend('api').applies.length;
    const reads = w.backend().reads;
    w.controller.stop();
    w.clock.advance(MIN);
    await w.settle();
    w.controller.enqueue('web');
    await w.settle();
    assert.equal(w.backend().reads, reads);
    assert.equal(w.backend('api').applies.length, applies);
    assert.deepEqual(w.drained(), []);
  });
});

describe('controller: the rate limit remembers', () => {
  it('drains of the last minute, across reconciles: the third within a minute waits', async () => {
    const w = new World({ web: { maxDrainsPerMinute: 2 } });
    w.lose('n1');
    await w.run();
    w.clock.advance(30_000);
    w.lose('n2');
    await w.run();
    w.clock.advance(20_000);
    w.lose('n3');
    await w.run();
    assert.deepEqual(w.drained(), ['n1', 'n2']);
    assert.equal(w.gate('n3')?.name, 'rate-limit');
    w.clock.advance(10_000); // n1's drain is a minute old
    await w.run();
    assert.deepEqual(w.drained(), ['n1', 'n2', 'n3']);
  });

  it('drains from before a restart', async () => {
    const w = new World({ web: { maxDrainsPerMinute: 1 } });
    w.lose('n1');
    await w.run();
    w.clock.advance(59_000);
    w.newController();
    w.lose('n2');
    await w.run();
    assert.deepEqual(w.drained(), ['n1']);
    assert.equal(w.gate('n2')?.name, 'rate-limit');
    w.clock.advance(1_000);
    w.newController();
    await w.run();
    assert.deepEqual(w.drained(), ['n1', 'n2']);
  });
});

describe('controller: the debounce timer', () => {
  it('without a debounce there is no timer: time passing looks at nothing', async () => {
    const w = new World();
    w.lose('n1');
    await w.run();
    const reads = w.backend().reads;
    w.clock.advance(10 * MIN);
    await w.settle();
    assert.equal(w.backend().reads, reads);
  });

  it('a drain waits for its debounce and is made by the timer at its end', async () => {
    const w = new World({ web: { debounce: 30_000 } });
    w.lose('n1');
    await w.run();
    w.clock.advance(29_999);
    await w.settle();
    assert.deepEqual(w.drained(), []);
    w.clock.advance(1);
    await w.settle();
    assert.deepEqual(w.drained(), ['n1']);
  });

  it('an earlier timer is kept when a later debounce starts', async () => {
    const w = new World({ web: { debounce: 30_000 }, api: { debounce: 40_000 } });
    w.lose('n1');
    w.lose('n5');
    w.controller.enqueue('web');
    await w.settle();
    w.controller.enqueue('api');
    await w.settle();
    w.clock.advance(30_000);
    await w.settle();
    assert.deepEqual(w.drained('web'), ['n1']);
    assert.deepEqual(w.drained('api'), []);
    w.clock.advance(10_000);
    await w.settle();
    assert.deepEqual(w.drained('api'), ['n5']);
  });

  it('an earlier debounce replaces a later timer', async () => {
    const w = new World({ web: { debounce: 30_000 }, api: { debounce: 40_000 } });
    w.lose('n1');
    w.lose('n5');
    w.controller.enqueue('api');
    await w.settle();
    w.controller.enqueue('web');
    await w.settle();
    w.clock.advance(30_000);
    await w.settle();
    assert.deepEqual(w.drained('web'), ['n1']);
  });
});

describe('controller: re-admission at a reload', () => {
  /** n1 and n2 drained; then n1 back with power and answering for `answering` ms, n2 still without power. */
  async function drainedTwo(answering: number) {
    const w = new World();
    w.lose('n1');
    w.lose('n2');
    await w.run();
    w.clock.advance(10 * MIN);
    w.normal('n1');
    w.nodeFacts.set('n1', { name: 'n1', reachable: true, reachableSince: w.clock.now() - answering });
    return w;
  }

  it('what passes the gates goes back: records deleted (store too), one event, the pool enqueued', async () => {
    const w = await drainedTwo(5 * MIN);
    w.said.length = 0;
    const applies = w.backend().applies.length;
    assert.deepEqual(w.controller.readmit(5 * MIN), [{ pool: 'web', readmitted: ['n1'], kept: [{ node: 'n2', why: 'still without power', gate: 'power-normal' }] }]);
    assert.deepEqual(w.drained(), ['n2']);
    assert.deepEqual(w.store.drains().map((r) => r.node), ['n2']);
    assert.deepEqual(w.said, [{ type: 'readmit', severity: 'info', subject: 'web', message: 'n1 re-admitted to pool web: power normal and answering for the hold-down' }]);
    await w.settle();
    assert.equal(w.backend().applies.length, applies + 1);
    assert.equal(w.backend().lastEntry('n1')?.state, 'active');
  });

  it('nothing passes: no event, the records stay, the pool still looked at', async () => {
    const w = await drainedTwo(5 * MIN - 1);
    w.said.length = 0;
    const reads = w.backend().reads;
    assert.deepEqual(w.controller.readmit(5 * MIN), [{
      pool: 'web', readmitted: [],
      kept: [{ node: 'n1', why: 'back for less than the 5 min hold-down', gate: 'hold-down' }, { node: 'n2', why: 'still without power', gate: 'power-normal' }],
    }]);
    assert.deepEqual(w.said, []);
    assert.deepEqual(w.store.drains().map((r) => r.node).sort(), ['n1', 'n2']);
    await w.settle();
    assert.equal(w.backend().reads, reads + 1);
  });

  it('pools without records are left out; a removed pool\'s records are kept, with why', async () => {
    const w = await drainedTwo(5 * MIN);
    w.reconfigure({ order: ['api'] });
    assert.deepEqual(w.controller.readmit(0), [{
      pool: 'web', readmitted: [],
      kept: [{ node: 'n1', why: 'pool web is no longer configured', gate: 'pool-removed' }, { node: 'n2', why: 'pool web is no longer configured', gate: 'pool-removed' }],
    }]);
    assert.deepEqual(w.drained(), ['n1', 'n2']);
    const fresh = new World();
    await fresh.run();
    assert.deepEqual(fresh.controller.readmit(0), []);
  });
});

describe('controller: what a change looks at again', () => {
  /** Which pools get a backend read after the change. */
  async function looked(w: World, change: () => void): Promise<string[]> {
    await w.run();
    const before = new Map([...w.backends].map(([p, b]) => [p, b.reads]));
    change();
    await w.settle();
    return [...w.backends].filter(([p, b]) => b.reads > before.get(p)!).map(([p]) => p);
  }

  it('power changed for nodes: their pools only', async () => {
    const w = new World();
    assert.deepEqual(await looked(w, () => w.controller.powerChanged(['n1'])), ['web']);
    assert.deepEqual(await looked(w, () => w.controller.powerChanged(['n5', 'n6'])), ['api']);
    assert.deepEqual(await looked(w, () => w.controller.powerChanged(['n4'])), ['web', 'api']);
    assert.deepEqual(await looked(w, () => w.controller.powerChanged([])), []);
  });

  it('power changed so that a domain freezes or thaws: every pool, with the freeze said', async () => {
    const w = new World();
    const silent = new Map([['pa1', { name: 'pa1', reachable: false, dark: false }], ['pa2', { name: 'pa2', reachable: false, dark: false }]]);
    assert.deepEqual(await looked(w, () => {
      w.view = { nodes: w.view.nodes, pdus: silent, version: 1 };
      w.controller.powerChanged(['n1']);
    }), ['web', 'api']);
    assert.deepEqual(w.controller.frozenDomains().map((d) => [d.domain, d.pdus, [...d.nodes]]), [
      ['site S', ['pa1', 'pa2'], ['n1', 'n2', 'n3', 'n4']], ['row 1 of S', ['pa1', 'pa2'], ['n1', 'n2', 'n3', 'n4']],
    ]);
    assert.deepEqual(w.ofType('monitoring-fault').map((e) => e.subject), ['site S', 'row 1 of S']);
    // The same view again: the domains are not looked for again, and only the node's pools are.
    assert.deepEqual(await looked(w, () => w.controller.powerChanged(['n5'])), ['api']);
    assert.deepEqual(await looked(w, () => {
      w.view = { nodes: w.view.nodes, pdus: new Map(), version: 2 };
      w.controller.powerChanged(['n5']);
    }), ['web', 'api']);
    assert.deepEqual(w.controller.frozenDomains(), []);
    assert.deepEqual(w.ofType('monitoring-recovered').map((e) => e.subject), ['site S', 'row 1 of S']);
  });

  it('frozen domains are found again when the view or its version changes, not otherwise', async () => {
    const w = new World();
    const view: PowerView = { nodes: w.view.nodes, pdus: new Map(), version: 7 };
    w.view = view;
    await w.run();
    view.pdus.set('pa1', { name: 'pa1', reachable: false, dark: false });
    view.pdus.set('pa2', { name: 'pa2', reachable: false, dark: false });
    w.controller.powerChanged([]);
    await w.run();
    assert.deepEqual(w.controller.frozenDomains(), [], 'same view, same version: as found before');
    view.version = 8;
    w.controller.powerChanged([]);
    assert.deepEqual(w.controller.frozenDomains().map((d) => d.domain), ['site S', 'row 1 of S']);
    await w.settle();
    // A view without a version is looked at every time.
    const plain: PowerView = { nodes: w.view.nodes, pdus: new Map() };
    w.view = plain;
    w.controller.powerChanged([]);
    assert.deepEqual(w.controller.frozenDomains(), []);
    plain.pdus.set('pa1', { name: 'pa1', reachable: false, dark: false });
    plain.pdus.set('pa2', { name: 'pa2', reachable: false, dark: false });
    w.controller.powerChanged([]);
    assert.deepEqual(w.controller.frozenDomains().map((d) => d.domain), ['site S', 'row 1 of S']);
    await w.settle();
  });

  it('one domain freezing, or the nodes of a frozen domain changing, is a change: every pool', async () => {
    // Row 1 alone: one of its two PDUs failing freezes it; the site needs two of its four.
    const w = new World({ massFailure: { minPdus: 1, fraction: 0.5 } });
    const silent = (pdu: string) => new Map([[pdu, { name: pdu, reachable: false, dark: false }]]);
    assert.deepEqual(await looked(w, () => {
      w.view = { nodes: w.view.nodes, pdus: silent('pa1'), version: 1 };
      w.controller.powerChanged(['n5']);
    }), ['web', 'api']);
    assert.deepEqual(w.controller.frozenDomains().map((d) => [d.domain, [...d.nodes]]), [['row 1 of S', ['n1', 'n2']]]);
    assert.deepEqual(await looked(w, () => {
      w.view = { nodes: w.view.nodes, pdus: silent('pa2'), version: 2 };
      w.controller.powerChanged(['n5']);
    }), ['web', 'api'], 'the same domain, other nodes frozen');
    assert.deepEqual(w.controller.frozenDomains().map((d) => [d.domain, [...d.nodes]]), [['row 1 of S', ['n3', 'n4']]]);
    assert.deepEqual(w.ofType('monitoring-fault').map((e) => e.subject), ['row 1 of S'], 'said once: the domain did not change');
    assert.deepEqual(await looked(w, () => {
      w.view = { nodes: w.view.nodes, pdus: silent('pa2'), version: 3 };
      w.controller.powerChanged(['n5']);
    }), ['api'], 'the same domains found again: no change');
  });

  it('a reconcile finds the frozen domains too: a freeze found there looks at every pool', async () => {
    const w = new World();
    const silent = new Map([['pb1', { name: 'pb1', reachable: false, dark: false }], ['pb2', { name: 'pb2', reachable: false, dark: false }]]);
    assert.deepEqual(await looked(w, () => {
      w.view = { nodes: w.view.nodes, pdus: silent, version: 3 };
      w.controller.enqueue('web');
    }), ['web', 'api']);
    assert.deepEqual(w.controller.frozenDomains().map((d) => d.domain), ['site S', 'row 2 of S']);
    assert.deepEqual(await looked(w, () => w.controller.enqueue('web')), ['web'], 'no change: that pool only');
  });

  it('a node\'s facts changed: the pools where it is drained or held (whether it answers comes through its power health)', async () => {
    const w = new World();
    assert.deepEqual(await looked(w, () => w.controller.factChanged({ kind: 'node', name: 'n2' })), [], 'in service everywhere: no pool');
    await w.run();
    w.controller.drain('web', 'n2', 'bad PSU', 'alice');
    assert.deepEqual(await looked(w, () => w.controller.factChanged({ kind: 'node', name: 'n2' })), ['web'], 'drained');
    w.controller.hold('api', 'n6', 'out', 'rma', 'bob');
    assert.deepEqual(await looked(w, () => w.controller.factChanged({ kind: 'node', name: 'n6' })), ['api'], 'held');
    assert.deepEqual(await looked(w, () => w.controller.factChanged({ kind: 'node', name: 'n5' })), []);
  });

  it('a UPS\'s facts changed: the pools of the nodes on the PDUs it feeds; a PDU feeding nothing, none', async () => {
    const w = new World();
    assert.deepEqual(await looked(w, () => w.controller.factChanged({ kind: 'pdu', name: 'u1' })), ['web']);
    assert.deepEqual(await looked(w, () => w.controller.factChanged({ kind: 'pdu', name: 'pb1' })), []);
  });
});

describe('controller: pool change listeners', () => {
  it('told the pool after each reconcile, until unsubscribed; a throwing listener is logged and the others still told', async () => {
    const w = new World();
    const told: string[] = [];
    const stop = w.controller.onPoolChanged((pool) => told.push(pool));
    w.controller.onPoolChanged(() => {
      throw new Error('wall gone');
    });
    const other: string[] = [];
    w.controller.onPoolChanged((pool) => other.push(pool));
    await w.run();
    assert.deepEqual(told.sort(), ['api', 'web']);
    assert.deepEqual(other.sort(), ['api', 'web']);
    assert.deepEqual(w.errors.sort(([a], [b]) => String(a.pool).localeCompare(String(b.pool))), [
      [{ err: 'wall gone', pool: 'api' }, 'pool change listener failed'],
      [{ err: 'wall gone', pool: 'web' }, 'pool change listener failed'],
    ]);
    stop();
    await w.run();
    assert.deepEqual(told.sort(), ['api', 'web'], 'not told after unsubscribing');
    assert.equal(other.length, 4);
  });

  it('told even when the reconcile failed', async () => {
    const w = new World();
    const told: string[] = [];
    w.controller.onPoolChanged((pool) => told.push(pool));
    w.backendError = new Error('no backend for web');
    w.controller.enqueue('web');
    await w.settle();
    assert.deepEqual(told, ['web']);
    assert.deepEqual(w.errors, [[{ err: 'no backend for web', pool: 'web' }, 'reconcile failed']]);
  });

  it('a drain is told before the backend answers; a reconcile without one only after', async () => {
    const w = new World();
    const told: string[] = [];
    w.controller.onPoolChanged((pool) => told.push(pool));
    let answer!: () => void;
    w.backend().readGate = new Promise<void>((r) => {
      answer = r;
    });
    const reading = async () => {
      while (w.backend().reads === 0) await new Promise((r) => setImmediate(r));
    };
    w.controller.enqueue('web');
    await reading();
    assert.deepEqual(told, [], 'nothing decided: told once the reconcile ends');
    answer();
    await w.settle();
    assert.deepEqual(told, ['web']);

    told.length = 0;
    w.backend().reads = 0;
    w.backend().readGate = new Promise<void>((r) => {
      answer = r;
    });
    w.lose('n1');
    w.controller.enqueue('web');
    await reading();
    assert.deepEqual(told, ['web'], 'the drain is shown while the backend hangs');
    assert.deepEqual(w.drained(), ['n1']);
    answer();
    await w.settle();
    assert.deepEqual(told, ['web', 'web']);
  });
});
