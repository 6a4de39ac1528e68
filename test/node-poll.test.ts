// Servers as their own agents describe them: real Net-SNMP snmpd (HOST-RESOURCES, UCD-SNMP, IF-MIB) and the simulator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../src/config/load-config.js';
import { readNode } from '../src/poller/read-node.js';
import { Simulator } from '../src/sim/simulator.js';
import { NetSnmpClient } from '../src/snmp/snmp-client.js';
import { StateStore } from '../src/state/state-store.js';
import { waitFor } from './helpers/demo-config.js';
import { startSnmpd } from './helpers/snmpd.js';

const client = (port: number, host = '127.0.0.1') => new NetSnmpClient({ host, port, credentials: { version: '2c', community: 'public' }, timeoutMs: 1_000, retries: 0 });

describe('node polling', () => {
  it('reads host uptime, load average and interfaces from Net-SNMP snmpd; an agent restart is not a reboot', async () => {
    const port = 21900 + (process.pid % 50);
    const store = new StateStore();
    let snmpd = await startSnmpd(port);
    const c = client(port);
    try {
      const first = await readNode(c);
      assert.ok(first.ok, first.ok ? '' : first.error);
      assert.equal(first.value.uptimeSource, 'host');
      assert.ok(first.value.uptimeTicks! > 0);
      assert.match(first.value.sysDescr ?? '', /Linux/);
      assert.equal(typeof first.value.load1, 'number');
      assert.ok(first.value.interfaces, 'IF-MIB read');
      assert.ok(first.value.interfaces.up <= first.value.interfaces.total);
      store.recordNode('host', Date.now(), { ok: true, reading: first.value });

      await snmpd.stop();
      const down = await readNode(c);
      assert.ok(!down.ok, 'no answer while snmpd is down');
      store.recordNode('host', Date.now(), { ok: false, error: down.error });
      assert.equal(store.node('host')!.reachable, false);

      snmpd = await startSnmpd(port);
      const again = await waitFor('snmpd back', async () => { const r = await readNode(c); return r.ok && r; });
      store.recordNode('host', Date.now(), { ok: true, reading: again.value });
      assert.equal(store.node('host')!.reachable, true);
      assert.equal(store.node('host')!.lastRebootAt, null, 'host uptime kept counting: no reboot');
    } finally {
      c.close();
      await snmpd.stop();
    }
  });

  it('a simulated server that loses power comes back with its uptime restarted: a reboot', async () => {
    const port = 21960 + (process.pid % 30);
    const config = parseConfigText(`sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]
pdus: [{name: p, rack: r1, address: "127.9.3.1:${port}", outlets: 4}]
nodes: [{name: n1, rack: r1, address: "127.9.4.1:${port}", psus: [{pdu: p, outlet: 1}]}]
`, 'lab.yaml');
    const sim = new Simulator(config, { driftIntervalMs: 0 });
    await sim.start();
    const c = client(port, '127.9.4.1');
    const store = new StateStore();
    try {
      await new Promise((r) => setTimeout(r, 1_100)); // let uptime pass a second
      const before = await readNode(c);
      assert.ok(before.ok);
      assert.equal(before.value.uptimeSource, 'agent');
      store.recordNode('n1', Date.now(), { ok: true, reading: before.value });
      const fault = sim.injectFault({ kind: 'node-down', node: 'n1' });
      sim.clearFault(fault.id);
      const after = await waitFor('node answers', async () => { const r = await readNode(c); return r.ok && r; });
      store.recordNode('n1', Date.now(), { ok: true, reading: after.value });
      assert.ok(after.value.uptimeTicks! < before.value.uptimeTicks!);
      assert.notEqual(store.node('n1')!.lastRebootAt, null);
    } finally {
      c.close();
      await sim.stop();
    }
  });
});
