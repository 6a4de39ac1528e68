// Secrets never leave: with communities, v3 keys, the trap community, an API token, a webhook secret,
// a webhook URL with a password and page receivers' secrets (an HMAC key, a Slack hook token, a
// PagerDuty routing key, an SMTP password, an NMS's SNMP community and v3 keys) configured, and
// hostile agents answering with another community, refusing the v3 user and sending malformed
// answers, no secret appears in the log, any /api/* JSON, the socket.io snapshot and events, or the
// wall's rendered page in Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import type { ApiPdu } from '../src/http/api-types.js';
import { waitFor } from './helpers/demo-config.js';
import { SECRETS, startHostileScenario, type Scenario } from './helpers/hostile-agent-scenario.js';
import { CHROMIUM_ARGS } from './helpers/wall-demo.js';

const API_PATHS = ['/api/health', '/api/pools', '/api/nodes', '/api/pdus', '/api/services', '/api/sites', '/api/snapshot', '/api/events', '/api/traps', '/api/traps/stats', '/api/audit', '/api/alerts'];

/** The secrets found in `text`, by name. */
function leaks(text: string): string[] {
  return Object.entries(SECRETS).filter(([, secret]) => text.includes(secret)).map(([name]) => name);
}

describe('secrets sweep', { timeout: 180_000 }, () => {
  let s: Scenario;
  let browser: Browser | undefined;
  let socket: Socket | undefined;
  const pushed: string[] = [];
  before(async () => {
    s = await startHostileScenario();
    socket = io(s.app.url, { transports: ['websocket'], reconnection: false });
    socket.onAny((name: string, payload: unknown) => pushed.push(`${name} ${JSON.stringify(payload)}`));
  });
  after(async () => {
    socket?.close();
    await browser?.close();
    await s?.stop();
  });

  it('no configured secret appears anywhere after the hostile-agent scenarios', async () => {
    const url = s.app.url;
    // Every failure the secrets could ride on has happened: community mismatch, v3 refused, misbehaving, malformed, webhook down.
    await waitFor('every failure seen', async () => {
      const pdus = new Map(((await (await fetch(`${url}/api/pdus`)).json()) as ApiPdu[]).map((p) => [p.name, p]));
      return pdus.get('mismatch')?.error === 'community rejected or mismatched'
        && /SNMPv3/.test(pdus.get('v3-refused')?.error ?? '')
        && pdus.get('endless')?.misbehaving
        && pdus.get('malformed')?.reachable === true
        && s.logText().includes('webhook')
        && ['hook', 'slack', 'pd', 'mail', 'nms', 'nms-v3'].every((r) => s.app.alerts.outbox.pending().some((p) => p.receiver === r && p.attempts >= 1));
    }, 90_000, 500);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(url);
    await page.waitForSelector('[data-testid="pdu-mismatch"]', { timeout: 30_000 });
    // Tooltips (title attributes) are part of page.content(); hover the failing PDU so any popup renders too.
    await page.hover('[data-testid="pdu-mismatch"]');
    const wall = await page.content();
    assert.ok(wall.includes('mismatch'), 'the wall shows the PDU that answers with another community');

    const api: string[] = [];
    for (const path of API_PATHS) {
      const res = await fetch(`${url}${path}`);
      api.push(`${path} ${res.status} ${await res.text()}`);
    }
    assert.ok(api.some((a) => a.includes('community rejected or mismatched')), 'the API says what went wrong, without the community');
    await waitFor('socket.io snapshot and events', () => pushed.some((p) => p.startsWith('snapshot ')) && pushed.some((p) => p.startsWith('event ')), 30_000);

    const log = s.logText();
    assert.ok(log.length > 0 && /device misbehaving/.test(log), 'the log was captured');
    assert.deepEqual(leaks(log), [], 'log');
    assert.deepEqual(leaks(api.join('\n')), [], 'API');
    assert.deepEqual(leaks(pushed.join('\n')), [], 'socket.io');
    assert.deepEqual(leaks(wall), [], 'wall');
  });

  it('the sweep itself finds a secret where one is', () => {
    assert.deepEqual(leaks(`Community '${SECRETS.mismatch}' in request does not match`), ['mismatch']);
  });
});
