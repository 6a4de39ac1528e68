// The embedded history store in fake time: 1-minute values, hourly rollups, retention, the journal across a reopen.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { FakeClock } from '../src/clock.js';
import { EmbeddedStore } from '../src/history/embedded-store.js';
import type { Point } from '../src/history/points.js';
import { historyQuery, HistoryQueryError } from '../src/history/query.js';
import { Sparklines } from '../src/history/sparklines.js';
import type { ApiEvent } from '../src/http/api-types.js';

const log = pino({ level: 'silent' });
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function open(clock: FakeClock, path = ':memory:'): EmbeddedStore {
  return new EmbeddedStore({ path, minuteRetentionMs: 2 * DAY, hourRetentionMs: 90 * DAY, eventRetentionMs: 30 * DAY }, clock, log);
}

const bank = (time: number, current: number, b = '1'): Point => ({ measurement: 'bank', tags: { site: 's', row: 'r', rack: 'k', pdu: 'p1', bank: b }, fields: { current_a: current, tripped: 0 }, time });
const outlet = (time: number, on: number): Point => ({ measurement: 'outlet', tags: { pdu: 'p1', outlet: '3', node: 'web-1' }, fields: { on }, time });
const q = (field: string, from: number, to: number, stepMs: number, measurement = 'bank', tags: Record<string, string> = { pdu: 'p1', bank: '1' }) => ({ measurement, tags, field, from, to, stepMs });

describe('embedded history', () => {
  it('keeps the mean and the maximum of each minute, and answers at a coarser step', () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 10, 0, 0));
    const store = open(clock);
    const t0 = clock.now();
    for (let s = 0; s < 180; s += 10) store.add([bank(t0 + s * 1_000, s < 60 ? 2 : s < 120 ? 4 : 12), bank(t0 + s * 1_000, 1, '2')]);
    clock.advance(3 * MIN + 2_000);
    assert.deepEqual(store.query(q('current_a', t0, t0 + 3 * MIN, MIN)).points, [
      { t: t0, mean: 2, max: 2 }, { t: t0 + MIN, mean: 4, max: 4 }, { t: t0 + 2 * MIN, mean: 12, max: 12 },
    ]);
    const fiveMin = store.query(q('current_a', t0, t0 + 5 * MIN, 5 * MIN));
    assert.deepEqual(fiveMin.points, [{ t: t0, mean: 6, max: 12 }]);
    assert.equal(store.query(q('current_a', t0, t0 + 3 * MIN, MIN, 'bank', { pdu: 'p1', bank: '2' })).points.length, 3, 'each bank its own series');
    assert.deepEqual(store.query(q('current_a', t0, t0 + 3 * MIN, 10_000)).stepMs, MIN, 'a minute is the finest step kept');
    store.close();
  });

  it('shows the minute still open', () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 10, 0, 30));
    const store = open(clock);
    store.add([bank(clock.now(), 7)]);
    const { points } = store.query(q('current_a', clock.now() - HOUR, clock.now() + 1, MIN));
    assert.deepEqual(points, [{ t: Date.UTC(2026, 5, 1, 10, 0, 0), mean: 7, max: 7 }]);
    store.close();
  });

  it('rolls minutes up into hours for the long term, and forgets past the retention', () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 0, 0, 0));
    const store = open(clock);
    const t0 = clock.now();
    // Three days of a point a minute: bank current follows the hour of day, outlets are short-term only.
    for (let m = 0; m < 3 * 24 * 60; m++) {
      const t = t0 + m * MIN;
      store.add([bank(t, Math.floor(t / HOUR) % 24), outlet(t, 1)]);
      clock.advance(MIN);
    }
    clock.advance(2 * MIN);
    const now = clock.now();
    const old = store.query(q('current_a', t0, t0 + DAY, HOUR));
    assert.equal(old.stepMs, HOUR, 'past the minute retention, hours answer');
    assert.equal(old.points.length, 24);
    assert.deepEqual(old.points[5], { t: t0 + 5 * HOUR, mean: 5, max: 5 });
    assert.equal(store.query(q('on', t0, t0 + DAY, HOUR, 'outlet', { pdu: 'p1', outlet: '3' })).points.length, 0, 'outlets are kept a short time only');
    const recent = store.query(q('current_a', now - HOUR, now, MIN));
    assert.equal(recent.stepMs, MIN);
    assert.ok(recent.points.length >= 58, `recent minutes are kept (${recent.points.length})`);
    assert.equal(store.query(q('on', now - HOUR, now, MIN, 'outlet', { pdu: 'p1', outlet: '3' })).points.length >= 58, true, 'outlet minutes are there while recent');
    store.close();
  });

  it('keeps the journal across a reopen, replacing an entry by its folded repeat', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-embedded-'));
    dirs.push(dir);
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 0, 0, 0));
    const path = join(dir, 'history.db');
    const first = open(clock, path);
    const e = (id: number, type: string, extra: Partial<ApiEvent> = {}): ApiEvent => ({ id, time: clock.now() + id, type, severity: 'info', subject: 'web', message: `${type} ${id}`, ...extra });
    first.addEvent(e(1, 'drain', { severity: 'warning' }));
    first.addEvent(e(2, 'device-unreachable'));
    first.addEvent(e(3, 'device-unreachable', { count: 2, replaces: 2 }));
    first.addEvent(e(4, 'readmit'));
    first.close();
    const second = open(clock, path);
    assert.equal(second.lastEventId(), 4);
    assert.deepEqual(second.latestEvents(10).map((x) => x.id), [1, 3, 4]);
    assert.deepEqual(second.events({ types: ['drain', 'readmit'], limit: 10 }).map((x) => x.id), [1, 4]);
    assert.deepEqual(second.events({ severities: ['warning'], limit: 10 }).map((x) => x.id), [1]);
    assert.deepEqual(second.events({ after: 1, limit: 1 }).map((x) => x.id), [3]);
    assert.deepEqual(second.events({ from: clock.now() + 3, to: clock.now() + 4, limit: 10 }).map((x) => x.id), [3]);
    second.close();
  });
});

describe('history queries', () => {
  const now = Date.UTC(2026, 5, 1, 12);
  it('names things by path and metrics by the schema', () => {
    assert.deepEqual(historyQuery({ thing: 'pdu/r1-a/bank/02', metric: 'load_pct', range: '24h' }, now), {
      measurement: 'bank', tags: { pdu: 'r1-a', bank: '2' }, field: 'load_pct', from: now - DAY, to: now, stepMs: 5 * MIN,
    });
    assert.deepEqual(historyQuery({ thing: 'pool/web', metric: 'active', from: '2026-06-01T00:00:00Z', to: '2026-06-01T01:00:00Z', step: '1m' }, now).tags, { pool: 'web' });
    assert.equal(historyQuery({ thing: 'ups/u1', metric: 'runtime_s' }, now).measurement, 'ups');
  });
  it('refuses what it cannot answer, saying why', () => {
    const refuse = (params: Record<string, string>, message: RegExp) => assert.throws(() => historyQuery(params, now), (err: unknown) => err instanceof HistoryQueryError && message.test(err.message));
    refuse({ metric: 'power_w' }, /thing: required/);
    refuse({ thing: 'rack/r1', metric: 'power_w' }, /expected pdu\/NAME/);
    refuse({ thing: 'pdu/r1-a/bank/x', metric: 'current_a' }, /expected pdu\/NAME/);
    refuse({ thing: 'pdu/r1-a/bank/1', metric: 'voltage_v' }, /bank has current_a, rating_a, load_pct, tripped/);
    refuse({ thing: 'ups/u1', metric: 'source' }, /ups has/);
    refuse({ thing: 'pdu/r1-a', metric: 'power_w', range: '1y' }, /range "1y"/);
    refuse({ thing: 'pdu/r1-a', metric: 'power_w', from: 'yesterday' }, /from "yesterday"/);
    refuse({ thing: 'pdu/r1-a', metric: 'power_w', from: '2026-06-02T00:00:00Z' }, /before to/);
    refuse({ thing: 'pdu/r1-a', metric: 'power_w', range: '90d', step: '1m' }, /more than 5000 points/);
  });
});

describe('sparklines in memory', () => {
  it('keeps an hour of minutes per PDU power and bank load, and forgets PDUs no longer configured', () => {
    const s = new Sparklines();
    const t0 = Date.UTC(2026, 5, 1, 10, 0, 0);
    for (let m = 0; m < 90; m++) {
      s.add([
        { measurement: 'pdu', tags: { pdu: 'p1' }, fields: { power_w: 1000 + m }, time: t0 + m * MIN },
        { measurement: 'pdu', tags: { pdu: 'p1' }, fields: { power_w: 3000 + m }, time: t0 + m * MIN + 30_000 },
        { measurement: 'bank', tags: { pdu: 'p1', bank: '2' }, fields: { load_pct: m }, time: t0 + m * MIN },
      ]);
    }
    const now = t0 + 90 * MIN;
    const power = s.get('p1', undefined, now - HOUR)!;
    assert.equal(power.length, 60, 'the last hour only');
    assert.deepEqual(power.at(-1), { t: t0 + 89 * MIN, mean: 2089, max: 3089 });
    assert.deepEqual(s.get('p1', 2, now - HOUR)!.map((p) => p.mean), Array.from({ length: 60 }, (_, i) => 30 + i));
    s.add([{ measurement: 'pdu', tags: { pdu: 'p1' }, fields: { power_w: 1 }, time: t0 }]);
    assert.equal(s.get('p1', undefined, now - HOUR)!.length, 60, 'a point older than the ring is ignored');
    assert.equal(s.get('p2', undefined, now - HOUR), null, 'nothing recorded: the store is asked instead');
    s.retain(new Set(['p2']));
    assert.equal(s.get('p1', 2, now - HOUR), null);
  });
});
