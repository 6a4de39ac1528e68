// A TrapService as the app wires it (real receiver, pipeline, classifier, event log, topology),
// in fake time, with GET /api/traps served on port 0; the poller records what it was asked to confirm.
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { FakeClock } from '../../src/clock.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { trapsSchema, type TrapSettings } from '../../src/config/schema.js';
import { EventLog } from '../../src/events/event-log.js';
import { Topology } from '../../src/health/topology.js';
import type { ApiEvent } from '../../src/http/api-types.js';
import { trapRoutes } from '../../src/http/trap-routes.js';
import { StateStore } from '../../src/state/state-store.js';
import type { TrapRecord } from '../../src/traps/trap-pipeline.js';
import { TrapService } from '../../src/traps/trap-service.js';

/** One PDU at 127.3.7.1, which the tests' traps are about. */
export const LAB = `
sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]
pdus: [{name: pdu-a, rack: r1, address: 127.3.7.1, outlets: 24}]
`;

export interface TrapHarness {
  service: TrapService;
  clock: FakeClock;
  /** Every event as raised (the log folds repeats into one entry). */
  raised: ApiEvent[];
  confirms: string[];
  /** The receiver's address, "127.0.0.1:port". */
  target(): string;
  traps(): Promise<TrapRecord[]>;
  stop(): Promise<void>;
}

export async function startTrapHarness(settings: Partial<TrapSettings>): Promise<TrapHarness> {
  const clock = new FakeClock();
  const log = pino({ level: 'silent' });
  const events = new EventLog(clock, log);
  const raised: ApiEvent[] = [];
  events.subscribe((e) => raised.push(e));
  const confirms: string[] = [];
  const topology = new Topology(parseConfigText(LAB, 'lab.yaml'));
  const service = new TrapService({
    settings: trapsSchema.parse({ address: '127.0.0.1', port: 0, ...settings }), topology: () => topology, store: new StateStore(), events, clock, log,
    poller: { pollSince: async () => false, confirmPdu: async (name) => { confirms.push(name); return false; } },
  });
  const port = await service.start();
  if (port === null) throw new Error(`trap receiver did not start: ${raised.map((e) => e.message).join('; ')}`);
  const app = express();
  app.use('/api/traps', trapRoutes(service));
  const http = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    service, clock, raised, confirms,
    target: () => `127.0.0.1:${service.stats().listening!.split(':')[1]}`,
    traps: async () => (await (await fetch(`${url}/api/traps`)).json()) as TrapRecord[],
    stop: async () => {
      await service.stop();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
