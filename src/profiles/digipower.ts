import type { Profile, ValueSpec } from './profile.js';

// DigiPower switched PDUs (and the units sold under other names with its agent): DigiPower-PDU-MIB, an SNMPv1 tree
// of scalars (instance .0) under DigiPower's enterprise. Not PLANET's DIGIPDU-MIB (planet.ts) despite the name: the
// two share no object and no layout, so nothing is built in common.
// devTable holds the unit; pduTable.NN (pdu01Entry … pdu16Entry) the PDUs of a daisy chain, object by object.
// Outlets: the first PDU's outlet states, packed into one text ("1,1,0,-1,…": pdu01OutletStatus 1 on, 0 off,
// -1 not available (no such outlet), -2 power lost or breaker triggered: no power, so off).
// Left out, and why:
// - outlet currents (pduNNSubValues, "the outlet values (currents)") and pduNNValue ("the current of PDU-NN"), its
//   thresholds and pduNNVoltage: the MIB gives them no unit or scale; pduNNOutletKConfig's layout is unstated.
// - the other PDUs of a daisy chain (pdu02…pdu16): the model reads one PDU per address.
const DIGIPOWER = '1.3.6.1.4.1.17420';
const dev = `${DIGIPOWER}.1.2`; // products.devTable
const pdu01 = `${dev}.9.1`; // pduTable.pdu01Entry

const text: ValueSpec = { type: 'string' };

export const digipowerPdu: Profile = {
  name: 'digipower-pdu',
  vendor: 'DigiPower',
  kind: 'pdu',
  mibs: ['DigiPower-PDU-MIB'],
  detect: {
    sysObjectId: [DIGIPOWER], // the MIB names no product OIDs: the enterprise itself
    probe: [`${pdu01}.13`, `${pdu01}.11`], // pdu01OutletStatus, pdu01Value
  },
  identity: {
    model: [{ oid: `${pdu01}.18.0`, ...text }, { oid: `${pdu01}.19.0`, ...text }], // pdu01ModelName, pdu01ModelNo
    firmware: [{ oid: `${dev}.4.0`, ...text }], // devVersion
    name: [{ oid: `${pdu01}.20.0`, ...text }], // pdu01Identify
  },
  outlets: [{ packed: `${pdu01}.13.0`, field: 'state', spec: { type: 'enum', map: { 1: 'on', 0: 'off', [-2]: 'off' } }, absent: [-1] }],
  sensors: [
    // devTemperature INTEGER (-50..100) "in Celsius degree"; devHumidity INTEGER (0..100) "in percentage (%)"
    { entity: 1, scalars: { value: { oid: `${dev}.7.0`, type: 'number', min: -50, max: 100 } }, constants: { kind: 'temperature' } },
    { entity: 2, scalars: { value: { oid: `${dev}.8.0`, type: 'number', min: 0, max: 100 } }, constants: { kind: 'humidity' } },
  ],
  // TRAP-TYPEs with ENTERPRISE digipower (enterprise.0.specific) and no variables: which PDU is not said.
  // devBackToNormal ends either threshold's alarm; read as the end of the overload.
  traps: [
    { oid: `${DIGIPOWER}.0.105`, name: 'devOutOfThreshold1', event: 'near-overload' }, // "WARNING: … out of threshold 1"
    { oid: `${DIGIPOWER}.0.106`, name: 'devOutOfThreshold2', event: 'overload' }, // "CRITICAL: … out of threshold 2"
    { oid: `${DIGIPOWER}.0.108`, name: 'devBackToNormal', event: 'overload-cleared' },
  ],
};
