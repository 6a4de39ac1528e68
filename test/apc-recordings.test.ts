// Real APC PDUs, recorded: served by snmpsim, read by the same profile the simulator is read with.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apcRpdu2 } from '../src/profiles/apc-rpdu2.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('APC rack PDU recordings through the apc-rpdu2 profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('AP7900B (rPDU + sPDU objects): 8 outlets, one phase; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'apc_ap7900b', { profile: 'apc-rpdu2', phases: 1, outlets: 8, minCovered: 13 });
    assert.equal(reading.identity.model, 'AP7900B');
    assert.equal(reading.phases[0]!.current.value, 2.8);
    assert.equal(reading.phases[0]!.voltage.value, 120);
    assert.equal(reading.power.value, 312);
    assert.equal(coverage.matched, coverage.covered);
  });

  it('APDU9959EU3 (rPDU2 device and phase tables): 24 outlets, one phase', async () => {
    const { reading } = await checkRecording(sim, 'apc_apdu9959eu3', { profile: 'apc-rpdu2', phases: 1, outlets: 24, minCovered: 29 });
    assert.equal(reading.power.value, 1170);
    assert.equal(reading.energy.value, 70.6);
    assert.ok(reading.outlets.every((o) => o.state === 'on'));
  });

  it('reads "no sensor" (-1) as unknown, never as zero', async () => {
    const result = await readDevice(sim.client('apc_ap7900b'), apcRpdu2);
    assert.ok(result.ok);
    // rPDU2PhaseStatusPower is -1 on this card: power of phase 1 must be unknown.
    assert.equal(result.value.phases[0]!.power.quality, 'unknown');
    assert.equal(result.value.phases[0]!.power.value, null);
    assert.equal(result.value.badValues, 0);
  });
});
