import type { Topology } from '../health/topology.js';
import type { StateStore } from '../state/state-store.js';
import type { EventLog } from './event-log.js';

/** Turns changes in facts into events a person wants in the feed: a PDU going silent, a breaker tripping, a reboot. */
export function watchFacts(store: StateStore, topology: () => Topology, events: EventLog): () => void {
  const pduReachable = new Map<string, boolean>();
  const breakers = new Map<string, string>();
  const reboots = new Map<string, number | null>();
  return store.onChange(({ kind, name }) => {
    if (kind === 'node') {
      const facts = store.node(name);
      const before = reboots.get(name);
      reboots.set(name, facts?.lastRebootAt ?? null);
      if (before !== undefined && facts?.lastRebootAt && facts.lastRebootAt !== before) {
        events.add({ type: 'node-rebooted', severity: 'info', subject: name, message: `${name} rebooted (sysUpTime restarted)` });
      }
      return;
    }
    const facts = store.pdu(name);
    if (!facts || facts.reachable === null) return;
    const was = pduReachable.get(name);
    pduReachable.set(name, facts.reachable);
    if (was !== undefined && was !== facts.reachable) {
      if (facts.reachable) events.add({ type: 'pdu-reachable', severity: 'info', subject: name, message: `${name} answers again` });
      else {
        const dependants = topology().nodesFedBy(name).length;
        events.add({ type: 'pdu-unreachable', severity: 'warning', subject: name, message: `${name} stopped answering (${facts.error ?? 'no answer'}); it feeds ${dependants} nodes` });
      }
    }
    if (!facts.reachable || !facts.reading) return;
    for (const bank of facts.reading.banks) {
      const key = `${name}#${bank.index}`;
      const prev = breakers.get(key);
      breakers.set(key, bank.breaker);
      if (prev === undefined || prev === bank.breaker) continue;
      if (bank.breaker === 'tripped') {
        const outlets = facts.reading.outlets.filter((o) => o.bank === bank.index).map((o) => o.index);
        events.add({ type: 'breaker-tripped', severity: 'critical', subject: name, message: `bank ${bank.index} breaker tripped on ${name}${bank.breakerInferred ? ' (every outlet off, 0 A)' : ''}: outlets ${outlets.length ? `${Math.min(...outlets)}-${Math.max(...outlets)}` : 'none'} without power` });
      } else if (prev === 'tripped' && bank.breaker === 'ok') {
        events.add({ type: 'breaker-reset', severity: 'info', subject: name, message: `bank ${bank.index} breaker on ${name} closed again` });
      }
    }
  });
}
