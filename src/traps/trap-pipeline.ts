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
  /** The address the trap is attributed to: the sender's, or the device a configured relay forwarded it for. */
  source: string;
  /** Who really sent it (UDP source, address:port), whatever the trap says. */
  sender: string;
  /** An address the trap named for itself (v1 agent-addr, snmpTrapAddress.0) that was not believed, the sender not being a configured relay. */
  claimed: string | null;
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

/** Per PDU: at most one confirming read in flight, and the traps that arrived since it began. */
interface Confirming {
  running: boolean;
  next: Batch | null;
}

/** As journaled: the classification's name, or null until someone reads it and MIBs name it; the sender as it came (no string built per trap). */
type StoredTrap = Omit<TrapRecord, 'name' | 'varbinds' | 'sender'> & {
  name: string | null; varbinds: IncomingTrap['varbinds']; senderAddress: string; senderPort: number;
};

/**
 * What happens to an accepted trap: attributed to a device by address, classified by the
 * profiles, journaled; a trap about a PDU triggers an immediate poll of it, and the poll's facts
 * — never the trap alone — are what power health and the drain controller see.
 */
export class TrapPipeline {
  private readonly journal: StoredTrap[] = [];
  private readonly quiet = new Map<string, number>();
  private readonly confirming = new Map<string, Confirming>();
  private hosts: { topology: Topology | null; byHost: Map<string, { kind: 'pdu' | 'node'; name: string }[]> } = { topology: null, byHost: new Map() };

  constructor(private readonly deps: TrapPipelineDeps) {}

  /** The latest traps, named from the MIBs as they are read (naming is left out of the hot path). */
  recent(limit = 200): TrapRecord[] {
    return this.journal.slice(-limit).map((r) => this.named(r));
  }

  handle(trap: IncomingTrap): void {
    // The trap's own word for where it comes from counts only from a configured relay.
    const source = trap.relayed && trap.agentAddress !== null ? trap.agentAddress : trap.source;
    const claimed = !trap.relayed && trap.agentAddress !== null && trap.agentAddress !== trap.source ? trap.agentAddress : null;
    const device = this.attribute(source);
    const profile = device?.kind === 'pdu' ? this.deps.store.pdu(device.name)?.reading?.profile ?? null : null;
    const c = this.deps.classifier.classify(trap, profile);
    const record: StoredTrap = {
      time: this.deps.clock.now(), source, senderAddress: trap.source, senderPort: trap.sourcePort, claimed,
      device: device?.name ?? null, version: trap.version, trapOid: trap.trapOid,
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
      message: `${describe(record, this.trapName(record))} from ${device?.name ?? record.source}${origin([record])}, which Breakerbox does not poll: a hint only, nothing is drained on it`,
    }));
  }

  private named(r: StoredTrap): TrapRecord {
    const names = this.deps.names();
    const { senderAddress: _address, senderPort: _port, ...rest } = r;
    return { ...rest, sender: sender(r), name: this.trapName(r), varbinds: r.varbinds.map((vb) => ({ oid: vb.oid, name: names.name(vb.oid), value: vb.value })) };
  }

  private trapName(r: StoredTrap): string {
    return r.name ?? this.deps.names().name(r.trapOid);
  }

  /**
   * Traps arriving together about one device share one confirming read and one event. While a read
   * is in flight, further traps wait for the next one, which begins after they arrived: a chatty or
   * flapping PDU costs at most one read at a time, never a queue of them.
   */
  private corroborate(device: string, record: StoredTrap, fault: boolean): void {
    let c = this.confirming.get(device);
    if (!c) this.confirming.set(device, (c = { running: false, next: null }));
    if (!c.next) {
      c.next = { device, since: record.time, traps: [] };
      if (!c.running) setImmediate(() => void this.confirmNext(device));
    }
    c.next.traps.push({ record, fault });
  }

  private async confirmNext(device: string): Promise<void> {
    const c = this.confirming.get(device);
    if (!c || c.running || !c.next) return;
    const batch = c.next;
    c.next = null;
    c.running = true;
    try {
      await this.confirm(batch);
    } finally {
      c.running = false;
      if (c.next) void this.confirmNext(device);
      else this.confirming.delete(device);
    }
  }

  private async confirm(batch: Batch): Promise<void> {
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
    const records = batch.traps.map((t) => t.record);
    const summary = summarize(records, (r) => this.trapName(r));
    const from = origin(records);
    if (answered) {
      this.deps.events.add({
        type: 'trap', severity: faults.length ? 'warning' : 'info', subject: batch.device,
        message: `${summary} from ${batch.device}${from}: confirmed by an immediate poll${faults.length ? '; power health follows what the poll read' : ''}`,
      });
    } else if (faults.length) {
      this.deps.events.add({
        type: 'trap-unconfirmed', severity: 'critical', subject: batch.device,
        message: `${summary} from ${batch.device}${from}, but ${batch.device} does not answer a poll: an unconfirmed hint, nothing is drained on it alone`,
      });
    }
  }

  private noteUnclassified(record: StoredTrap): void {
    this.say(`${record.source} ${record.trapOid}`, () => {
      const r = this.named(record);
      const shown = r.varbinds.slice(0, 6).map((vb) => `${vb.name} = ${String(vb.value)}`).join(', ');
      return {
        type: 'trap-unclassified', severity: 'info', subject: r.device ?? r.source,
        message: `unclassified trap ${r.name} from ${r.device ?? r.source}${origin([record])}${shown ? `: ${shown}` : ''}`,
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

function sender(r: StoredTrap): string {
  return `${r.senderAddress}:${r.senderPort}`;
}

/** " (sent by 10.1.2.3:50123)", the relay or the claim said too: who really sent what an event is about. */
function origin(records: StoredTrap[]): string {
  const senders = [...new Set(records.map(sender))];
  const claims = [...new Set(records.flatMap((r) => (r.claimed === null ? [] : [r.claimed])))];
  const relayed = records.some((r) => r.source !== r.senderAddress);
  const shown = senders.length > 3 ? `${senders.slice(0, 3).join(', ')} and ${senders.length - 3} more` : senders.join(', ');
  const claim = claims.length ? `; it names ${claims.slice(0, 3).join(', ')}, not believed from a sender that is not a configured relay` : '';
  return ` (sent by ${relayed ? 'relay ' : ''}${shown}${claim})`;
}

function describe(r: StoredTrap, name: string): string {
  const what = r.entity.outlet !== undefined ? ` outlet ${r.entity.outlet}` : r.entity.bank !== undefined ? ` bank ${r.entity.bank}` : r.entity.phase !== undefined ? ` phase ${r.entity.phase}` : '';
  return `${r.event} trap (${name})${what ? ` for${what}` : ''}`;
}

/** "3 traps (outlet-off for outlets 1-3)" or the one trap described. */
function summarize(records: StoredTrap[], name: (r: StoredTrap) => string): string {
  if (records.length === 1) return describe(records[0]!, name(records[0]!));
  const byEvent = new Map<string, number[]>();
  for (const r of records) {
    let outlets = byEvent.get(r.event);
    if (!outlets) byEvent.set(r.event, (outlets = []));
    if (r.entity.outlet !== undefined) outlets.push(r.entity.outlet);
  }
  const parts = [...byEvent].map(([event, outlets]) => (outlets.length ? `${event} for outlets ${numberRanges(outlets)}` : event));
  return `${records.length} traps (${parts.join('; ')})`;
}
