// Readings as gauges, labelled with where each device stands, for shops that use Prometheus instead of
// InfluxDB. Only values of quality "ok" from fresh facts are exported: an unknown, implausible or stale
// value is left out, never shown as a number. Secrets (SNMP credentials) are never read here.
//
// Series per power device, bounded by its size: 2 (reachable, total power) + 3 per inlet + 2 per
// phase + 3 per bank + 1 per sensor, + 4 for a UPS, + 1 for an ATS; a 48-outlet, 2-bank, 1-phase PDU
// has 13. Outlets (3 series each: 144 on a 48-outlet PDU) are exported only when asked for.
import type { Registry } from 'prom-client';
import type { PowerView } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import type { DeviceReading, Measure } from '../model.js';
import type { PduFacts } from '../state/state-store.js';
import { gauge, placeOf, type Labels } from './family.js';

export interface ReadingSources {
  topology(): Topology;
  view(): PowerView;
  facts: { pdu(name: string): PduFacts | undefined };
}

type Value = number | null;
/** The samples of one family from one device's reading: [labels beyond the device's own, value]. */
type Values = (r: DeviceReading, pdu: string, topology: Topology) => Iterable<[Labels, Value]>;

const ok = (m: Measure): Value => (m.quality === 'ok' ? m.value : null);
const percentToRatio = (m: Measure): Value => { const v = ok(m); return v === null ? null : v / 100; };
const one = (value: Value): [Labels, Value][] => [[{}, value]];
const each = <T extends { index: number }>(label: string, rows: readonly T[], value: (row: T) => Value): [Labels, Value][] =>
  rows.map((row) => [{ [label]: String(row.index) }, value(row)]);

const DEVICE = ['site', 'row', 'rack', 'pdu'];

/** Always exported (the bound above). */
const FAMILIES: [name: string, help: string, labels: string[], values: Values][] = [
  ['breakerbox_pdu_power_watts', 'Active power of the whole device, W.', [], (r) => one(ok(r.power))],
  ['breakerbox_inlet_current_amperes', 'Current per inlet (cord), A.', ['inlet'], (r) => each('inlet', r.inlets, (i) => ok(i.current))],
  ['breakerbox_inlet_voltage_volts', 'Voltage per inlet, V.', ['inlet'], (r) => each('inlet', r.inlets, (i) => ok(i.voltage))],
  ['breakerbox_inlet_power_watts', 'Active power per inlet, W.', ['inlet'], (r) => each('inlet', r.inlets, (i) => ok(i.power))],
  ['breakerbox_phase_current_amperes', 'Current per phase (line), A.', ['phase'], (r) => each('phase', r.phases, (p) => ok(p.current))],
  ['breakerbox_phase_voltage_volts', 'Voltage per phase, V.', ['phase'], (r) => each('phase', r.phases, (p) => ok(p.voltage))],
  ['breakerbox_bank_current_amperes', 'Current per bank (branch circuit), A.', ['bank'], (r) => each('bank', r.banks, (b) => ok(b.current))],
  ['breakerbox_bank_rating_amperes', 'Rating of the bank\'s breaker or fuse, A.', ['bank'], (r) => each('bank', r.banks, (b) => ok(b.rating))],
  ['breakerbox_bank_breaker_tripped', '1 when the bank\'s breaker has tripped, 0 when it is closed.', ['bank'],
    (r) => each('bank', r.banks, (b) => (b.breaker === 'tripped' ? 1 : b.breaker === 'ok' ? 0 : null))],
  ['breakerbox_ups_on_battery', '1 when the UPS runs on battery, 0 when on another source.', [],
    (r) => one(!r.ups || r.ups.source === 'unknown' ? null : r.ups.source === 'battery' ? 1 : 0)],
  ['breakerbox_ups_battery_charge_ratio', 'Battery charge of the UPS, 0..1.', [], (r) => one(r.ups && percentToRatio(r.ups.charge))],
  ['breakerbox_ups_runtime_seconds', 'Runtime left on battery, s.', [], (r) => one(r.ups && ok(r.ups.runtime))],
  ['breakerbox_ups_load_ratio', 'Load of the UPS against its capacity, 0..1.', [], (r) => one(r.ups && percentToRatio(r.ups.load))],
  ['breakerbox_ats_redundant', '1 when the transfer switch has both sources, 0 when it lost redundancy.', [],
    (r) => one(!r.ats || r.ats.redundancy === 'unknown' ? null : r.ats.redundancy === 'redundant' ? 1 : 0)],
  ['breakerbox_sensor_temperature_celsius', 'Temperature per sensor, °C.', ['sensor'],
    (r) => each('sensor', r.sensors.filter((s) => s.kind === 'temperature'), (s) => ok(s.value))],
  ['breakerbox_sensor_humidity_percent', 'Relative humidity per sensor, %.', ['sensor'],
    (r) => each('sensor', r.sensors.filter((s) => s.kind === 'humidity'), (s) => ok(s.value))],
];

/** Per outlet, only when asked for; `node`: what the outlet feeds, as cabled (empty: nothing). */
const OUTLETS: [name: string, help: string, labels: string[], values: Values][] = [
  ['breakerbox_outlet_on', '1 when the outlet is switched on, 0 when off.', ['outlet', 'node'],
    (r, pdu, t) => r.outlets.map((o) => [outletLabels(t, pdu, o.index), o.state === 'on' ? 1 : o.state === 'off' ? 0 : null])],
  ['breakerbox_outlet_current_amperes', 'Current per outlet, A.', ['outlet', 'node'], (r, pdu, t) => r.outlets.map((o) => [outletLabels(t, pdu, o.index), ok(o.current)])],
  ['breakerbox_outlet_power_watts', 'Active power per outlet, W.', ['outlet', 'node'], (r, pdu, t) => r.outlets.map((o) => [outletLabels(t, pdu, o.index), ok(o.power)])],
];

function outletLabels(topology: Topology, pdu: string, outlet: number): Labels {
  return { outlet: String(outlet), node: topology.outletFeeds(pdu, outlet)?.node ?? '' };
}

const NODE_POWER: Record<string, number> = { lost: 0, degraded: 1, normal: 2 };

export function registerReadings(registry: Registry, s: ReadingSources, outlets: () => boolean): void {
  /** Each configured power device with a fresh reading, and its labels. */
  function* fresh(): Generator<[Labels, DeviceReading, string, Topology]> {
    const topology = s.topology();
    const view = s.view();
    for (const pdu of topology.pdus.values()) {
      // A device that does not answer keeps its last reading in the store: that is not now, so it is left out.
      const reading = view.pdus.get(pdu.name)?.reachable === true ? s.facts.pdu(pdu.name)?.reading : null;
      if (reading) yield [{ ...placeOf(topology, pdu.rack), pdu: pdu.name }, reading, pdu.name, topology];
    }
  }
  const register = ([name, help, labels, values]: (typeof FAMILIES)[number], enabled: () => boolean) => gauge(registry, name, help, [...DEVICE, ...labels], (emit) => {
    if (!enabled()) return;
    for (const [device, reading, pdu, topology] of fresh()) {
      for (const [extra, value] of values(reading, pdu, topology)) emit({ ...device, ...extra }, value);
    }
  });
  for (const family of FAMILIES) register(family, () => true);
  for (const family of OUTLETS) register(family, outlets);

  gauge(registry, 'breakerbox_pdu_reachable', 'Power device answers its polls (1) or not (0); absent when never polled or stale.', DEVICE, (emit) => {
    const topology = s.topology();
    for (const [name, health] of s.view().pdus) {
      const pdu = topology.pdus.get(name);
      if (pdu && health.reachable !== null) emit({ ...placeOf(topology, pdu.rack), pdu: name }, health.reachable ? 1 : 0);
    }
  });
  gauge(registry, 'breakerbox_node_reachable', 'Node answers its polls (1) or not (0); absent when never polled or stale.', ['site', 'row', 'rack', 'node'], (emit) => {
    const topology = s.topology();
    for (const [name, health] of s.view().nodes) {
      const node = topology.nodes.get(name);
      if (node && health.reachable !== null) emit({ ...placeOf(topology, node.rack), node: name }, health.reachable ? 1 : 0);
    }
  });
  gauge(registry, 'breakerbox_node_power_state', 'Node power from its feeds: 2 normal, 1 degraded (redundancy lost), 0 lost; absent when unknown.', ['site', 'row', 'rack', 'node'], (emit) => {
    const topology = s.topology();
    for (const [name, health] of s.view().nodes) {
      const node = topology.nodes.get(name);
      if (node) emit({ ...placeOf(topology, node.rack), node: name }, NODE_POWER[health.power] ?? null);
    }
  });
}
