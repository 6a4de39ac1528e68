// The one schema of power history, as data: InfluxDB's measurements, the embedded store's series,
// the continuous queries, /api/history's metric names and the README's table are all read from here.

export interface FieldSpec {
  name: string;
  /** Unit as written in the README; 'bool' fields are 1 or 0, 'text' fields are strings. */
  unit: string;
  about: string;
}

export interface MeasurementSpec {
  name: string;
  about: string;
  /** Tags beyond a device's place (site, row, rack, pdu), in order. */
  tags: readonly string[];
  fields: readonly FieldSpec[];
  /** Kept hourly for months by the embedded store (the rest: 1-minute resolution only). */
  longTerm: boolean;
}

/** A device's place: every device measurement carries these tags. */
export const PLACE_TAGS = ['site', 'row', 'rack'] as const;

const f = (name: string, unit: string, about: string): FieldSpec => ({ name, unit, about });

export const MEASUREMENTS: readonly MeasurementSpec[] = [
  {
    name: 'pdu', about: 'a power device as a whole (PDU, UPS or ATS, all configured under `pdus:`), each poll', tags: ['pdu', 'kind'], longTerm: true,
    fields: [f('power_w', 'W', 'active power'), f('energy_kwh', 'kWh', 'energy meter'), f('reachable', 'bool', 'the poll was answered'), f('bad_values', 'count', 'values that arrived but could not be trusted')],
  },
  {
    name: 'inlet', about: 'a cord or input feed', tags: ['pdu', 'inlet'], longTerm: true,
    fields: [
      f('current_a', 'A', 'current'), f('voltage_v', 'V', 'voltage'), f('power_w', 'W', 'active power'), f('apparent_power_va', 'VA', 'apparent power'),
      f('power_factor', 'ratio', 'power factor, 0–1'), f('energy_kwh', 'kWh', 'energy meter'), f('frequency_hz', 'Hz', 'frequency'),
    ],
  },
  {
    name: 'phase', about: 'an input phase', tags: ['pdu', 'phase'], longTerm: true,
    fields: [f('current_a', 'A', 'current'), f('voltage_v', 'V', 'voltage'), f('power_w', 'W', 'active power')],
  },
  {
    name: 'bypass', about: "a UPS's bypass input, one line each", tags: ['pdu', 'bypass'], longTerm: true,
    fields: [f('current_a', 'A', 'current'), f('voltage_v', 'V', 'voltage'), f('power_w', 'W', 'active power'), f('frequency_hz', 'Hz', 'frequency')],
  },
  {
    name: 'bank', about: 'a branch circuit behind its breaker', tags: ['pdu', 'bank'], longTerm: true,
    fields: [f('current_a', 'A', 'current'), f('rating_a', 'A', "the breaker's rating"), f('load_pct', '%', 'current against the rating'), f('tripped', 'bool', 'the breaker is open')],
  },
  {
    name: 'headroom', about: "N-1 headroom of a PDU's bank, phase or inlet (`part`): the load it would carry if its partner feed were lost, at each poll of its PDU; nothing while unknown", tags: ['pdu', 'part', 'index'], longTerm: true,
    fields: [
      f('current_a', 'A', 'current now'), f('moved_a', 'A', 'load that would move onto it'), f('load_a', 'A', 'current + moved'), f('limit_a', 'A', 'its rating × settings.capacity.derating'),
      f('headroom_a', 'A', 'limit − load (negative: over the limit)'), f('headroom_pct', '%', 'headroom against the limit'), f('load_pct', '%', 'load against the rating'),
    ],
  },
  {
    name: 'outlet', about: 'an outlet; `node` is the server it feeds, where one is cabled', tags: ['pdu', 'outlet', 'node'], longTerm: false,
    fields: [f('on', 'bool', 'switched on'), f('current_a', 'A', 'current'), f('power_w', 'W', 'active power'), f('energy_kwh', 'kWh', 'energy meter')],
  },
  {
    name: 'sensor', about: 'an environment probe; `kind` is temperature or humidity', tags: ['pdu', 'sensor', 'kind'], longTerm: true,
    fields: [f('temperature_c', '°C', 'temperature'), f('humidity_pct', '%RH', 'relative humidity')],
  },
  {
    name: 'ups', about: "a UPS's power block", tags: ['pdu'], longTerm: true,
    fields: [
      f('on_battery', 'bool', 'running from its battery'), f('source', 'text', 'mains, battery, bypass, off, other or unknown'),
      f('charge_pct', '%', 'battery charge'), f('runtime_s', 's', 'runtime left'), f('time_on_battery_s', 's', 'time on battery'), f('load_pct', '%', 'load against capacity'),
      f('input_voltage_v', 'V', 'input voltage'), f('input_frequency_hz', 'Hz', 'input frequency'), f('output_voltage_v', 'V', 'output voltage'),
      f('output_current_a', 'A', 'output current'), f('output_power_w', 'W', 'output power'), f('output_frequency_hz', 'Hz', 'output frequency'),
      f('battery_voltage_v', 'V', 'battery voltage'), f('temperature_c', '°C', 'battery or cabinet temperature'), f('alarms', 'count', 'active alarms'),
    ],
  },
  {
    name: 'ats', about: "an automatic transfer switch's sources", tags: ['pdu'], longTerm: true,
    fields: [
      f('redundant', 'bool', 'both sources good'), f('active_source', 'text', 'A, B or unknown'),
      f('source_a_voltage_v', 'V', 'source A voltage'), f('source_b_voltage_v', 'V', 'source B voltage'), f('output_voltage_v', 'V', 'output voltage'),
      f('source_a_current_a', 'A', 'source A current'), f('source_b_current_a', 'A', 'source B current'), f('output_current_a', 'A', 'output current'),
    ],
  },
  {
    name: 'node', about: 'a server: its power health as Breakerbox judges it, and its own answer', tags: ['node'], longTerm: false,
    fields: [
      f('power', 'text', 'normal, degraded, lost or unknown'), f('power_ok', 'bool', 'power normal'), f('feeds_up', 'count', 'power supplies with a live feed'),
      f('reachable', 'bool', 'answered its last poll'), f('load1', 'load', '1-minute load average'), f('cpu_pct', '%', 'processor load'),
    ],
  },
  {
    name: 'pool', about: 'a load-balancer pool, at each change and every poll interval', tags: ['pool'], longTerm: true,
    fields: [f('members', 'count', 'members configured'), f('active', 'count', 'members in service'), f('drained', 'count', 'members Breakerbox took out'), f('held', 'count', "members an operator holds out"), f('active_pct', '%', 'members in service against members')],
  },
  {
    name: 'drain', about: 'a drain decision or operator action on a pool (drain, would-drain, drain-blocked, readmit, hold, release); for annotations', tags: ['pool', 'type'], longTerm: true,
    fields: [f('message', 'text', 'what was done and why'), f('count', 'count', 'always 1: one decision')],
  },
  {
    name: 'event', about: 'every event of the journal', tags: ['type', 'severity'], longTerm: true,
    fields: [f('message', 'text', 'the event'), f('subject', 'text', 'pool, node or device'), f('id', 'count', "the event's id")],
  },
];

export const MEASUREMENT = new Map(MEASUREMENTS.map((m) => [m.name, m]));

/** Fields that downsample (everything but text). */
export function numericFields(m: MeasurementSpec): FieldSpec[] {
  return m.fields.filter((x) => x.unit !== 'text');
}

/** Measurements tagged with a device's place (the rest are pools and the journal). */
export function isDeviceMeasurement(m: MeasurementSpec): boolean {
  return m.tags.includes('pdu') || m.tags.includes('node');
}

export function tagsOf(m: MeasurementSpec): string[] {
  return isDeviceMeasurement(m) ? [...PLACE_TAGS, ...m.tags] : [...m.tags];
}
