// Every recorded real trap, re-sent with Net-SNMP's snmptrap through the receiver and the pipeline,
// comes out as the normalized event its MIB means.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { systemClock } from '../src/clock.js';
import { parseConfigText } from '../src/config/load-config.js';
import { trapsSchema } from '../src/config/schema.js';
import { EventLog } from '../src/events/event-log.js';
import { Topology } from '../src/health/topology.js';
import { profiles } from '../src/profiles/index.js';
import { StateStore } from '../src/state/state-store.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { TrapPipeline } from '../src/traps/trap-pipeline.js';
import { TrapReceiver } from '../src/traps/trap-receiver.js';
import { waitFor } from './helpers/demo-config.js';
import { netSnmp } from './helpers/net-snmp-tools.js';
import { EXPECTED, recordedTrapsAsSnmptrapArgs } from './helpers/recorded-traps.js';

describe('recorded traps re-sent with snmptrap', () => {
  const log = pino({ level: 'silent' });
  const topology = new Topology(parseConfigText('sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]', 'lab.yaml'));
  const pipeline = new TrapPipeline({
    topology: () => topology, classifier: new TrapClassifier(profiles), names: () => ({ name: (oid: string) => oid }),
    store: new StateStore(), poller: { pollSince: async () => false, confirmPdu: async () => false }, events: new EventLog(systemClock, log), clock: systemClock, log,
  });
  const receiver = new TrapReceiver(trapsSchema.parse({ address: '127.0.0.1', port: 0, communities: ['public'] }), (t) => pipeline.handle(t), log);
  let target = '';
  before(async () => { target = `127.0.0.1:${await receiver.start()}`; });
  after(async () => { await receiver.stop(); });

  for (const { name, trapOid, args } of recordedTrapsAsSnmptrapArgs()) {
    it(name, async () => {
      const expected = EXPECTED[name];
      assert.ok(expected, `no expectation for ${name}`);
      const count = pipeline.recent(10_000).length;
      // The UPS-MIB trap after a trip through SNMPv1 goes out as a real v1 trap (enterprise upsTraps, specific 1).
      const v1 = trapOid === '1.3.6.1.2.1.33.2.0.1';
      const sent = v1
        ? await netSnmp('snmptrap', ['-v1', '-c', 'public', target, '1.3.6.1.2.1.33.2', '127.0.0.1', '6', '1', '', ...args])
        : await netSnmp('snmptrap', ['-v2c', '-c', 'public', target, '', trapOid, ...args]);
      assert.equal(sent.code, 0, sent.stderr);
      await waitFor('the trap in the journal', () => pipeline.recent(10_000).length > count, 5_000, 10);
      const record = pipeline.recent(1)[0]!;
      assert.equal(record.trapOid, trapOid);
      assert.equal(record.version, v1 ? '1' : '2c');
      assert.equal(record.event, expected.event);
      assert.equal(record.name, expected.name);
      assert.deepEqual(record.entity, expected.entity ?? {});
    });
  }
});
