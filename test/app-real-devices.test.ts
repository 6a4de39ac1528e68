// The running service against real recorded devices: the poller detects each, the API shows them normalized.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import { parseConfigText } from '../src/config/load-config.js';
import type { ApiPdu } from '../src/http/api-types.js';
import { waitFor } from './helpers/demo-config.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('Breakerbox polling recorded devices', () => {
  let sim: Snmpsim;
  let app: App;
  before(async () => {
    sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]);
    const device = (name: string, community: string) => `  - {name: ${name}, rack: r1, address: "127.0.0.1:${sim.port}", outlets: 48, snmp: {version: "2c", community: ${community}}}`;
    const config = parseConfigText(`sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}]}]
pdus:
${device('rack-pdu', 'apc_ap7900b')}
${device('ups-1', 'apc_smt750x-nmc2')}
${device('cdu-1', 'sentry3_switched')}
${device('ats-1', 'apc_ats')}
${device('strip-x', 'unknown_device')}
nodes:
  - {name: web-1, rack: r1, address: "127.0.0.1:9", psus: [{pdu: strip-x, outlet: 1}], snmp: {version: "2c", community: public}}
settings: {pollInterval: 2s, http: {port: 0, host: 127.0.0.1}, traps: {enabled: false}}
`, 'lab.yaml');
    app = await startApp({ config, stateDir: mkdtempSync(join(tmpdir(), 'bb-real-')), logLevel: 'silent' });
  });
  after(async () => {
    await app?.stop();
    await sim?.stop();
  });

  it('detects each family and serves its normalized reading', async () => {
    const pdus = await waitFor('all four read', async () => {
      const list = (await (await fetch(`${app.url}/api/pdus`)).json()) as ApiPdu[];
      return list.filter((p) => p.reachable && p.profile && p.kind !== 'unknown').length === 4 && list;
    }, 60_000);
    const by = new Map(pdus.map((p) => [p.name, p]));
    assert.equal(by.get('rack-pdu')!.profile, 'apc-rpdu2');
    assert.equal(by.get('rack-pdu')!.outlets.filter((o) => o.state === 'on').length, 8);
    assert.equal(by.get('rack-pdu')!.phases[0]!.voltage, 120);

    const ups = by.get('ups-1')!;
    assert.equal(ups.kind, 'ups');
    assert.equal(ups.ups!.source, 'mains');
    assert.equal(ups.ups!.charge, 100);

    const cdu = by.get('cdu-1')!;
    assert.equal(cdu.profile, 'servertech-sentry3');
    assert.equal(cdu.inlets.length, 3);
    assert.equal(cdu.outlets.length, 30);

    const ats = by.get('ats-1')!;
    assert.equal(ats.kind, 'ats');
    assert.equal(ats.ats!.activeSource, 'A');
  });

  it('a device no profile reads is there, its power unknown: never "down", never dark', async () => {
    const strip = await waitFor('the strip polled', async () => ((await (await fetch(`${app.url}/api/pdus`)).json()) as ApiPdu[]).find((p) => p.name === 'strip-x' && p.lastPollAt !== null), 60_000);
    assert.equal(strip.reachable, true);
    assert.equal(strip.dark, false);
    // Polled and shown by its system group: who made it, what it says it is, how long it has been up.
    assert.equal(strip.error, null);
    assert.deepEqual([strip.kind, strip.profile, strip.sysObjectId], ['unknown', 'system', '1.3.6.1.4.1.99999.7.1']);
    assert.deepEqual([strip.vendor, strip.model, strip.serial], ['enterprise 99999', 'Acme SmartStrip 3000, firmware 1.2', null]);
    // sysUpTime 9,000,000 ticks: up 25 h, given as the start, to the minute (stable from poll to poll)
    assert.ok(strip.upSince !== null && strip.upSince % 60_000 === 0 && Math.abs(Date.now() - 90_000_000 - strip.upSince) < 120_000, `up since ${strip.upSince}`);
    // its configured outlets are drawn, unknown: nothing it feeds is judged from it
    assert.ok(strip.outlets.length > 0 && strip.outlets.every((o) => o.state === 'unknown'));
    const node = ((await (await fetch(`${app.url}/api/nodes`)).json()) as { name: string; power: string }[]).find((n) => n.name === 'web-1')!;
    assert.equal(node.power, 'unknown', 'the strip\'s feed is unknown, so is the node\'s power');
  });
});
