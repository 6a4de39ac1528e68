// ENTITY-SENSOR-MIB (RFC 3433) as the RFC describes it: no recording serves it, so an in-memory agent does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detect } from '../src/profiles/detect.js';
import { entitySensor } from '../src/profiles/entity-sensor.js';
import { readDevice } from '../src/profiles/read-device.js';
import { FakeSnmpClient, oidValue, type FakeMib } from './helpers/fake-snmp.js';

const S = '1.3.6.1.2.1.99.1.1.1'; // entPhySensorEntry
const P = '1.3.6.1.2.1.47.1.1.1.1'; // entPhysicalEntry

/** One entPhySensorTable row: type, scale, precision, value, operStatus. */
function sensor(index: number, type: number, scale: number, precision: number, value: number, status = 1): FakeMib {
  return { [`${S}.1.${index}`]: type, [`${S}.2.${index}`]: scale, [`${S}.3.${index}`]: precision, [`${S}.4.${index}`]: value, [`${S}.5.${index}`]: status };
}

const agent: FakeMib = {
  '1.3.6.1.2.1.1.2.0': oidValue('1.3.6.1.4.1.99999.1.2'), // a product no profile knows
  [`${P}.2.1`]: 'Switch chassis', [`${P}.7.1`]: 'Chassis', [`${P}.10.1`]: '4.2.1', [`${P}.11.1`]: 'SN0042', [`${P}.12.1`]: 'Acme', [`${P}.13.1`]: 'AX-48',
  [`${P}.2.10`]: 'Inlet air temperature', [`${P}.7.10`]: 'Inlet',
  [`${P}.2.11`]: 'ASIC temperature', [`${P}.7.11`]: '',
  [`${P}.7.12`]: 'Exhaust', [`${P}.7.13`]: 'Humidity', [`${P}.7.14`]: 'PSU 1 voltage', [`${P}.7.15`]: 'Broken probe', [`${P}.7.16`]: 'Odd probe',
  [`${P}.7.17`]: 'Tiny probe',
  ...sensor(10, 8, 9, 1, 235), // celsius, units, 1 decimal place: 23.5 °C
  ...sensor(11, 8, 8, 0, 61_000), // celsius, milli: 61 °C
  ...sensor(12, 8, 9, 0, 0, 2), // unavailable(2): its 0 is no reading
  ...sensor(13, 9, 9, 0, 45), // percentRH: 45 %
  ...sensor(14, 3, 9, 0, 230), // voltsAC: our model has no place for it
  ...sensor(15, 8, 9, 0, 1_000_000_000), // overflow error
  ...sensor(16, 8, 42, 0, 20), // a scale the MIB does not define: cannot be read
  ...sensor(17, 8, 9, -2, 31), // precision -2 (accurate digits, not decimal places): 31 °C
};

describe('entity-sensor: ENTITY-SENSOR-MIB temperature and humidity sensors', () => {
  it('is found by probing entPhySensorType when no profile claims the sysObjectID', async () => {
    const detected = await detect(new FakeSnmpClient(agent));
    assert.ok(detected.ok);
    assert.deepEqual([detected.value.profile.name, detected.value.how], ['entity-sensor', 'probe']);
  });

  it('scales values by entPhySensorScale and entPhySensorPrecision; errors and unreadable sensors are unknown', async () => {
    const result = await readDevice(new FakeSnmpClient(agent), entitySensor);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual(r.identity, { vendor: 'Acme', model: 'AX-48', serial: 'SN0042', firmware: '4.2.1', name: null });
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value, s.value.quality]), [
      [10, 'temperature', 'Inlet', 23.5, 'ok'],
      [11, 'temperature', 'ASIC temperature', 61, 'ok'], // entPhysicalName empty: entPhysicalDescr
      [12, 'temperature', 'Exhaust', null, 'unknown'],
      [13, 'humidity', 'Humidity', 45, 'ok'],
      [15, 'temperature', 'Broken probe', null, 'unknown'],
      [16, 'temperature', 'Odd probe', null, 'unknown'],
      [17, 'temperature', 'Tiny probe', 31, 'ok'],
    ]);
    assert.deepEqual([r.inlets, r.phases, r.banks, r.outlets, r.ups], [[], [], [], [], null]);
    assert.equal(r.badValues, 0);
  });

  it('reads a value outside any plausible temperature as implausible', async () => {
    const result = await readDevice(new FakeSnmpClient({ ...sensor(20, 8, 9, 0, -300) }), entitySensor);
    assert.ok(result.ok);
    assert.deepEqual(result.value.sensors.map((s) => s.value), [{ value: null, quality: 'implausible' }]);
    assert.equal(result.value.badValues, 1);
  });
});
