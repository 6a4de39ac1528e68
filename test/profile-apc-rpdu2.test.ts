// An older APC rack PDU card that serves only rPDUOutletStatusTable for its outlets, as PowerNet-MIB describes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apcRpdu2 } from '../src/profiles/apc-rpdu2.js';
import { readDevice } from '../src/profiles/read-device.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';

describe('apc-rpdu2 on an older rPDU card', () => {
  const T = '1.3.6.1.4.1.318.1.1.12.3.5.1.1'; // rPDUOutletStatusEntry
  const rows: Record<string, unknown> = {
    [`${T}.2.1`]: Buffer.from('web-01 PSU1'), [`${T}.4.1`]: 1, [`${T}.6.1`]: 1, // …OutletName, …OutletState on, …OutletBank
    [`${T}.2.2`]: Buffer.from('web-02 PSU1'), [`${T}.4.2`]: 2, [`${T}.6.2`]: 2, // off, bank 2
    [`${T}.2.3`]: Buffer.from('spare'), [`${T}.4.3`]: 7, [`${T}.6.3`]: -1, // a state the MIB does not define, no bank
  };
  const client = new FakeSnmpClient(rows, { verbatim: true });

  it('gets outlet names, states and banks from rPDUOutletStatusTable', async () => {
    const result = await readDevice(client, apcRpdu2);
    assert.ok(result.ok);
    assert.deepEqual(result.value.outlets.map((o) => [o.index, o.name, o.state, o.bank]), [
      [1, 'web-01 PSU1', 'on', 1],
      [2, 'web-02 PSU1', 'off', 2],
      [3, 'spare', 'unknown', null],
    ]);
  });
});
