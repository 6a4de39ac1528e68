// Real APC PDUs, recorded: served by snmpsim, read by the same profile the simulator is read with.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectProfile } from '../src/poller/poller.js';
import { apcRpdu2 } from '../src/profiles/apc-rpdu2.js';
import { readPdu } from '../src/profiles/read-pdu.js';
import type { PduReading } from '../src/model.js';
import { recordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

interface OracleSensor { sensor_class: string; sensor_oid: string; sensor_index: string; sensor_descr: string; sensor_current: number }
const oracle = (name: string): OracleSensor[] =>
  (JSON.parse(readFileSync(join(recordingsDir(), 'expected', `${name}.json`), 'utf8')) as { sensors: { discovery: { sensors: OracleSensor[] } } }).sensors.discovery.sensors;

// Where each oracle sensor lives in our model, by the object it reads.
function ourValue(reading: PduReading, s: OracleSensor): number | string | null | undefined {
  const oid = s.sensor_oid.replace(/^\./, '');
  const index = Number(oid.slice(oid.lastIndexOf('.') + 1));
  const phase1 = reading.phases.find((p) => p.index === 1);
  if (oid.startsWith('1.3.6.1.4.1.318.1.1.4.4.2.1.3.')) { // sPDUOutletCtl: 1 on, 2 off
    const state = reading.outlets.find((o) => o.index === index)?.state;
    return state === 'on' ? 1 : state === 'off' ? 2 : null;
  }
  if (oid.startsWith('1.3.6.1.4.1.318.1.1.12.2.3.1.1.2.')) return phase1?.current.value; // rPDULoadStatusLoad (phase row)
  if (oid === '1.3.6.1.4.1.318.1.1.26.6.3.1.6.1' || oid === '1.3.6.1.4.1.318.1.1.12.1.15.0') return phase1?.voltage.value; // input voltage
  if (oid === '1.3.6.1.4.1.318.1.1.26.4.3.1.5.1' || oid === '1.3.6.1.4.1.318.1.1.12.1.16.0') return reading.power.value; // device power
  if (oid === '1.3.6.1.4.1.318.1.1.26.4.3.1.9.1') return reading.energy.value; // device energy, kWh
  return undefined; // not in our model (load-state enums, supply alarms)
}

describe('APC recordings read through the apc-rpdu2 profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(21610); });
  after(async () => { await sim?.stop(); });

  for (const name of ['apc_ap7900b', 'apc_apdu9959eu3']) {
    it(`${name}: detected as APC, and outlet, phase and device values equal the oracle's`, async () => {
      const client = sim.client(name);
      const detected = await detectProfile(client, 'auto');
      assert.ok(detected.ok && detected.value.name === 'apc-rpdu2', 'detected apc-rpdu2');
      const result = await readPdu(client, apcRpdu2);
      assert.ok(result.ok, result.ok ? '' : result.error);
      const reading = result.value;

      const sensors = oracle(name);
      const outletSensors = sensors.filter((s) => s.sensor_oid.includes('.318.1.1.4.4.2.1.3.'));
      assert.equal(reading.outlets.length, outletSensors.length, 'one outlet per oracle outlet sensor');
      let compared = 0;
      for (const s of sensors) {
        const ours = ourValue(reading, s);
        if (ours === undefined) continue;
        compared++;
        assert.equal(ours, s.sensor_current, `${s.sensor_class} ${s.sensor_descr} (${s.sensor_oid})`);
      }
      assert.ok(compared >= outletSensors.length + 2, `compared ${compared} sensors`);
      assert.equal(reading.phases.length, 1);
      assert.ok(reading.identity.model && reading.identity.serial, 'model and serial read');
      assert.equal(reading.badValues, 0);
    });
  }

  it('reads "no sensor" (-1) as unknown, never as zero', async () => {
    const result = await readPdu(sim.client('apc_ap7900b'), apcRpdu2);
    assert.ok(result.ok);
    // rPDU2PhaseStatusPower is -1 on this card: power of phase 1 must be unknown.
    assert.equal(result.value.phases[0]!.power.quality, 'unknown');
    assert.equal(result.value.phases[0]!.power.value, null);
  });
});
