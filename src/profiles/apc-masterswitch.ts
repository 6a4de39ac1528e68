import type { Profile, ScalarSpec, ValueSpec } from './profile.js';

// APC MasterSwitch power switches (PowerNet-MIB): the MasterSwitch (V1, V2) on the sPDU objects (hardware 4), the
// MasterSwitch VM (hardware 5) and the MasterSwitch plus (hardware 6) on their own tables. apc-rpdu2 claims the whole
// masterSwitch product node (318.1.3.4) but reads only the sPDU model, serial and outlet control table of these (no
// firmware, PDU name, VM or MSP table): this profile's longer prefixes take the four MasterSwitch products themselves.
// Found by probe only on the VM and MSP tables: the sPDU objects are served by rack PDU cards too (apc-rpdu2's probe).
//
// The VM and MSP tables are indexed by the unit (a VM or MSP controlled through this address), then the outlet:
// only unit 1 is read. They are numbered by their last sub-identifier, given as a position: outlet states of these
// tables cannot be fetched by outlet number alone.
const APC = '1.3.6.1.4.1.318';
const sPDU = `${APC}.1.1.4`; // masterswitch
const VM = `${APC}.1.1.5`; // masterswitchVM
const MSP = `${APC}.1.1.6`; // masterswitchMSP

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const unit1 = { column: 1, in: [1] }; // …VMIndex / …MSPIndex: the first unit
const lastSubId = { position: -1 } as const;
// sPDUOutletCtl outletOn(1), outletOff(2); outletUnknown(4) and the write-only commands are no state.
const onOff: ValueSpec = { type: 'enum', map: { 1: 'on', 2: 'off' } };

export const apcMasterswitch: Profile = {
  name: 'apc-masterswitch',
  vendor: 'APC',
  kind: 'pdu',
  mibs: ['PowerNet-MIB'],
  detect: {
    sysObjectId: [
      `${APC}.1.3.4.1`, // masterSwitchV1
      `${APC}.1.3.4.2`, // masterSwitchV2
      `${APC}.1.3.4.3`, // masterSwitchVM
      `${APC}.1.3.4.4`, // masterSwitchMSP
    ],
    probe: [`${VM}.7.1.1.5`, `${MSP}.7.1.1.5`], // sPDUOutletStatusVMOutletState, sPDUOutletStatusMSPOutletState
  },
  identity: {
    // sPDUIdentModelNumber, then the first unit's row of sPDUIdentVMTable / sPDUIdentMSPTable (same columns)
    model: [at(`${sPDU}.1.4.0`, text), at(`${VM}.1.2.1.6.1`, text), at(`${MSP}.1.2.1.6.1`, text)],
    serial: [at(`${sPDU}.1.5.0`, text), at(`${VM}.1.2.1.7.1`, text), at(`${MSP}.1.2.1.7.1`, text)],
    firmware: [at(`${sPDU}.1.2.0`, text), at(`${VM}.1.2.1.4.1`, text), at(`${MSP}.1.2.1.4.1`, text)],
    name: [at(`${sPDU}.3.3.0`, text), at(`${VM}.1.2.1.2.1`, text), at(`${MSP}.1.2.1.2.1`, text)], // sPDUMasterConfigPDUName, sPDUIdentNameVM, sPDUIdentNameMSP
  },
  device: {
    // sPDUMasterStatusVMOverloadCondition is true when sPDUMasterConfigVMHighLoadWarningThreshold ("nearing an overload
    // condition") is violated: near-overload; else …LowLoadCondition true is low, false normal. The load itself is a
    // percentage of full load (sPDUMasterStatusVMCurrentLoad), which the model has no place for; the MasterSwitch and
    // the MSP report no load.
    loadState: [
      at(`${VM}.4.2.1.4.1`, { type: 'enum', map: { 1: 'near-overload' } }),
      at(`${VM}.4.2.1.5.1`, { type: 'enum', map: { 1: 'low', 2: 'normal' } }),
    ],
  },
  outlets: [
    { // sPDUOutletControlTable: sPDUOutletCtl, sPDUOutletCtlName (a copy of sPDUOutletName)
      entry: `${sPDU}.4.2.1`,
      fields: { state: { column: 3, ...onOff }, name: { column: 4, ...text } },
    },
    { entry: `${sPDU}.5.2.1`, fields: { name: { column: 3, ...text } } }, // sPDUOutletConfigTable: sPDUOutletName
    { // sPDUOutletStatusVMTable: …OutletName, …OutletState outletStatusVMOn(1), outletStatusVMOff(2)
      entry: `${VM}.7.1.1`, entity: lastSubId, where: unit1,
      fields: { name: { column: 4, ...text }, state: { column: 5, ...onOff } },
    },
    { // sPDUOutletStatusMSPTable: …OutletName, …OutletState outletStatusMSPOn(1), outletStatusMSPOff(2)
      entry: `${MSP}.7.1.1`, entity: lastSubId, where: unit1,
      fields: { name: { column: 4, ...text }, state: { column: 5, ...onOff } },
    },
  ],
  // PowerNet-MIB TRAP-TYPEs (enterprise apc, specific N → apc.0.N). Outlet 0 of outletOn/Off/Reboot means "all outlets".
  traps: [
    { oid: `${APC}.0.41`, name: 'outletOn', event: 'outlet-on', outlet: { oid: `${sPDU}.4.2.1.1` } }, // sPDUOutletControlIndex
    { oid: `${APC}.0.42`, name: 'outletOff', event: 'outlet-off', outlet: { oid: `${sPDU}.4.2.1.1` } },
    { oid: `${APC}.0.43`, name: 'outletReboot', event: 'outlet-reboot', outlet: { oid: `${sPDU}.4.2.1.1` } },
    { oid: `${APC}.0.85`, name: 'msvmCommunicationEstablished', event: 'communication-restored' },
    { oid: `${APC}.0.86`, name: 'msvmCommunicationLost', event: 'communication-lost' },
    { oid: `${APC}.0.87`, name: 'msvmOverload', event: 'overload' },
    { oid: `${APC}.0.88`, name: 'msvmOverloadCleared', event: 'overload-cleared' },
    { oid: `${APC}.0.89`, name: 'msvmOutletOn', event: 'outlet-on', outlet: { oid: `${VM}.5.1.1.3` } }, // sPDUOutletControlVMOutletIndex
    { oid: `${APC}.0.90`, name: 'msvmOutletOff', event: 'outlet-off', outlet: { oid: `${VM}.5.1.1.3` } },
    { oid: `${APC}.0.93`, name: 'msvmLowLoad', event: 'low-load' },
    { oid: `${APC}.0.94`, name: 'msvmLowLoadCleared', event: 'low-load-cleared' },
    { oid: `${APC}.0.95`, name: 'msvmNearOverload', event: 'near-overload' },
    { oid: `${APC}.0.96`, name: 'msvmNearOverloadCleared', event: 'near-overload-cleared' },
    { oid: `${APC}.0.98`, name: 'mspCommunicationEstablished', event: 'communication-restored' },
    { oid: `${APC}.0.99`, name: 'mspCommunicationLost', event: 'communication-lost' },
    { oid: `${APC}.0.100`, name: 'mspOutletOn', event: 'outlet-on', outlet: { oid: `${MSP}.5.1.1.3` } }, // sPDUOutletControlMSPOutletIndex
    { oid: `${APC}.0.101`, name: 'mspOutletOff', event: 'outlet-off', outlet: { oid: `${MSP}.5.1.1.3` } },
    { oid: `${APC}.0.636`, name: 'apcTestTrap', event: 'test' },
  ],
};
