// Pages by e-mail to a real SMTP server on loopback (the npm smtp-server, in this process): a bank
// trip is one mail whose subject fits a phone, with the story as text and HTML and one Message-ID
// per page; clearing it is one more; a server that refuses the sender outright is said, not retried.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import type { App } from '../src/app.js';
import type { ApiEvent } from '../src/http/api-types.js';
import { startDemo, waitFor } from './helpers/demo-config.js';

interface Mail { from: string; to: string[]; user: string | undefined; raw: string }

describe('pages by e-mail', { timeout: 120_000 }, () => {
  let app: App;
  const mails: Mail[] = [];
  let refuse = false;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onAuth(auth, _session, cb) { cb(auth.username === 'noc' && auth.password === 'S3cr3t-smtp-password' ? null : new Error('bad login'), { user: auth.username }); },
    onMailFrom(_address, _session, cb) {
      if (!refuse) return cb();
      const err = new Error('sender refused') as Error & { responseCode: number };
      err.responseCode = 550;
      cb(err);
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => { raw += c.toString(); });
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), user: session.user as string | undefined, raw });
        cb();
      });
    },
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as { port: number }).port;
    ({ app } = await startDemo((config) => {
      config.settings.alerts.wallUrl = 'https://noc.example.com/';
      config.settings.alerts.receivers = [{
      type: 'email', name: 'mail', smtp: { host: '127.0.0.1', port, secure: false, user: 'noc', password: 'S3cr3t-smtp-password' },
      from: 'breakerbox@example.com', to: ['oncall@example.com', 'noc@example.com'], minSeverity: 'critical', timeout: 5_000,
      }];
    }));
  });
  after(async () => {
    await app?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a bank trip is one mail: the subject fits a phone, the story in text and HTML, then one for its clearing', async () => {
    await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) });
    await waitFor('one mail', () => mails.length >= 1, 20_000);
    const m = mails[0]!;
    assert.equal(m.user, 'noc', 'logged in');
    assert.equal(m.from, 'breakerbox@example.com');
    assert.deepEqual(m.to, ['oncall@example.com', 'noc@example.com']);
    const header = m.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n\s+/g, ' ');
    assert.match(header, /^Subject: \[CRITICAL\] dal3-r07-a bank 1: breaker tripped, 20 nodes down$/m);
    assert.match(header, /^Message-ID: <mail\.\d+-trigger@breakerbox>$/m);
    assert.match(m.raw, /multipart\/alternative/);
    assert.match(m.raw, /Impact: 20 nodes lost power \(scan-057\.\.scan-076\)/);
    assert.match(m.raw, /Action: pool scanners: 20 drained/);
    assert.match(m.raw, /text\/html/);
    await fetch(`${app.url}/api/sim/faults`, { method: 'DELETE' });
    await waitFor('the resolve mail', () => mails.length === 2, 20_000);
    assert.match(mails[1]!.raw, /^Subject: \[RESOLVED\] dal3-r07-a bank 1: breaker tripped/m);
  });

  it('a server that refuses outright (5xx) is a page-rejected event, not retried', async () => {
    refuse = true;
    const since = ((await (await fetch(`${app.url}/api/events`)).json()) as ApiEvent[]).at(-1)?.id ?? 0;
    await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r01-a', bank: 1 }) });
    const rejected = await waitFor('page-rejected', async () => ((await (await fetch(`${app.url}/api/events?since=${since}`)).json()) as ApiEvent[]).find((e) => e.type === 'page-rejected'), 20_000);
    assert.match(rejected.message, /receiver mail refused the page .* \(SMTP 550\); not retried/);
    assert.ok(!rejected.message.includes('S3cr3t'), 'never the password');
    assert.equal(app.alerts.outbox.pending().length, 0);
    await fetch(`${app.url}/api/sim/faults`, { method: 'DELETE' });
  });
});
