// TrapService.reconfigure, as a config reload calls it: credentials, allow-list and rate change at
// once without a restart (the old community refused and counted the moment it resolves, the new one
// accepted; a v3 user replaced); the socket moves only when its address or port change, and a port
// that cannot be bound leaves the receiver listening where it was, with an event saying so.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { trapsSchema, type TrapSettings } from '../src/config/schema.js';
import { CidrError } from '../src/traps/access.js';
import { waitFor } from './helpers/demo-config.js';
import { netSnmp } from './helpers/net-snmp-tools.js';
import { freeUdpPort } from './helpers/ports.js';
import { startTrapHarness, type TrapHarness } from './helpers/trap-harness.js';

const OUTLET_OFF = '1.3.6.1.4.1.318.0.42';
const OLD_USER = { user: 'olduser', level: 'authPriv', authProtocol: 'sha', authKey: 'old-auth-123', privProtocol: 'aes', privKey: 'old-priv-123' } as const;
const NEW_USER = { user: 'newuser', level: 'authPriv', authProtocol: 'sha', authKey: 'new-auth-123', privProtocol: 'aes', privKey: 'new-priv-123' } as const;
const v3 = (u: typeof OLD_USER | typeof NEW_USER) => ['-v3', '-u', u.user, '-l', 'authPriv', '-a', 'SHA', '-A', u.authKey, '-x', 'AES', '-X', u.privKey, '-e', '0x8000000001020399'];

describe('trap receiver reconfigured without a restart', () => {
  let h: TrapHarness;
  const base = (over: Partial<TrapSettings>): TrapSettings => trapsSchema.parse({ address: '127.0.0.1', port: 0, communities: ['old-community'], users: [OLD_USER], ...over });
  before(async () => { h = await startTrapHarness(base({})); });
  after(async () => { await h?.stop(); });

  /** Traps read so far, accepted or dropped. */
  const handled = () => {
    const s = h.service.stats();
    return s.accepted + Object.values(s.dropped).reduce((a, b) => a + (b ?? 0), 0);
  };

  /** Sends one trap and waits until the receiver has read it; true if it was accepted. */
  async function accepted(args: string[], target = h.target()): Promise<boolean> {
    const seen = handled();
    const ok = h.service.stats().accepted;
    const r = await netSnmp('snmptrap', [...args, target, '', OUTLET_OFF]);
    assert.equal(r.code, 0, r.stderr);
    await waitFor('the trap read', () => handled() > seen, 5_000, 10);
    return h.service.stats().accepted > ok;
  }
  const dropped = (reason: 'unknown-community' | 'unknown-user' | 'not-allowed') => h.service.stats().dropped[reason] ?? 0;

  it('the old community and v3 user are accepted before', async () => {
    assert.ok(await accepted(['-v2c', '-c', 'old-community']));
    assert.ok(await accepted(v3(OLD_USER)));
  });

  it('after it resolves: the old community refused (counted as unknown-community), the new one accepted; the v3 user replaced', async () => {
    const listening = h.service.stats().listening;
    await h.service.reconfigure(base({ communities: ['new-community'], users: [NEW_USER] }));
    const community = dropped('unknown-community');
    assert.equal(await accepted(['-v2c', '-c', 'old-community']), false, 'old community refused');
    assert.equal(dropped('unknown-community'), community + 1);
    assert.equal(await accepted(['-v2c', '-c', 'new-community']), true, 'new community accepted');
    const user = dropped('unknown-user');
    assert.equal(await accepted(v3(OLD_USER)), false, 'old v3 user refused');
    assert.equal(dropped('unknown-user'), user + 1);
    assert.equal(await accepted(v3(NEW_USER)), true, 'new v3 user accepted');
    assert.equal(h.service.stats().listening, listening, 'same socket: nothing to rebind');
  });

  it('an allow-list change applies at once', async () => {
    await h.service.reconfigure(base({ communities: ['new-community'], users: [NEW_USER], allow: ['127.0.0.1/32'] }));
    const refused = dropped('not-allowed');
    assert.equal(await accepted(['-v2c', '-c', 'new-community', '--clientaddr=127.0.0.2']), false);
    assert.equal(dropped('not-allowed'), refused + 1);
    assert.equal(await accepted(['-v2c', '-c', 'new-community', '--clientaddr=127.0.0.1']), true);
  });

  it('an invalid CIDR given directly is refused with a clear error, and nothing changes', async () => {
    const bad = { ...base({ communities: ['another-community'] }), allow: ['10.0.0.0/33'] };
    await assert.rejects(h.service.reconfigure(bad), (err: unknown) => err instanceof CidrError && err.code === 'BB_ERR_BAD_CIDR' && /"10\.0\.0\.0\/33".*prefix must be 0–32/.test(err.message));
    assert.equal(await accepted(['-v2c', '-c', 'another-community']), false, 'the rejected settings were not applied');
    assert.equal(await accepted(['-v2c', '-c', 'new-community']), true, 'the settings before still are');
  });

  it('a new port: the socket moves, the old port is released', async () => {
    const old = Number(h.target().split(':')[1]);
    const port = await freeUdpPort();
    await h.service.reconfigure(base({ communities: ['new-community'], port }));
    assert.equal(h.service.stats().listening, `127.0.0.1:${port}`);
    assert.equal(await accepted(['-v2c', '-c', 'new-community'], `127.0.0.1:${port}`), true);
    const probe = createSocket('udp4');
    await new Promise<void>((resolve, reject) => { probe.once('error', reject); probe.bind(old, '127.0.0.1', () => resolve()); });
    probe.close();
  });

  it('a port that cannot be bound: still listening on the old one (with the new credentials), an event says so, and it resolves', async () => {
    const listening = h.service.stats().listening;
    const busy = createSocket('udp4');
    await new Promise<void>((resolve) => busy.bind(0, '127.0.0.1', () => resolve()));
    const taken = busy.address().port;
    const raised = h.raised.length;
    try {
      await h.service.reconfigure(base({ communities: ['last-community'], port: taken }));
      const event = h.raised.slice(raised).find((e) => e.type === 'trap-receiver-rebind-failed');
      assert.ok(event, 'an event about the port');
      assert.equal(event.severity, 'critical');
      assert.ok(event.message.includes(`127.0.0.1:${taken}`) && event.message.includes(`still listening on ${listening}`), event.message);
      assert.ok(!event.message.includes('last-community'), 'no community in the event');
      assert.equal(h.service.stats().listening, listening);
      assert.equal(await accepted(['-v2c', '-c', 'last-community']), true, 'new credentials on the old socket');
      assert.equal(await accepted(['-v2c', '-c', 'new-community']), false);
    } finally {
      busy.close();
    }
    // Once the port is free, the next reload moves there.
    await h.service.reconfigure(base({ communities: ['last-community'], port: taken }));
    assert.equal(h.service.stats().listening, `127.0.0.1:${taken}`);
  });

  it('traps disabled by a reload stop listening, with an event; enabled again, they listen again', async () => {
    const raised = h.raised.length;
    await h.service.reconfigure(base({ communities: ['last-community'], enabled: false }));
    assert.equal(h.service.stats().listening, null);
    assert.ok(h.raised.slice(raised).some((e) => e.type === 'trap-receiver-stopped'));
    await h.service.reconfigure(base({ communities: ['last-community'] }));
    assert.match(h.service.stats().listening ?? '', /^127\.0\.0\.1:\d+$/);
    assert.equal(await accepted(['-v2c', '-c', 'last-community']), true);
  });
});

describe('trap receiver that could not start', () => {
  it('listens once a reload gives it a port it can bind', async () => {
    const busy = createSocket('udp4');
    await new Promise<void>((resolve) => busy.bind(0, '127.0.0.1', () => resolve()));
    const taken = busy.address().port;
    // The harness insists on a started service: start on the busy port by hand instead.
    const h = await startTrapHarness({ communities: ['public'] });
    try {
      await h.service.stop();
      await h.service.reconfigure(trapsSchema.parse({ address: '127.0.0.1', port: taken, communities: ['public'] }));
      assert.equal(h.service.stats().listening, null, 'the port is taken');
      assert.ok(h.raised.some((e) => e.type === 'trap-receiver-down' && e.message.includes(`127.0.0.1:${taken}`)));
      busy.close();
      const port = await freeUdpPort();
      await h.service.reconfigure(trapsSchema.parse({ address: '127.0.0.1', port, communities: ['public'] }));
      assert.equal(h.service.stats().listening, `127.0.0.1:${port}`, 'listening on the new port, not the one it first had');
    } finally {
      await h.stop();
    }
  });
});
