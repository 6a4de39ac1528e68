// History on the simulated demo with no InfluxDB configured: the embedded store answers /api/history
// and /api/events, and both survive a restart.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import type { ApiEvent } from '../src/http/api-types.js';
import { startDemo, waitFor } from './helpers/demo-config.js';

interface Answer { source: string; stepMs: number; unit: string; points: { t: number; mean: number; max: number }[] }

describe('history without InfluxDB', () => {
  let app: App | null = null;
  after(async () => { await app?.stop(); });

  it('answers history and the journal from the embedded store, across a restart', async () => {
    const demo = await startDemo();
    app = demo.app;
    const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${app!.url}${path}`);
      return { status: res.status, body: (await res.json()) as T };
    };

    const power = await waitFor('a PDU power reading in history', async () => {
      const { body } = await get<Answer>('/api/history?thing=pdu/dal3-r07-a&metric=power_w&range=1h');
      return body.points.length > 0 && body;
    });
    assert.equal(power.source, 'embedded');
    assert.equal(power.unit, 'W');
    assert.equal(power.stepMs, 60_000);
    assert.ok(power.points.every((p) => p.mean > 0 && p.max >= p.mean), JSON.stringify(power.points));

    await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) });
    const tripped = await waitFor('bank 1 recorded as tripped', async () => {
      const { body } = await get<Answer>('/api/history?thing=pdu/dal3-r07-a/bank/1&metric=tripped&range=1h');
      return body.points.some((p) => p.max === 1) && body;
    });
    assert.equal(tripped.unit, 'bool');
    const drain = await waitFor('the drain in the stored journal', async () => (await get<ApiEvent[]>('/api/events?range=1h&type=drain')).body[0]);
    assert.match(drain.message, /drained 20 of 80 from pool scanners/);

    const page = (await get<{ stepMs: number; power: number[][]; banks: Record<string, number[][]>; outlets: Record<string, number[][]>; ratings: { banks: Record<string, number> } }>('/api/history/pdu/dal3-r07-a?range=24h')).body;
    assert.equal(page.stepMs, 5 * 60_000);
    assert.deepEqual(Object.keys(page.banks), ['1', '2']);
    assert.equal(Object.keys(page.outlets).length, 48);
    assert.ok(page.outlets['1']!.length > 0 && page.outlets['1']![0]!.length === 3, 'outlet 1 as [t, mean, max]');
    assert.ok(page.ratings.banks['1']! > 0, 'bank ratings from the last reading');
    assert.equal((await get('/api/history/pdu/no-such')).status, 404);

    const sparks = (await get<{ pdus: Record<string, { power: number[][]; banks: Record<string, number[][]> }> }>('/api/history/sparklines?pdus=dal3-r07-a,dal3-r01-b')).body;
    assert.deepEqual(Object.keys(sparks.pdus).sort(), ['dal3-r01-b', 'dal3-r07-a']);
    assert.ok(sparks.pdus['dal3-r07-a']!.power.length > 0);
    assert.deepEqual(Object.keys(sparks.pdus['dal3-r07-a']!.banks), ['1', '2']);

    const bad = await get<{ error: string; code: string }>('/api/history?thing=pdu/dal3-r07-a/bank/1&metric=volts');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'BB_ERR_BAD_QUERY');
    assert.match(bad.body.error, /bank has current_a/);

    const before = (await get<ApiEvent[]>('/api/events?range=1h&limit=5000')).body;
    await app.stop();
    app = await startApp({ config: demo.config, stateDir: demo.stateDir, logLevel: 'silent' });
    const stored = (await get<ApiEvent[]>('/api/events?range=1h&limit=5000')).body;
    assert.deepEqual(stored.slice(0, before.length).map((e) => e.id), before.map((e) => e.id), 'the journal survives the restart');
    const live = (await get<ApiEvent[]>('/api/events')).body;
    assert.ok(live.some((e) => e.id === drain.id), 'the live journal starts from the stored one');
    await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'outlet-off', pdu: 'dal3-r01-a', outlet: 1 }) });
    const next = await waitFor('a new event after the restart', async () => (await get<ApiEvent[]>(`/api/events?cursor=${before.at(-1)!.id}&type=sim-fault`)).body[0]);
    assert.ok(next.id > before.at(-1)!.id, 'ids carry on');
    const kept = (await get<Answer>('/api/history?thing=pdu/dal3-r07-a/bank/1&metric=tripped&range=1h')).body;
    assert.ok(kept.points.some((p) => p.max === 1), 'history survives the restart');
  });
});
