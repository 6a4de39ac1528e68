// A Generex CS141 card on a three-phase Multimatic UPS, recorded: it speaks only the standard UPS-MIB and gives
// the UPS-MIB root as its sysObjectID. Served by snmpsim, detected and read through the ups-mib fallback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfigText } from '../src/config/load-config.js';
import { Topology } from '../src/health/topology.js';
import { devicePoints } from '../src/history/points.js';
import { formatReading } from '../src/probe/format-reading.js';
import { detectProfile } from '../src/profiles/detect.js';
import { checkRecording } from './helpers/check-recording.js';
import { withSysObjectId } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('UPS-MIB recording through the ups-mib profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('Generex CS141: 3 input lines as inlets, 3 output lines as phases; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'generex-ups_cs141', {
      profile: 'ups-mib', ups: true, ats: false, inlets: 3, phases: 3, banks: 0, outlets: 0, sensors: 0, minCovered: 28,
    });
    assert.equal(coverage.matched + coverage.distrusted.length, coverage.covered);
    assert.deepEqual(
      { vendor: reading.identity.vendor, model: reading.identity.model, firmware: reading.identity.firmware },
      { vendor: 'Multimatic', model: 'Upscale', firmware: 'CS141-SNMP V1.80.17 190618' },
    );
    const ups = reading.ups!;
    assert.equal(ups.source, 'bypass'); // upsOutputSource bypass(4)
    assert.equal(ups.batteryStatus, 'normal'); // upsBatteryStatus batteryNormal(2)
    assert.equal(ups.runtime.value, 544 * 60); // upsEstimatedMinutesRemaining is minutes
    assert.equal(ups.timeOnBattery.value, 0);
    assert.equal(ups.charge.value, 100);
    assert.equal(ups.batteryVoltage.value, 271.6);
    assert.equal(ups.inputFrequency.value, 50);
    assert.equal(ups.outputVoltage.value, 233);
    assert.equal(ups.outputCurrent.value, 0.3);
    assert.equal(ups.load.value, 2);
    assert.deepEqual(reading.phases.map((p) => [p.index, p.voltage.value, p.current.value]), [[1, 233, 0.3], [2, 233, 2.1], [3, 235, 0.2]]);
    assert.deepEqual(reading.inlets.map((i) => [i.index, i.voltage.value, i.frequency.value]), [[1, 233, 50], [2, 233, 50], [3, 235, 50]]);
    // upsBypassTable (voltages only on this card) with upsBypassFrequency, every line's
    assert.deepEqual(reading.bypass.map((b) => [b.index, b.voltage.value, b.current.quality, b.frequency.value]), [[1, 233, 'unknown', 50], [2, 233, 'unknown', 50], [3, 235, 'unknown', 50]]);
  });

  it('reads a negative output power (a NonNegativeInteger) as implausible, never as a number', async () => {
    const { reading, coverage } = await checkRecording(sim, 'generex-ups_cs141', { profile: 'ups-mib', minCovered: 24 });
    assert.deepEqual(reading.ups!.outputPower, { value: null, quality: 'implausible' }); // line 1: -4 W
    assert.deepEqual(reading.phases.map((p) => p.power), [
      { value: null, quality: 'implausible' }, // -4 W
      { value: 469, quality: 'ok' },
      { value: null, quality: 'implausible' }, // -26 W
    ]);
    assert.equal(coverage.distrusted.length, 2);
    assert.ok(reading.badValues >= 2);
  });

  it('its bypass lines reach history and probe', async () => {
    const { reading } = await checkRecording(sim, 'generex-ups_cs141', { profile: 'ups-mib', minCovered: 24 });
    const config = parseConfigText(`
sites: [{ name: dal, rows: [{ name: row-1, racks: [r1] }] }]
pdus: [{ name: ups-1, rack: r1, address: 127.0.0.1, outlets: 1, banks: 1, snmp: { version: '2c', community: public } }]
`, 'lab.yaml');
    const bypass = devicePoints(new Topology(config), 'ups-1', 0, reading, true, 'ups').filter((p) => p.measurement === 'bypass');
    assert.deepEqual(bypass.map((p) => [p.tags.bypass, p.fields]), [['1', { voltage_v: 233, frequency_hz: 50 }], ['2', { voltage_v: 233, frequency_hz: 50 }], ['3', { voltage_v: 235, frequency_hz: 50 }]]);
    assert.match(formatReading('ups-1', reading, 'probe'), /\nBypass\n +# +name +V +A +W +Hz\n +1 +233 +- +- +50\n/);
  });

  it('finds the UPS by its objects when the sysObjectID is missing', async () => {
    const real = sim.client('generex-ups_cs141');
    const blank = withSysObjectId(real, undefined);
    const detected = await detectProfile(blank, 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'ups-mib');
  });
});
