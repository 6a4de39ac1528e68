// One recording, end to end: snmpsim serves it, the poller's detection picks a profile, the reader reads it.
import assert from 'node:assert/strict';
import type { DeviceReading } from '../../src/model.js';
import { detect, detectProfile } from '../../src/profiles/detect.js';
import { readDevice } from '../../src/profiles/read-device.js';
import { compareWithOracle, loadOracle, type Coverage } from './oracle.js';
import type { Snmpsim } from './snmpsim.js';

export interface RecordingExpectations {
  profile: string;
  inlets?: number;
  phases?: number;
  banks?: number;
  outlets?: number;
  sensors?: number;
  ups?: boolean;
  ats?: boolean;
  /** At least this many oracle sensors must be covered (read from the oracle's own OID). */
  minCovered: number;
}

/** Detects a recording's family (asserting which profile, and how it was found) and reads it once. */
export async function detectAndRead(sim: Snmpsim, recording: string, profile: string, how: 'sysObjectID' | 'probe' = 'sysObjectID'): Promise<DeviceReading> {
  const client = sim.client(recording);
  const detected = await detect(client);
  assert.ok(detected.ok, detected.ok ? '' : detected.error);
  assert.deepEqual([detected.value.profile.name, detected.value.how], [profile, how]);
  const result = await readDevice(client, detected.value.profile);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.value;
}

/** Detects and reads a recording; asserts profile, counts, and that every covered oracle sensor matches. */
export async function checkRecording(sim: Snmpsim, recording: string, expect: RecordingExpectations): Promise<{ reading: DeviceReading; coverage: Coverage }> {
  const client = sim.client(recording);
  const detected = await detectProfile(client, 'auto');
  assert.ok(detected.ok, `detection failed: ${detected.ok ? '' : detected.error}`);
  assert.equal(detected.value.name, expect.profile, 'detected profile');
  const result = await readDevice(client, detected.value, { trace: true });
  assert.ok(result.ok, result.ok ? '' : result.error);
  const reading = result.value;
  for (const key of ['inlets', 'phases', 'banks', 'outlets', 'sensors'] as const) {
    if (expect[key] !== undefined) assert.equal(reading[key].length, expect[key], `${key} count`);
  }
  if (expect.ups !== undefined) assert.equal(reading.ups !== null, expect.ups, 'has a UPS section');
  if (expect.ats !== undefined) assert.equal(reading.ats !== null, expect.ats, 'has an ATS section');
  const coverage = compareWithOracle(reading, loadOracle(recording));
  assert.deepEqual(coverage.mismatches, [], 'covered oracle sensors that differ from ours');
  assert.ok(coverage.covered >= expect.minCovered, `covered ${coverage.covered} of ${coverage.total} oracle sensors, expected at least ${expect.minCovered}; not covered:\n${coverage.uncovered.join('\n')}`);
  return { reading, coverage };
}
