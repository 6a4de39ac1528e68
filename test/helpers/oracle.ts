// Compares a traced reading with what a mature NMS discovered from the same recording.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceReading, TraceEntry } from '../../src/model.js';
import { recordingsDir } from './snmpsim.js';

export interface OracleSensor {
  sensor_class: string;
  sensor_oid: string;
  sensor_index: string;
  sensor_descr: string;
  sensor_current: number | null;
}

export function loadOracle(recording: string): OracleSensor[] {
  const json = JSON.parse(readFileSync(join(recordingsDir(), 'expected', `${recording}.json`), 'utf8')) as { sensors?: { discovery?: { sensors?: OracleSensor[] } } };
  return json.sensors?.discovery?.sensors ?? [];
}

export interface Coverage {
  total: number;
  /** Oracle sensors whose OID is the source of one of our values. */
  covered: number;
  /** Covered, and our value equals the oracle's (states: the same raw value). */
  matched: number;
  /** Covered, but we judged the value unknown or implausible (e.g. a negative power). */
  distrusted: string[];
  mismatches: string[];
  uncovered: string[];
}

/**
 * Oracle units that differ from ours: runtime in minutes (ours: seconds); a power factor above 1
 * is in percent (the oracle ignores Raritan's decimal digits there; ours: 0..1).
 */
const oracleFromOurs: Record<string, (v: number, oracle: number) => number> = {
  runtime: (v) => v / 60,
  power_factor: (v, oracle) => (Math.abs(oracle) > 1 ? v * 100 : v),
};

export function compareWithOracle(reading: DeviceReading, sensors: OracleSensor[]): Coverage {
  const bySource = new Map<string, TraceEntry>();
  for (const t of reading.trace ?? []) if (t.oid) bySource.set(t.oid, t);
  const out: Coverage = { total: sensors.length, covered: 0, matched: 0, distrusted: [], mismatches: [], uncovered: [] };
  for (const s of sensors) {
    const oid = s.sensor_oid.replace(/^\./, '');
    const label = `${s.sensor_class} "${s.sensor_descr}" ${oid} = ${s.sensor_current}`;
    const ours = bySource.get(oid);
    if (!ours) {
      out.uncovered.push(label);
      continue;
    }
    out.covered++;
    if (s.sensor_class === 'state') {
      if (Number(ours.raw) === s.sensor_current) out.matched++;
      else out.mismatches.push(`${label}: ours raw ${ours.raw} (${ours.path})`);
      continue;
    }
    if (ours.quality !== 'ok' || typeof ours.value !== 'number') {
      out.distrusted.push(`${label}: ours ${ours.quality} (${ours.path})`);
      continue;
    }
    const value = (oracleFromOurs[s.sensor_class] ?? ((v: number) => v))(ours.value, s.sensor_current ?? 0);
    if (s.sensor_current !== null && Math.abs(value - s.sensor_current) <= 1e-6 * Math.max(1, Math.abs(s.sensor_current))) out.matched++;
    else out.mismatches.push(`${label}: ours ${value} (${ours.path})`);
  }
  return out;
}
