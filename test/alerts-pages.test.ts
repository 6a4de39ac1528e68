// Pages on the Dallas demo, to real HTTP receivers on loopback: a bank trip is one page per receiver
// (signed webhook, Slack blocks, PagerDuty v2), its clearing one resolve; a receiver that is down
// gets the page exactly once when it is back, without holding up the others; an undelivered page
// survives a restart.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { WebhookPage } from '../src/alerts/receivers.js';
import { startApp, type App } from '../src/app.js';
import type { Config } from '../src/config/schema.js';
import { startDemo, waitFor } from './helpers/demo-config.js';
import { PageReceiver } from './helpers/page-receiver.js';

const SECRET = 'a-webhook-secret-of-some-length';
const ROUTING_KEY = 'R0UT1NGKEY0123456789';
const BANK = 'breaker-tripped:bank:dal3-r07-a bank 1';

describe('pages on the Dallas demo', () => {
  let app: App;
  let config: Config;
  let stateDir: string;
  const receiver = new PageReceiver();
  const api = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${app.url}${path}`, { ...init, headers: { 'content-type': 'application/json' } });
    assert.ok(res.ok, `${path} → ${res.status}`);
    return res.json() as Promise<unknown>;
  };
  const pages = (path: string) => receiver.on(path).map((r) => JSON.parse(r.body) as Record<string, unknown>);

  before(async () => {
    await receiver.start();
    ({ app, config, stateDir } = await startDemo((c) => {
      c.settings.alerts.wallUrl = 'https://noc.example.com/';
      c.settings.alerts.receivers = [
      { type: 'webhook', name: 'hook', url: receiver.url('/hook'), secret: SECRET, minSeverity: 'warning', timeout: 2_000 },
      { type: 'slack', name: 'slack', url: receiver.url('/slack/T000/B000/XXXX'), minSeverity: 'critical', timeout: 2_000 },
      { type: 'pagerduty', name: 'pd', url: receiver.url('/v2/enqueue'), routingKey: ROUTING_KEY, minSeverity: 'critical', timeout: 2_000 },
      ];
    }));
  });
  after(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('a bank trip under 20 nodes is one page per receiver, telling cause → impact → action', async () => {
    await api('/api/sim/faults', { method: 'POST', body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) });
    await waitFor('a page at each receiver', () => receiver.on('/hook').length >= 1 && receiver.on('/slack/T000/B000/XXXX').length >= 1 && receiver.on('/v2/enqueue').length >= 1, 20_000);
    // Another evaluation or two pass: still one each.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(receiver.on('/hook').length, 1);
    assert.equal(receiver.on('/slack/T000/B000/XXXX').length, 1);
    assert.equal(receiver.on('/v2/enqueue').length, 1);

    const hook = receiver.on('/hook')[0]!;
    const signature = `sha256=${createHmac('sha256', SECRET).update(hook.body, 'utf8').digest('hex')}`;
    assert.equal(hook.headers['x-breakerbox-signature'], signature, 'signed like the drain webhook');
    assert.ok(hook.headers['idempotency-key']);
    assert.equal(hook.headers['x-breakerbox-delivery'], hook.headers['idempotency-key']);
    const page = JSON.parse(hook.body) as WebhookPage;
    assert.equal(page.kind, 'trigger');
    assert.equal(page.story.key, BANK);
    assert.equal(page.severity, 'critical');
    assert.match(page.title, /^\[CRITICAL\] dal3-r07-a bank 1: breaker tripped, 20 nodes down$/);
    assert.ok(page.title.length <= 78, 'fits a phone and a subject line');
    assert.match(page.cause, /bank 1 breaker tripped on dal3-r07-a/);
    assert.match(page.impact, /20 nodes lost power \(scan-057\.\.scan-076\)/);
    assert.match(page.impact, /pool scanners 60 of 80 in service/);
    assert.match(page.action, /pool scanners: 20 drained/);
    assert.equal(page.link, 'https://noc.example.com/?rack=r07');
    assert.equal(page.alerts.filter((a) => a.rule === 'node-power-lost').length, 20);

    const slack = pages('/slack/T000/B000/XXXX')[0] as { text: string; blocks: { type: string; text?: { text: string } }[] };
    assert.equal(slack.text, page.title);
    assert.equal(slack.blocks[0]!.type, 'header');
    assert.match(slack.blocks[1]!.text!.text, /\*Cause:\* bank 1 breaker tripped[\s\S]*\*Impact:\* 20 nodes lost power[\s\S]*\*Action:\* pool scanners: 20 drained/);

    const pd = pages('/v2/enqueue')[0] as { routing_key: string; event_action: string; dedup_key: string; payload: { severity: string; summary: string; component: string } };
    assert.equal(pd.routing_key, ROUTING_KEY);
    assert.equal(pd.event_action, 'trigger');
    assert.match(pd.dedup_key, /^breaker-tripped:bank:dal3-r07-a bank 1#\d+$/);
    assert.equal(pd.payload.severity, 'critical');
    assert.equal(pd.payload.component, 'dal3-r07-a bank 1');
  });

  it('acknowledging it tells each receiver it paged, PagerDuty on the same incident', async () => {
    const bank = ((await api('/api/alerts?state=firing')) as { id: number; key: string }[]).find((a) => a.key === BANK)!;
    const acked = (await api(`/api/alerts/${bank.id}/ack`, { method: 'POST', body: JSON.stringify({ reason: 'on it, replacing the breaker' }) })) as { muted: { kind: string } | null; acknowledged: { by: string } };
    assert.equal(acked.acknowledged.by, 'local');
    await waitFor('an acknowledge at each receiver', () => receiver.on('/hook').length === 2 && receiver.on('/slack/T000/B000/XXXX').length === 2 && receiver.on('/v2/enqueue').length === 2, 20_000);
    const [trigger, ack] = pages('/v2/enqueue') as { event_action: string; dedup_key: string }[];
    assert.equal(ack!.event_action, 'acknowledge');
    assert.equal(ack!.dedup_key, trigger!.dedup_key);
    const hook = pages('/hook')[1] as unknown as WebhookPage;
    assert.equal(hook.kind, 'acknowledge');
    assert.deepEqual({ by: hook.acknowledged?.by, reason: hook.acknowledged?.reason }, { by: 'local', reason: 'on it, replacing the breaker' });
    const now = ((await api('/api/alerts?state=firing')) as { key: string; muted: { kind: string } | null }[]).find((a) => a.key === BANK)!;
    assert.equal(now.muted?.kind, 'acknowledged');
    const audit = (await api('/api/audit')) as { action: string; who: string; why: string }[];
    assert.ok(audit.some((e) => e.action === 'acknowledge' && e.why === 'on it, replacing the breaker'));
  });

  it('clearing it sends one resolve to each receiver that was paged; PagerDuty\'s closes the same incident', async () => {
    await api('/api/sim/faults', { method: 'DELETE' });
    await waitFor('a resolve at each receiver', () => receiver.on('/hook').length === 3 && receiver.on('/slack/T000/B000/XXXX').length === 3 && receiver.on('/v2/enqueue').length === 3, 20_000);
    const [trigger, , resolve] = pages('/v2/enqueue') as { event_action: string; dedup_key: string }[];
    assert.equal(resolve!.event_action, 'resolve');
    assert.equal(resolve!.dedup_key, trigger!.dedup_key);
    const hook = pages('/hook')[2] as unknown as WebhookPage;
    assert.equal(hook.kind, 'resolve');
    assert.match(hook.title, /^\[RESOLVED\] /);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(receiver.on('/hook').length, 3, 'nothing more');
  });

  it('a receiver down during a trip gets the page exactly once when it is back, across a restart; it never holds up another', async () => {
    const slackBefore = receiver.on('/slack/T000/B000/XXXX').length;
    receiver.failing.add('/hook');
    await api('/api/sim/faults', { method: 'POST', body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r01-a', bank: 1 }) });
    await waitFor('the page queued and failing', () => app.alerts.outbox.pending().some((p) => p.receiver === 'hook' && p.attempts >= 1), 20_000);
    await waitFor('Slack paged meanwhile', () => receiver.on('/slack/T000/B000/XXXX').length === slackBefore + 1, 10_000);
    assert.equal(receiver.on('/hook').length, 3, 'nothing accepted at the failing receiver');
    // Restart while the page is undelivered: it is in the database. (The new simulator starts
    // without the fault, so the trip clears: its resolve queues behind the trigger.)
    await app.stop();
    app = await startApp({ config, stateDir, logLevel: 'silent' });
    assert.ok(app.alerts.outbox.pending().some((p) => p.receiver === 'hook' && p.kind === 'trigger'), 'the undelivered page came back with the database');
    receiver.failing.delete('/hook');
    await waitFor('delivered once back, then its resolve', () => receiver.on('/hook').length === 5, 20_000);
    await new Promise((r) => setTimeout(r, 2_500));
    const hook = pages('/hook') as unknown as WebhookPage[];
    assert.deepEqual(hook.map((p) => p.kind), ['trigger', 'acknowledge', 'resolve', 'trigger', 'resolve'], 'in order: a resolve never overtakes its trigger');
    assert.equal(hook[3]!.story.key, 'breaker-tripped:bank:dal3-r01-a bank 1');
    assert.equal(new Set(receiver.on('/hook').map((r) => r.headers['idempotency-key'])).size, 5, 'no page twice');
    assert.equal(app.alerts.outbox.pending().length, 0);
  });
});
