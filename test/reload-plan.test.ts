// Which settings a reload keeps until a restart, and what it reports as changed: a table, in pure logic.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';
import { changedParts, planRestartOnly } from '../src/reload/restart-settings.js';

const base = parseConfigText(`sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]
pdus: [{name: p1, rack: r1, address: "127.0.0.1:1161", outlets: 8}]
nodes: [{name: n1, rack: r1, address: "127.0.0.2:1161", psus: [{pdu: p1, outlet: 1}]}]
settings: {traps: {communities: [s3cret-trap-community], port: 1162}}
`, 'lab.yaml');

const edit = (f: (c: Config) => void): Config => {
  const c = structuredClone(base);
  f(c);
  return c;
};

describe('reload plan', () => {
  const cases: { what: string; next: Config; simulating: boolean; needsRestart: string[]; changed: string[] }[] = [
    { what: 'nothing changed', next: edit(() => {}), simulating: false, needsRestart: [], changed: [] },
    { what: 'the HTTP port', next: edit((c) => { c.settings.http.port = 9090; }), simulating: false, needsRestart: ['settings.http.port'], changed: [] },
    { what: 'the HTTP host', next: edit((c) => { c.settings.http.host = '127.0.0.1'; }), simulating: false, needsRestart: ['settings.http.host'], changed: [] },
    { what: 'the database', next: edit((c) => { c.settings.database = 'other.db'; }), simulating: false, needsRestart: ['settings.database'], changed: [] },
    { what: 'simulation switched on', next: edit((c) => { c.settings.simulate = true; }), simulating: false, needsRestart: ['settings.simulate'], changed: [] },
    { what: 'the simulator HTTP port', next: edit((c) => { c.settings.simulatorHttpPort = 8099; }), simulating: true, needsRestart: ['settings.simulatorHttpPort'], changed: [] },
    { what: 'trap communities, not simulating', next: edit((c) => { c.settings.traps.communities = ['other']; }), simulating: false, needsRestart: [], changed: ['settings.traps'] },
    { what: 'trap communities while simulating', next: edit((c) => { c.settings.traps.communities = ['other']; }), simulating: true, needsRestart: ['where the simulator sends its traps (settings.traps)'], changed: ['settings.traps'] },
    { what: 'a new node while simulating', next: edit((c) => { c.nodes.push({ ...c.nodes[0]!, name: 'n2', address: '127.0.0.3:1161', psus: [{ pdu: 'p1', outlet: 2 }] }); }), simulating: true, needsRestart: ['the simulated devices (pdus, nodes)'], changed: ['nodes'] },
    { what: 'a new node, not simulating', next: edit((c) => { c.nodes.push({ ...c.nodes[0]!, name: 'n2', address: '127.0.0.3:1161', psus: [{ pdu: 'p1', outlet: 2 }] }); }), simulating: false, needsRestart: [], changed: ['nodes'] },
    { what: 'SNMP settings and the tick', next: edit((c) => { c.settings.snmpTimeout = 5_000; c.settings.pollConcurrency = 4; c.settings.pollInterval = 60_000; }), simulating: false, needsRestart: [], changed: ['settings.pollInterval', 'settings.snmpTimeout', 'settings.pollConcurrency'] },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const plan = planRestartOnly(base, c.next, c.simulating);
      assert.deepEqual(plan.needsRestart, c.needsRestart);
      // What is applied keeps the running values of everything that needs a restart …
      assert.deepEqual(plan.config.settings.http, base.settings.http);
      assert.equal(plan.config.settings.database, base.settings.database);
      assert.equal(plan.config.settings.simulate, base.settings.simulate);
      assert.equal(plan.config.settings.simulatorHttpPort, base.settings.simulatorHttpPort);
      // … and takes the rest from the file.
      assert.deepEqual(changedParts(base, plan.config), c.changed);
      assert.ok(!plan.needsRestart.join(' ').includes('s3cret'), 'names, never values');
    });
  }
});
