// The trap definitions every registered profile carries are well formed, and the classifier built from them
// indexes them once and answers from that index alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { profiles } from '../src/profiles/index.js';
import type { Profile, TrapEvent, TrapEventFrom, TrapRef } from '../src/profiles/profile.js';
import { TrapClassifier } from '../src/traps/classify.js';
import type { TrapVarbind } from '../src/traps/trap-types.js';

// Every TrapEvent, and only those: the compiler checks this record against the type.
const EVENTS: Record<TrapEvent, true> = {
  'outlet-off': true, 'outlet-on': true, 'outlet-reboot': true,
  'breaker-tripped': true, 'breaker-reset': true,
  'overload': true, 'overload-cleared': true, 'near-overload': true, 'near-overload-cleared': true, 'low-load': true, 'low-load-cleared': true,
  'inlet-lost': true, 'inlet-restored': true,
  'on-battery': true, 'on-mains': true, 'on-bypass': true, 'battery-low': true, 'battery-low-cleared': true, 'battery-discharged': true, 'battery-fault': true,
  'communication-lost': true, 'communication-restored': true,
  'source-transfer': true, 'redundancy-lost': true, 'redundancy-restored': true,
  'alarm': true, 'alarm-cleared': true, 'test': true,
};
const isEvent = (e: unknown): boolean => typeof e === 'string' && Object.hasOwn(EVENTS, e);
/** A numeric OID as the profiles write it: no leading dot, at least two sub-identifiers. */
const isOid = (oid: unknown): boolean => typeof oid === 'string' && /^\d+(\.\d+)+$/.test(oid);
const list = <T>(v: T | readonly T[] | undefined): readonly T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v as T]);

const withTraps = profiles.filter((p) => (p.traps?.length ?? 0) > 0);

describe('profile trap definitions', () => {
  it('the vendor families and the UPS-MIB fallback define traps', () => {
    const names = new Set(withTraps.map((p) => p.name));
    for (const name of ['apc-rpdu2', 'apc-ups', 'apc-ats', 'raritan-pdu2', 'eaton-epdu', 'cyberpower-epdu', 'cyberpower-ups', 'servertech-sentry3', 'servertech-sentry4', 'eaton-ups', 'ups-mib']) {
      assert.ok(names.has(name), `${name} defines no traps`);
    }
  });

  for (const profile of withTraps) {
    describe(profile.name, () => {
      const traps = profile.traps ?? [];

      it('each notification OID is defined once', () => {
        const seen = new Map<string, string>();
        for (const t of traps) {
          assert.ok(isOid(t.oid), `${t.name}: trap OID "${t.oid}"`);
          assert.ok(!seen.has(t.oid), `${t.oid} defined twice (${seen.get(t.oid)}, ${t.name})`);
          seen.set(t.oid, t.name);
        }
      });

      it('events are TrapEvents, names are MIB identifiers', () => {
        for (const t of traps) {
          assert.match(t.name, /^[a-z][A-Za-z0-9]*$/, `${t.oid}: name`);
          assert.ok(isEvent(t.event), `${t.name}: event "${t.event}"`);
        }
      });

      it('entity refs are well-formed OIDs read by value or index', () => {
        for (const t of traps) {
          for (const key of ['outlet', 'bank', 'phase', 'inlet'] as const) {
            const refs: readonly TrapRef[] = list(t[key]);
            if (t[key] !== undefined) assert.ok(refs.length > 0, `${t.name}.${key}: an empty list of alternatives`);
            for (const ref of refs) {
              assert.ok(isOid(ref.oid), `${t.name}.${key}: "${ref.oid}"`);
              assert.ok(ref.from === undefined || ref.from === 'value' || ref.from === 'index', `${t.name}.${key}: from`);
              assert.ok(!t.oid.startsWith(`${ref.oid}.`) && ref.oid !== t.oid, `${t.name}.${key}: the trap OID itself`);
            }
          }
        }
      });

      it('eventFrom reads a well-formed OID and maps integers to TrapEvents', () => {
        for (const t of traps) {
          const froms: readonly TrapEventFrom[] = list(t.eventFrom);
          if (t.eventFrom !== undefined) assert.ok(froms.length > 0, `${t.name}.eventFrom: an empty list of alternatives`);
          for (const from of froms) {
            assert.ok(isOid(from.oid), `${t.name}.eventFrom: "${from.oid}"`);
            assert.ok(from.under === undefined || isOid(from.under), `${t.name}.eventFrom.under`);
            if (from.when) {
              assert.ok(isOid(from.when.oid), `${t.name}.eventFrom.when`);
              assert.ok(from.when.in.length > 0 && from.when.in.every(Number.isInteger), `${t.name}.eventFrom.when.in`);
            }
            const entries = Object.entries(from.map);
            assert.ok(entries.length > 0, `${t.name}.eventFrom: empty map`);
            for (const [value, event] of entries) {
              assert.ok(Number.isInteger(Number(value)), `${t.name}.eventFrom: key "${value}"`);
              assert.ok(isEvent(event), `${t.name}.eventFrom: ${value} → "${event}"`);
            }
          }
        }
      });
    });
  }

  it('an OID defined by several profiles means the same notification in each', () => {
    const byOid = new Map<string, { profile: string; name: string }>();
    for (const p of withTraps) {
      for (const t of p.traps ?? []) {
        const other = byOid.get(t.oid);
        if (other) assert.equal(t.name, other.name, `${t.oid}: ${other.profile} says ${other.name}, ${p.name} says ${t.name}`);
        else byOid.set(t.oid, { profile: p.name, name: t.name });
      }
    }
  });
});

describe('trap classifier index', () => {
  /** The profiles behind a counter of every read of their trap definitions. */
  function counted(source: readonly Profile[]): { profiles: Profile[]; reads: () => number } {
    let reads = 0;
    const wrapped = source.map((p) => new Proxy(p, {
      get(target, key, receiver) {
        if (key === 'traps') reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    }));
    return { profiles: wrapped, reads: () => reads };
  }

  it('is built once: 100,000 classifications read no profile and stay correct', () => {
    const { profiles: watched, reads } = counted(profiles);
    const classifier = new TrapClassifier(watched);
    const afterBuild = reads();
    assert.ok(afterBuild >= withTraps.length);

    const APC = '1.3.6.1.4.1.318';
    const vb = (oid: string, value: TrapVarbind['value'], type = 2): TrapVarbind => ({ oid, type, value });
    const traps = [
      { trap: { trapOid: `.${APC}.0.42`, varbinds: [vb(`.${APC}.2.3.1.0`, 2), vb(`.${APC}.2.3.3.0`, 'An outlet has turned on.', 4)] }, event: 'outlet-off', entity: { outlet: 2 } },
      { trap: { trapOid: `${APC}.0.276`, varbinds: [vb(`${APC}.1.1.12.2.3.1.1.4.0`, 3)] }, event: 'overload', entity: { phase: 3 } },
      { trap: { trapOid: '1.3.6.1.2.1.33.2.1', varbinds: [vb('1.3.6.1.2.1.33.1.2.3', 100)] }, event: 'on-battery', entity: {} },
      { trap: { trapOid: '1.3.6.1.4.1.534.6.6.7.0.23', varbinds: [vb('1.3.6.1.4.1.534.6.6.7.5.1.1.1.0.4', 4), vb('1.3.6.1.4.1.534.6.6.7.5.1.1.5.0.4', 2)] }, event: 'breaker-tripped', entity: { bank: 4 } },
      { trap: { trapOid: '1.3.6.1.4.1.1718.4.100.0.16', varbinds: [vb('1.3.6.1.4.1.1718.4.1.8.3.1.1.1.1.5', 2)] }, event: 'outlet-off', entity: {} },
      { trap: { trapOid: '1.3.6.1.4.1.99999.0.1', varbinds: [] }, event: 'unclassified', entity: {} },
    ] as const;

    const N = 100_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const { trap, event, entity } = traps[i % traps.length]!;
      const c = classifier.classify(trap, i % 2 ? 'apc-ups' : null);
      if (c.event !== event) assert.fail(`#${i}: ${trap.trapOid} → ${c.event}, expected ${event}`);
      if (JSON.stringify(c.entity) !== JSON.stringify(entity)) assert.fail(`#${i}: ${trap.trapOid} entity ${JSON.stringify(c.entity)}`);
      counts.set(c.event, (counts.get(c.event) ?? 0) + 1);
    }
    assert.equal(reads(), afterBuild, 'classify read the profiles again');
    assert.equal([...counts.values()].reduce((a, b) => a + b, 0), N);
    assert.equal(counts.get('outlet-off'), Math.ceil(N / 6) + Math.ceil((N - 4) / 6));
  });
});
