import type { Profile, TrapDefinition, TrapEvent } from './profile.js';
import { databusProfile } from './schleifenbauer.js';

// Conteg PDUs (CONTEG-DATABUS-MIB, CONTEG-SMI). The MIB is Schleifenbauer's databus MIB object for object (the same
// sdb… names, tables and units; its sdbDevIdDeviceType names Schleifenbauer's hPDU and DPM) under Conteg's enterprise:
// contegProducts (conteg 11) for sysObjectIDs, contegMgmt.1 (conteg 12 1) for the objects. It is read the same way.
const CONTEG = '1.3.6.1.4.1.28402';
const databusMIB = `${CONTEG}.12.1`; // contegDatabusMIB
const notifications = `${databusMIB}.0`; // sdbMIBNotifications
const ssEntry = `${databusMIB}.1.2.3.1.1`; // sdbDevSsEntry, INDEX sdbDevIdIndex
const ringState = `${databusMIB}.1.1.1.5`; // sdbMgmtStsRingState open(0) closed(1)

// Each …AlertDetected notification carries its sdbDevSs…Alert object, whose value names the outlet or branch (the
// unit's own numbers, as the profile reads them) and is 0 for "no alert". Input phases are numbered in row order
// across a databus, which a notification cannot say: no phase is read from them.
function alert(n: number, name: string, column: number, event: TrapEvent, cleared: TrapEvent, entity?: 'outlet' | 'bank'): TrapDefinition {
  const object = `${ssEntry}.${column}`;
  return { oid: `${notifications}.${n}`, name, event, eventFrom: { oid: object, map: { 0: cleared } }, ...(entity ? { [entity]: { oid: object } } : {}) };
}

export const contegPdu: Profile = {
  ...databusProfile(CONTEG, { name: 'conteg-pdu', vendor: 'Conteg', mibs: ['CONTEG-DATABUS-MIB', 'CONTEG-SMI'] }),
  traps: [
    alert(3, 'sdbDevSsInputCurrentAlertDetected', 3, 'overload', 'overload-cleared'), // current above sdbDevInMaxAmps
    alert(4, 'sdbDevSsOutletCurrentAlertDetected', 4, 'overload', 'overload-cleared', 'outlet'),
    alert(11, 'sdbDevSsBranchCurrentAlertDetected', 10, 'overload', 'overload-cleared', 'bank'),
    alert(5, 'sdbDevSsInputVoltageAlertDetected', 5, 'alarm', 'alarm-cleared'), // a voltage dip, not a loss
    // a metered current "suddenly dropping to near zero, possibly indicating a blown fuse": a suspicion, so an alarm
    alert(6, 'sdbDevSsOutletCurrentDropAlertDetected', 6, 'alarm', 'alarm-cleared', 'outlet'),
    alert(7, 'sdbDevSsInputCurrentDropAlertDetected', 7, 'alarm', 'alarm-cleared'),
    alert(10, 'sdbDevSsOutletVoltageDropAlertDetected', 9, 'alarm', 'alarm-cleared', 'outlet'),
    alert(12, 'sdbDevSsBranchVoltageAlertDetected', 11, 'alarm', 'alarm-cleared', 'bank'),
    alert(2, 'sdbDevSsTemperatureAlertDetected', 2, 'alarm', 'alarm-cleared'),
    alert(13, 'sdbDevSsNeutralCurrentAlertDetected', 12, 'alarm', 'alarm-cleared'), // the neutral conductor: no entity of the model
    alert(14, 'sdbDevSsResidualCurrentAlertDetected', 13, 'alarm', 'alarm-cleared'),
    alert(15, 'sdbDevSsHardwareAlertDetected', 14, 'alarm', 'alarm-cleared'),
    { oid: `${notifications}.1`, name: 'sdbDevSsDeviceStatusCodeChanged', event: 'alarm', eventFrom: { oid: `${ssEntry}.1`, map: { 0: 'alarm-cleared' } } }, // 0 means OK
    { oid: `${notifications}.8`, name: 'sdbDevSsSensorChangeAlertDetected', event: 'alarm' }, // its value is the previous sensor count
    { // the databus ring (a gateway in bridge-like mode) opened at a breach, or closed again
      oid: `${notifications}.9`, name: 'sdbMgmtStsRingStateChanged', event: 'alarm',
      eventFrom: { oid: ringState, map: { 0: 'communication-lost', 1: 'communication-restored' } },
    },
  ],
};
