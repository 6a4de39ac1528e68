// Scenarios on the simulated data center, paged to a webhook receiver on loopback: PDUs of a row
// going dark while their servers answer is one monitoring-fault page and no node or PDU page; an
// outlet switched off and on again and again is paged twice, then told once as flapping.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../src/alerts/alert-engine.js';
import type { WebhookPage } from '../src/alerts/receivers.js';
import type { App } from '../src/app.js';
import { startDemo, waitFor } from './helpers/demo-config.js';
import { PageReceiver } from './helpers/page-receiver.js';

describe('alert scenarios on the Dallas demo', { timeout: 180_000 }, () => {
  let app: App;
  const receiver = new PageReceiver();
  const pages = () => receiver.on('/hook').map((r) => JSON.parse(r.body) as WebhookPage);
  const alerts = async () => (await (await fetch(`${app.url}/api/alerts`)).json()) as Alert[];
  const fault = async (spec: object) => ((await (await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) })).json()) as { id: string }).id;
  const clear = (id: string) => fetch(`${app.url}/api/sim/faults/${id}`, { method: 'DELETE' });

  before(async () => {
    await receiver.start();
    ({ app } = await startDemo((config) => {
      config.settings.alerts.receivers = [{ type: 'webhook', name: 'hook', url: receiver.url('/hook'), minSeverity: 'warning', timeout: 2_000 }];
      // PDUs that stop answering page after 5 s here (60 s by default), so muting, not `for`, keeps them quiet.
      config.settings.alerts.rules = { 'pdu-unreachable': { for: 5_000 } };
    }));
  });
  after(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('a row of PDUs going dark while its servers answer: one monitoring-fault page, no node or PDU page', async () => {
    const ids = [];
    for (const pdu of ['dal3-r01-a', 'dal3-r01-b', 'dal3-r02-a', 'dal3-r02-b']) ids.push(await fault({ kind: 'pdu-unreachable', pdu }));
    await waitFor('the monitoring-fault page', () => pages().some((p) => p.alerts[0]?.rule === 'monitoring-fault'), 30_000);
    // Past the PDUs' own `for`: they fire, muted by the monitoring fault.
    await waitFor('the PDU alerts firing, muted', async () => {
      const pdu = (await alerts()).filter((a) => a.rule === 'pdu-unreachable' && a.state === 'firing');
      return pdu.length === 4 && pdu.every((a) => a.muted?.kind === 'inhibited' && /monitoring fault in/.test(a.muted.why));
    }, 30_000);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(pages().map((p) => p.alerts[0]!.rule), ['monitoring-fault'], 'one page, about the monitoring path');
    assert.match(pages()[0]!.title, /monitoring fault, drains frozen/);
    assert.equal((await alerts()).filter((a) => a.rule.startsWith('node-') && a.state === 'firing' && !a.muted).length, 0, 'no node alert pages');
    for (const id of ids) await clear(id);
    await waitFor('the monitoring fault resolved, and said so', () => pages().some((p) => p.kind === 'resolve' && p.alerts[0]?.rule === 'monitoring-fault'), 30_000);
  });

  it('an outlet switched off and on again and again: paged twice, then one flapping notice', async () => {
    receiver.got.length = 0;
    const key = 'node-power-lost:node:scan-057';
    for (let i = 0; i < 4; i++) {
      const id = await fault({ kind: 'outlet-off', pdu: 'dal3-r07-a', outlet: 1 });
      // Firing, and paged (or, once flapping, muted so): the page waits for its story a moment.
      await waitFor(`scan-057 lost power (${i + 1})`, async () => (await alerts()).some((a) => a.key === key && a.state === 'firing' && (a.paged?.includes('hook') || a.muted?.kind === 'flapping')), 20_000);
      await clear(id);
      await waitFor(`scan-057 back (${i + 1})`, async () => !(await alerts()).some((a) => a.key === key && a.state !== 'resolved'), 20_000);
    }
    await new Promise((r) => setTimeout(r, 1_500));
    const mine = pages().filter((p) => p.story.key === key);
    assert.deepEqual(mine.map((p) => p.kind), ['trigger', 'resolve', 'trigger', 'resolve', 'flapping'], 'the fifth change is flapping: told once, then quiet');
    assert.match(mine.at(-1)!.title, /^\[FLAPPING\] scan-057: power lost/);
  });
});

describe('routing pages by place, and repeating them until acknowledged', { timeout: 120_000 }, () => {
  let app: App;
  const receiver = new PageReceiver();
  const pages = (path: string) => receiver.on(path).map((r) => JSON.parse(r.body) as WebhookPage);
  const BANK = 'breaker-tripped:bank:dal3-r07-a bank 1';

  before(async () => {
    await receiver.start();
    ({ app } = await startDemo((config) => {
      config.settings.alerts.receivers = [
        { type: 'webhook', name: 'row1', url: receiver.url('/row1'), minSeverity: 'warning', scope: { row: 'row 1' }, timeout: 2_000 },
        { type: 'webhook', name: 'r07', url: receiver.url('/r07'), minSeverity: 'critical', scope: { rack: 'r07' }, repeat: 2_000, timeout: 2_000 },
      ];
    }));
  });
  after(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('a trip in rack r07 pages the receiver scoped to it, again and again until acknowledged, and not the one of row 1', async () => {
    await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) });
    await waitFor('paged, then paged again', () => pages('/r07').filter((p) => p.kind === 'trigger').length >= 2, 30_000);
    const triggers = pages('/r07').filter((p) => p.kind === 'trigger');
    assert.ok(triggers.every((p) => p.story.key === BANK));
    assert.equal(new Set(receiver.on('/r07').map((r) => r.headers['idempotency-key'])).size, receiver.on('/r07').length, 'each repeat is a page of its own');
    const bank = ((await (await fetch(`${app.url}/api/alerts?state=firing`)).json()) as { id: number; key: string }[]).find((a) => a.key === BANK)!;
    await fetch(`${app.url}/api/alerts/${bank.id}/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'on it' }) });
    await waitFor('the acknowledge', () => pages('/r07').some((p) => p.kind === 'acknowledge'), 10_000);
    const after = pages('/r07').length;
    await new Promise((r) => setTimeout(r, 6_000));
    assert.equal(pages('/r07').length, after, 'no repeat once acknowledged');
    assert.deepEqual(pages('/row1'), [], 'row 1 was not hit');
    // A trip in row 1 within the minute joins r07's as one site-wide event: news for row 1's
    // receiver (the whole story), none for r07's, whose part was acknowledged and did not change.
    await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r01-a', bank: 1 }) });
    const joined = await waitFor('row 1 paged', () => pages('/row1').find((p) => p.alerts.some((a) => a.key === 'breaker-tripped:bank:dal3-r01-a bank 1')), 20_000);
    assert.equal(joined.story.key, BANK, 'one event: told as the story of the first fault');
    assert.match(joined.title, /^\[CRITICAL\] Dallas 3: 2 power faults, \d+ nodes down$/);
    assert.match(joined.cause, /bank 1 breaker tripped on dal3-r07-a.*; bank 1 breaker tripped on dal3-r01-a/);
    assert.equal(pages('/row1').length, 1);
    assert.equal(pages('/r07').length, after, 'r07\'s receiver is not told of row 1');
    await fetch(`${app.url}/api/sim/faults`, { method: 'DELETE' });
  });
});

describe('a PDU inlet without voltage', { timeout: 120_000 }, () => {
  let app: App;
  const receiver = new PageReceiver();
  const pages = () => receiver.on('/hook').map((r) => JSON.parse(r.body) as WebhookPage);

  before(async () => {
    await receiver.start();
    ({ app } = await startDemo((config) => {
      config.settings.alerts.receivers = [{ type: 'webhook', name: 'hook', url: receiver.url('/hook'), minSeverity: 'warning', timeout: 2_000 }];
    }));
  });
  after(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('is one page for the nodes it took down, titled by the cause, and one resolve', async () => {
    const res = await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'inlet-loss', pdu: 'dal3-r07-a' }) });
    const { id } = await res.json() as { id: string };
    const page = await waitFor('the page', () => pages().find((p) => p.kind === 'trigger'), 30_000);
    await app.alerts.outbox.idle();
    await waitFor('every node of the strip in the story', async () => ((await (await fetch(`${app.url}/api/alerts?state=firing`)).json()) as Alert[]).filter((a) => a.rule === 'node-power-lost').length >= 20, 20_000);
    await fetch(`${app.url}/api/sim/faults/${id}`, { method: 'DELETE' });
    await waitFor('the resolve', () => pages().some((p) => p.kind === 'resolve'), 30_000);
    await app.alerts.outbox.idle();
    assert.deepEqual(pages().map((p) => p.kind), ['trigger', 'resolve'], `one page and one resolve, not one per node: ${pages().map((p) => p.title).join(' | ')}`);
    assert.match(page.title, /dal3-r07-a/);
    assert.ok(page.alerts.filter((a) => a.rule === 'node-power-lost').length >= 20, `the nodes are in the page: ${page.alerts.length}`);
  });
});
