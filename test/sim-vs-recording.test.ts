// The simulator speaks APC's real objects: a simulated PDU and a recorded real one read the same way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfigText } from '../src/config/load-config.js';
import type { DeviceReading } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { Simulator } from '../src/sim/simulator.js';
import { NetSnmpClient } from '../src/snmp/snmp-client.js';
import { freeUdpPort } from './helpers/ports.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

/** The kinds of value a reading has, e.g. "outlets[].state", ignoring entity numbers. */
const kinds = (r: DeviceReading) => new Set((r.trace ?? []).filter((t) => t.quality === 'ok').map((t) => t.path.replace(/\[\d+\]/, '[]')));

describe('simulated APC PDU vs a recorded real one', () => {
  let port = 0;
  let sim: Simulator;
  let snmpsim: Snmpsim;
  before(async () => {
    port = await freeUdpPort();
    sim = new Simulator(parseConfigText(`sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]
pdus: [{name: lab-a, rack: r1, address: "127.9.5.1:${port}", outlets: 24, banks: 2}]
nodes: [{name: n1, rack: r1, address: "127.9.6.1:${port}", psus: [{pdu: lab-a, outlet: 3}]}]
`, 'lab.yaml'), { driftIntervalMs: 0 });
    await sim.start();
    snmpsim = await startSnmpsim();
  });
  after(async () => {
    await sim?.stop();
    await snmpsim?.stop();
  });

  it('are detected as the same profile, and the simulator offers every kind of value the real PDU does', async () => {
    const simClient = new NetSnmpClient({ host: '127.9.5.1', port, credentials: { version: '2c', community: 'public' }, timeoutMs: 2_000, retries: 1 });
    try {
      const simDetected = await detect(simClient);
      const realDetected = await detect(snmpsim.client('apc_apdu9959eu3'));
      assert.ok(simDetected.ok && realDetected.ok);
      assert.equal(simDetected.value.profile.name, realDetected.value.profile.name);
      assert.equal(simDetected.value.how, 'sysObjectID');

      const simRead = await readDevice(simClient, simDetected.value.profile, { trace: true });
      const realRead = await readDevice(snmpsim.client('apc_apdu9959eu3'), realDetected.value.profile, { trace: true });
      assert.ok(simRead.ok && realRead.ok);
      const missing = [...kinds(realRead.value)].filter((k) => !kinds(simRead.value).has(k));
      assert.deepEqual(missing, [], 'kinds of value the real PDU has and the simulator lacks');

      const s = simRead.value;
      assert.equal(s.outlets.length, 24);
      assert.equal(s.banks.length, 2);
      assert.ok(s.outlets.find((o) => o.index === 3)!.current.value! > 0, 'the outlet feeding n1 draws current');
      assert.equal(s.outlets.find((o) => o.index === 3)!.bank, 1);
      assert.equal(s.badValues, 0);
    } finally {
      simClient.close();
    }
  });
});
