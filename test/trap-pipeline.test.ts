// The pipeline's confirming reads, in isolation (a fake poller; the real one is exercised by
// trap-e2e and the demo tests): a storm of traps about one PDU costs one read at a time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { systemClock } from '../src/clock.js';
import { parseConfigText } from '../src/config/load-config.js';
import { EventLog } from '../src/events/event-log.js';
import type { ApiEvent } from '../src/http/api-types.js';
import { Topology } from '../src/health/topology.js';
import { profiles } from '../src/profiles/index.js';
import { StateStore } from '../src/state/state-store.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { TrapPipeline } from '../src/traps/trap-pipeline.js';
import type { IncomingTrap } from '../src/traps/trap-types.js';
import { waitFor } from './helpers/demo-config.js';

const CONFIG = `
sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]
pdus: [{name: pdu-a, rack: r1, address: 127.9.9.1, outlets: 24}]
`;

/** APC PowerNet-MIB outletOff (apc.0.42) for one outlet, as the receiver hands it over. */
function outletOff(outlet: number): IncomingTrap {
  return {
    version: '2c', source: '127.9.9.1', sourcePort: 50_162, agentAddress: null, relayed: false, trapOid: '1.3.6.1.4.1.318.0.42', user: null, inform: false, receivedAt: Date.now(),
    varbinds: [
      { oid: '1.3.6.1.4.1.318.2.3.1.0', type: 2, value: outlet },
      { oid: '1.3.6.1.4.1.318.2.3.3.0', type: 4, value: 'An outlet has turned off.' },
    ],
  };
}

function setUp() {
  const log = pino({ level: 'silent' });
  const calls: { since: number; outlets: readonly number[]; release: () => void }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const events = new EventLog(systemClock, log);
  // Every event as raised (the log folds repeats of one kind and source into one entry).
  const raised: ApiEvent[] = [];
  events.subscribe((e) => raised.push(e));
  const pipeline = new TrapPipeline({
    topology: () => new Topology(parseConfigText(CONFIG, 'lab.yaml')), classifier: new TrapClassifier(profiles), names: () => ({ name: (oid: string) => oid }),
    store: new StateStore(), events, clock: systemClock, log,
    poller: {
      pollSince: async () => false,
      confirmPdu: (_name, since, outlets = []) => new Promise<boolean>((resolve) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        calls.push({ since, outlets, release: () => { inFlight--; resolve(false); } });
      }),
    },
  });
  return { pipeline, calls, raised, mostInFlight: () => mostInFlight };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('trap pipeline: confirming reads', () => {
  it('traps in one turn share one read; traps during a read wait for one more read, begun after them', async () => {
    const { pipeline, calls, raised, mostInFlight } = setUp();
    for (const outlet of [1, 2, 3]) pipeline.handle(outletOff(outlet));
    await waitFor('first read', () => calls.length === 1);
    assert.deepEqual([...calls[0]!.outlets].sort(), [1, 2, 3]);

    // A storm while the first read is in flight: spread over many turns, still no second read yet.
    const before = Date.now();
    for (let i = 0; i < 50; i++) {
      pipeline.handle(outletOff(4 + (i % 5)));
      await turn();
    }
    assert.equal(calls.length, 1, 'no read starts while one is in flight');

    calls[0]!.release();
    await waitFor('second read', () => calls.length === 2);
    assert.deepEqual([...calls[1]!.outlets].sort(), [4, 5, 6, 7, 8]);
    assert.ok(calls[1]!.since >= before, 'the second read covers traps that arrived during the first');
    calls[1]!.release();
    await turn();
    await turn();
    assert.equal(calls.length, 2, 'nothing left to confirm');
    assert.equal(mostInFlight(), 1);

    // The PDU never answered: each read ends in one unconfirmed event, naming every outlet of its batch.
    const unconfirmed = raised.filter((e) => e.type === 'trap-unconfirmed');
    assert.equal(unconfirmed.length, 2);
    assert.match(unconfirmed.map((e) => e.message).join('\n'), /3 traps \(outlet-off for outlets 1-3\)/);
    assert.match(unconfirmed.map((e) => e.message).join('\n'), /50 traps \(outlet-off for outlets 4-8\)/);
  });

  it('a device with no read in flight is confirmed again at once', async () => {
    const { pipeline, calls } = setUp();
    pipeline.handle(outletOff(1));
    await waitFor('first read', () => calls.length === 1);
    calls[0]!.release();
    await turn();
    pipeline.handle(outletOff(2));
    await waitFor('second read', () => calls.length === 2);
    assert.deepEqual(calls[1]!.outlets, [2]);
    calls[1]!.release();
  });
});
