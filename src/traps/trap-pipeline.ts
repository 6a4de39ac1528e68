import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { EventLog } from '../events/event-log.js';
import type { Topology } from '../health/topology.js';
import { numberRanges } from '../drain/describe.js';
import { parseAddress } from '../snmp/snmp-client.js';
import type { StateStore } from '../state/state-store.js';
import { FAULT_EVENTS, type Classification, type IncomingTrap, type TrapEntity } from './trap-types.js';

export interface TrapClassifierLike {
  classify(trap: { trapOid: string; varbinds: IncomingTrap['varbinds'] }, preferredProfile?: string | null): Classification;
}
export interface OidNamer {
  name(oid: string): string;
}
export interface PollerLike {
  pollSince(kind: 'pdu' | 'node', name: string, since: number): Promise<boolean>;
  /** A quick read of a PDU's outlets and banks, begun after `since`. */
  confirmPdu(name: string, since: number, outlets?: readonly number[]): Promise<boolean>;
}

/** One received trap as the journal keeps it (no community, no keys). */
export interface TrapRecord {
  time: number;
  source: string;
  device: string | null;
  version: IncomingTrap['version'];
  trapOid: string;
  name: string;
  event: Classification['event'];
  entity: TrapEntity;
  varbinds: { oid: string; name: string; value: string | number | null }[];
}

export interface TrapPipelineDeps {
  topology: () => Topology;
  classifier: TrapClassifierLike;
  names: () => OidNamer;
  store: StateStore;
  poller: PollerLike;
  events: EventLog;
  clock: Clock;
  log: Logger;
}

const JOURNAL_SIZE = 1_000;
const REPEAT_QUIET_MS = 60_000;
const COLD_START = '1.3.6.1.6.3.1.1.5.1';
const WARM_START = '1.3.6.1.6.3.1.1.5.2';

interface Batch {
  device: string;
  since: number;
  traps: { record: StoredTrap; fault: boolean }[];
}

/** As journaled: the classification's name, or null until someone reads it and MIBs name it. */
type StoredTrap = Omit<TrapRecord, 'name' | 'varbinds'> & { name: string | null; varbinds: IncomingTrap['varbinds'] };

/**
 * What happens to an accepted trap: attributed to a device by address, classified by the
 * profiles, journaled; a trap about a PDU triggers an immediate poll of it, and the poll's facts
 * — never the trap alone — are what power health and the drain controller see.
 */
export class TrapPipeline {
  private readonly journal: StoredTrap[] = [];
  private readonly quiet = new Map<string, number>();
  private readonly batches = new Map<string, Batch>();
  private hosts: { topology: Topology | null; byHost: Map<string, { kind: 'pdu' | 'node'; name: string }[]> } = { topology: null, byHost: new Map() };

  constructor(private readonly deps: TrapPipelineDeps) {}

  /** The latest traps, named from the MIBs as they are read (naming is left out of the hot path). */
  recent(limit = 200): TrapRecord[] {
    return this.journal.slice(-limit).map((r) => this.named(r));
  }

  handle(trap: IncomingTrap): void {
    const device = this.attribute(trap.agentAddress ?? trap.source);
    const profile = device?.kind === 'pdu' ? this.deps.store.pdu(device.name)?.reading?.profile ?? null : null;
    const c = this.deps.classifier.classify(trap, profile);
    const record: StoredTrap = {
      time: this.deps.clock.now(), source: trap.agentAddress ?? trap.source, device: device?.name ?? null, version: trap.version, trapOid: trap.trapOid,
      name: c.name, event: c.event, entity: c.entity, varbinds: trap.varbinds,
    };
    this.journal.push(record);
    // Trimmed in halves, not one by one: at tens of thousands of traps a second, that matters.
    if (this.journal.length > 2 * JOURNAL_SIZE) this.journal.splice(0, this.journal.length - JOURNAL_SIZE);

    if (device?.kind === 'pdu' && c.event !== 'unclassified') return this.corroborate(device.name, record, FAULT_EVENTS.has(c.event));
    // A device that restarted is worth a look now, not at its next poll.
    if (device && (trap.trapOid === COLD_START || trap.trapOid === WARM_START)) void this.deps.poller.pollSince(device.kind, device.name, record.time);
    if (c.event === 'unclassified') return this.noteUnclassified(record);
    // A classified trap from a device Breakerbox does not poll: shown and alerted, never acted on.
    this.say(`${record.source} ${c.event}`, () => ({
      type: 'trap-hint', severity: FAULT_EVENTS.has(c.event) ? 'warning' : 'info', subject: device?.name ?? record.source,
      message: `${describe(this.named(record))} from ${device?.name ?? record.source}, which Breakerbox does not poll: a hint only, nothing is drained on it`,
    }));
  }

  private named(r: StoredTrap): TrapRecord {
    const names = this.deps.names();
    return { ...r, name: r.name ?? names.name(r.trapOid), varbinds: r.varbinds.map((vb) => ({ oid: vb.oid, name: names.name(vb.oid), value: vb.value })) };
  }

  /** Traps arriving together about one device share one confirming poll and one event. */
  private corroborate(device: string, record: StoredTrap, fault: boolean): void {
    let batch = this.batches.get(device);
    if (batch) {
      batch.traps.push({ record, fault });
      return;
    }
    batch = { device, since: record.time, traps: [{ record, fault }] };
    this.batches.set(device, batch);
    setImmediate(() => void this.confirm(batch!));
  }

  private async confirm(batch: Batch): Promise<void> {
    // Traps arriving from now on start a batch of their own, confirmed by a read that begins after them.
    this.batches.delete(batch.device);
    let polled = false;
    try {
      const outlets = [...new Set(batch.traps.flatMap((t) => (t.record.entity.outlet !== undefined ? [t.record.entity.outlet] : [])))];
      polled = await this.deps.poller.confirmPdu(batch.device, batch.since, outlets);
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message, device: batch.device }, 'confirming poll failed');
    }
    const facts = this.deps.store.pdu(batch.device);
    const answered = polled && facts?.reachable === true && (facts.lastPollAt ?? 0) >= batch.since;
    const faults = batch.traps.filter((t) => t.fault);
    const summary = summarize(batch.traps.map((t) => this.named(t.record)));
    if (answered) {
      this.deps.events.add({
        type: 'trap', severity: faults.length ? 'warning' : 'info', subject: batch.device,
        message: `${summary} from ${batch.device}: confirmed by an immediate poll${faults.length ? '; power health follows what the poll read' : ''}`,
      });
    } else if (faults.length) {
      this.deps.events.add({
        type: 'trap-unconfirmed', severity: 'critical', subject: batch.device,
        message: `${summary} from ${batch.device}, but ${batch.device} does not answer a poll: an unconfirmed hint, nothing is drained on it alone`,
      });
    }
  }

  private noteUnclassified(record: StoredTrap): void {
    this.say(`${record.source} ${record.trapOid}`, () => {
      const r = this.named(record);
      const shown = r.varbinds.slice(0, 6).map((vb) => `${vb.name} = ${String(vb.value)}`).join(', ');
      return {
        type: 'trap-unclassified', severity: 'info', subject: r.device ?? r.source,
        message: `unclassified trap ${r.name} from ${r.device ?? r.source}${shown ? `: ${shown}` : ''}`,
      };
    });
  }

  /** One event per key per quiet period: a chatty device does not flood the wall. */
  private say(key: string, event: () => Parameters<EventLog['add']>[0]): void {
    const now = this.deps.clock.now();
    if ((this.quiet.get(key) ?? -Infinity) + REPEAT_QUIET_MS > now) return;
    if (this.quiet.size > 10_000) this.quiet.clear();
    this.quiet.set(key, now);
    this.deps.events.add(event());
  }

  /** The configured device at this address; with several behind one address, the PDU first. */
  private attribute(address: string): { kind: 'pdu' | 'node'; name: string } | null {
    const topology = this.deps.topology();
    if (this.hosts.topology !== topology) {
      const byHost = new Map<string, { kind: 'pdu' | 'node'; name: string }[]>();
      const add = (kind: 'pdu' | 'node', name: string, addr: string) => {
        const host = parseAddress(addr).host;
        byHost.set(host, [...(byHost.get(host) ?? []), { kind, name }]);
      };
      for (const p of topology.pdus.values()) add('pdu', p.name, p.address);
      for (const n of topology.nodes.values()) add('node', n.name, n.address);
      this.hosts = { topology, byHost };
    }
    return this.hosts.byHost.get(address.startsWith('::ffff:') ? address.slice(7) : address)?.[0] ?? null;
  }
}

function describe(r: TrapRecord): string {
  const what = r.entity.outlet !== undefined ? ` outlet ${r.entity.outlet}` : r.entity.bank !== undefined ? ` bank ${r.entity.bank}` : r.entity.phase !== undefined ? ` phase ${r.entity.phase}` : '';
  return `${r.event} trap (${r.name})${what ? ` for${what}` : ''}`;
}

/** "3 traps (outlet-off for outlets 1-3)" or the one trap described. */
function summarize(records: TrapRecord[]): string {
  if (records.length === 1) return describe(records[0]!);
  const byEvent = new Map<string, number[]>();
  for (const r of records) {
    let outlets = byEvent.get(r.event);
    if (!outlets) byEvent.set(r.event, (outlets = []));
    if (r.entity.outlet !== undefined) outlets.push(r.entity.outlet);
  }
  const parts = [...byEvent].map(([event, outlets]) => (outlets.length ? `${event} for outlets ${numberRanges(outlets)}` : event));
  return `${records.length} traps (${parts.join('; ')})`;
}
