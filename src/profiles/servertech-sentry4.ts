import type { Profile, RowCondition, TableSource, ValueSpec } from './profile.js';

// ServerTech Sentry PRO1/PRO2 PDUs (Sentry4-MIB, firmware 8.x): up to six linked units (A..F), each with
// input cords (index unit.cord) and below every cord its lines, phases, over-current protectors,
// branches and outlets (unit.cord.n). Each object has a config table (…2.1: IDs, labels) and a monitor
// table (…3.1: values, statuses) with the same index. Units per the MIB's DESCRIPTIONs.
const ST4 = '1.3.6.1.4.1.1718.4.1';
const system = `${ST4}.1.1`; // st4SystemConfig
const unit = `${ST4}.2.2.1`; // st4UnitConfigEntry
const config = (object: number) => `${ST4}.${object}.2.1`;
const monitor = (object: number) => `${ST4}.${object}.3.1`;
const CORD = 3, LINE = 4, PHASE = 5, OCP = 6, BRANCH = 7, OUTLET = 8, TEMP = 9, HUMID = 10;

const INVALID = [-1];
const hundredthsOfAmps = (max: number): ValueSpec => ({ type: 'number', scale: 0.01, sentinels: INVALID, min: 0, max });
const watts = (max: number): ValueSpec => ({ type: 'number', sentinels: INVALID, min: 0, max });
const text: ValueSpec = { type: 'string' };
const amps: ValueSpec = { type: 'number', sentinels: [0], min: 1, max: 125 }; // a rating, A; 0: none configured

// DeviceStatus, the verdict every monitored object and measurement carries: normal(0), lowAlarm(14),
// lowWarning(15), highWarning(16), highAlarm(17) judge the value against its thresholds; the rest
// (notFound, lost, noComm, breakerTripped, …) say nothing of the load.
const loadStatus: ValueSpec = { type: 'enum', map: { 0: 'normal', 14: 'low', 15: 'low', 16: 'near-overload', 17: 'overload' } };
// DeviceStatus of an over-current protector: breakerTripped(12), fuseBlown(13).
const protectorStatus: ValueSpec = { type: 'enum', map: { 0: 'ok', 12: 'tripped', 13: 'tripped' } };
// A branch's own DeviceStatus may say the same where no protector reports.
const branchTripped: ValueSpec = { type: 'enum', map: { 12: 'tripped', 13: 'tripped' } };
// DeviceState: unknown(0) on(1) off(2).
const deviceState: ValueSpec = { type: 'enum', map: { 1: 'on', 2: 'off' } };
// A probe port is a sensor unless its status (st4TempSensorStatus, st4HumidSensorStatus) says disabled(1),
// purged(2) or notFound(7), "never connected"; a lost or unreadable probe stays, its value unknown.
const fitted = (object: number): RowCondition => ({ entry: monitor(object), column: 2, notIn: [1, 2, 7] });

// Entities are numbered in the device's order across units and cords. Config and monitor tables
// list the same rows (and are filtered alike), so their n-th rows are the same object.
const SEQ = 'sequence' as const;
/** Names: the system label (or the user's name), else the internal ID ("AA1"). */
const names = (object: number, nameColumn: number, more: Pick<TableSource, 'entityOffset' | 'where'> = {}): TableSource<'name'>[] => [
  { entry: config(object), entity: SEQ, ...more, fields: { name: { column: nameColumn, ...text } } },
  { entry: config(object), entity: SEQ, ...more, fields: { name: { column: 2, ...text } } },
];

export const servertechSentry4: Profile = {
  name: 'servertech-sentry4',
  vendor: 'ServerTech',
  kind: 'pdu',
  mibs: ['Sentry4-MIB'],
  detect: {
    sysObjectId: ['1.3.6.1.4.1.1718.4'],
    probe: [`${system}.3`, `${ST4}.${CORD}.3`], // st4SystemFirmwareVersion, st4InputCordMonitorTable
  },
  identity: {
    model: [{ oid: `${unit}.5.1`, ...text }], // st4UnitModel of unit A
    serial: [{ oid: `${unit}.4.1`, ...text }], // st4UnitProductSN
    firmware: [{ oid: `${system}.3.0`, ...text }], // st4SystemFirmwareVersion
    name: [{ oid: `${unit}.3.1`, ...text }], // st4UnitName
  },
  inlets: [
    ...names(CORD, 3), // st4InputCordName, st4InputCordID
    {
      entry: monitor(CORD), entity: SEQ,
      fields: {
        // Cord capacity is in VA (st4InputCordPowerCapacity): the apparent power verdict first.
        loadState: { column: 6, ...loadStatus }, // st4InputCordApparentPowerStatus
        power: { column: 3, ...watts(50_000) }, // st4InputCordActivePower, W
        apparentPower: { column: 5, ...watts(50_000) }, // st4InputCordApparentPower, VA
        powerFactor: { column: 8, type: 'number', scale: 0.01, sentinels: INVALID, min: 0, max: 1 }, // st4InputCordPowerFactor, hundredths
        energy: { column: 10, type: 'number', scale: 0.1, sentinels: INVALID, min: 0 }, // st4InputCordEnergy, tenths of kWh
        frequency: { column: 11, type: 'number', scale: 0.1, sentinels: INVALID, min: 0, max: 100 }, // st4InputCordFrequency, tenths of Hz
      },
    },
    { entry: monitor(CORD), entity: SEQ, fields: { loadState: { column: 4, ...loadStatus } } }, // st4InputCordActivePowerStatus
  ],
  // Lines (the cord's conductors L1, L2, L3, N: current against the cord's rating) and phases (the
  // circuits between them, L1-L2 or L1-N: voltage, current, power) are distinct objects: lines are
  // phases 1.., the phase circuits 101..
  phases: [
    ...names(LINE, 4), // st4LineLabel, st4LineID
    {
      entry: monitor(LINE), entity: SEQ,
      fields: { current: { column: 3, ...hundredthsOfAmps(600) }, loadState: { column: 4, ...loadStatus } }, // st4LineCurrent, st4LineCurrentStatus
    },
    { entry: monitor(LINE), entity: SEQ, fields: { loadState: { column: 2, ...loadStatus } } }, // st4LineStatus
    ...names(PHASE, 4, { entityOffset: 100 }), // st4PhaseLabel, st4PhaseID
    {
      entry: monitor(PHASE), entity: SEQ, entityOffset: 100,
      fields: {
        loadState: { column: 2, ...loadStatus }, // st4PhaseStatus
        voltage: { column: 3, type: 'number', scale: 0.1, sentinels: INVALID, min: 0, max: 600 }, // st4PhaseVoltage, tenths of V
        current: { column: 6, ...hundredthsOfAmps(300) }, // st4PhaseCurrent
        power: { column: 8, ...watts(25_000) }, // st4PhaseActivePower, W
      },
    },
  ],
  // A bank is a branch behind its over-current protector (breaker or fuse): ServerTech numbers them
  // alike (BR1 behind OCP 1), so the n-th protector and the n-th branch are one bank.
  banks: [
    ...names(OCP, 4), // st4OcpLabel, st4OcpID
    { entry: monitor(OCP), entity: SEQ, fields: { breaker: { column: 1, ...protectorStatus } } }, // st4OcpStatus
    { entry: config(OCP), entity: SEQ, fields: { rating: { column: 7, ...amps } } }, // st4OcpCurrentCapacity, A
    ...names(BRANCH, 4), // st4BranchLabel, st4BranchID
    { entry: config(BRANCH), entity: SEQ, fields: { rating: { column: 6, ...amps } } }, // st4BranchCurrentCapacity, A
    {
      entry: monitor(BRANCH), entity: SEQ,
      fields: {
        current: { column: 3, ...hundredthsOfAmps(125) }, // st4BranchCurrent
        loadState: { column: 4, ...loadStatus }, // st4BranchCurrentStatus
        breaker: { column: 2, ...branchTripped }, // st4BranchStatus
      },
    },
    { entry: monitor(BRANCH), entity: SEQ, fields: { loadState: { column: 2, ...loadStatus } } }, // st4BranchStatus
  ],
  outlets: [
    ...names(OUTLET, 3), // st4OutletName, st4OutletID
    {
      entry: monitor(OUTLET), entity: SEQ,
      fields: {
        state: { column: 1, ...deviceState }, // st4OutletState
        current: { column: 3, ...hundredthsOfAmps(125) }, // st4OutletCurrent
        loadState: { column: 4, ...loadStatus }, // st4OutletCurrentStatus
        power: { column: 7, ...watts(10_000) }, // st4OutletActivePower, W
        energy: { column: 14, type: 'number', scale: 0.001, sentinels: INVALID, min: 0 }, // st4OutletEnergy, Wh
      },
    },
  ],
  sensors: [
    ...names(TEMP, 3, { where: fitted(TEMP) }), // st4TempSensorName, st4TempSensorID
    { // only while st4TempSensorScale is celsius(0): Fahrenheit readings are left out, never misread
      entry: monitor(TEMP), entity: SEQ, where: [fitted(TEMP), { oid: `${ST4}.${TEMP}.1.10.0`, in: [0] }],
      fields: { value: { column: 1, type: 'number', scale: 0.1, sentinels: [-410], min: -40, max: 125 } }, // st4TempSensorValue, tenths; -410 invalid
      constants: { kind: 'temperature' },
    },
    ...names(HUMID, 3, { entityOffset: 100, where: fitted(HUMID) }), // st4HumidSensorName, st4HumidSensorID: humidity probes are sensors 101..
    {
      entry: monitor(HUMID), entity: SEQ, entityOffset: 100, where: fitted(HUMID),
      fields: { value: { column: 1, type: 'number', sentinels: INVALID, min: 0, max: 100 } }, // st4HumidSensorValue, %RH
      constants: { kind: 'humidity' },
    },
  ],
  // Sentry4-MIB notifications (sentry4.100.0.N = 1.3.6.1.4.1.1718.4.100.0.N); the event is read from the DeviceState /
  // DeviceStatus they carry. They name the object by its unit.cord.n index, while entities here are numbered in the
  // device's order across units and cords: no entity is given (the confirming poll finds it).
  // DeviceStatus: normal(0), breakerTripped(12), fuseBlown(13), lowAlarm(14), lowWarning(15), highWarning(16), highAlarm(17).
  traps: [
    { oid: '1.3.6.1.4.1.1718.4.100.0.1', name: 'st4UnitStatusEvent', event: 'alarm', eventFrom: { oid: `${monitor(2)}.1`, map: { 0: 'alarm-cleared' } } },
    { // st4InputCordState off(2): the cord has no power; back on(1) with a normal status: restored
      oid: '1.3.6.1.4.1.1718.4.100.0.2', name: 'st4InputCordStatusEvent', event: 'alarm',
      eventFrom: [
        { oid: `${monitor(CORD)}.1`, map: { 2: 'inlet-lost' } },
        { oid: `${monitor(CORD)}.2`, when: { oid: `${monitor(CORD)}.1`, in: [1] }, map: { 0: 'inlet-restored' } },
      ],
    },
    { oid: '1.3.6.1.4.1.1718.4.100.0.3', name: 'st4InputCordActivePowerEvent', event: 'alarm', eventFrom: { oid: `${monitor(CORD)}.4`, map: { 0: 'alarm-cleared', 14: 'low-load', 15: 'low-load', 16: 'near-overload', 17: 'overload' } } },
    { oid: '1.3.6.1.4.1.1718.4.100.0.4', name: 'st4InputCordApparentPowerEvent', event: 'alarm', eventFrom: { oid: `${monitor(CORD)}.6`, map: { 0: 'alarm-cleared', 14: 'low-load', 15: 'low-load', 16: 'near-overload', 17: 'overload' } } },
    { oid: '1.3.6.1.4.1.1718.4.100.0.7', name: 'st4LineStatusEvent', event: 'alarm', eventFrom: { oid: `${monitor(LINE)}.2`, map: { 0: 'alarm-cleared' } } },
    { oid: '1.3.6.1.4.1.1718.4.100.0.8', name: 'st4LineCurrentEvent', event: 'alarm', eventFrom: { oid: `${monitor(LINE)}.4`, map: { 0: 'alarm-cleared', 14: 'low-load', 15: 'low-load', 16: 'near-overload', 17: 'overload' } } },
    { oid: '1.3.6.1.4.1.1718.4.100.0.9', name: 'st4PhaseStatusEvent', event: 'alarm', eventFrom: { oid: `${monitor(PHASE)}.2`, map: { 0: 'alarm-cleared' } } },
    { oid: '1.3.6.1.4.1.1718.4.100.0.10', name: 'st4PhaseVoltageEvent', event: 'alarm', eventFrom: { oid: `${monitor(PHASE)}.4`, map: { 0: 'alarm-cleared' } } },
    { oid: '1.3.6.1.4.1.1718.4.100.0.12', name: 'st4OcpStatusEvent', event: 'alarm', eventFrom: { oid: `${monitor(OCP)}.1`, map: { 0: 'breaker-reset', 12: 'breaker-tripped', 13: 'breaker-tripped' } } },
    { oid: '1.3.6.1.4.1.1718.4.100.0.13', name: 'st4BranchStatusEvent', event: 'alarm', eventFrom: { oid: `${monitor(BRANCH)}.2`, map: { 0: 'alarm-cleared', 12: 'breaker-tripped', 13: 'breaker-tripped' } } },
    { oid: '1.3.6.1.4.1.1718.4.100.0.14', name: 'st4BranchCurrentEvent', event: 'alarm', eventFrom: { oid: `${monitor(BRANCH)}.4`, map: { 0: 'alarm-cleared', 14: 'low-load', 15: 'low-load', 16: 'near-overload', 17: 'overload' } } },
    { oid: '1.3.6.1.4.1.1718.4.100.0.15', name: 'st4OutletStatusEvent', event: 'alarm', eventFrom: { oid: `${monitor(OUTLET)}.2`, map: { 0: 'alarm-cleared', 12: 'breaker-tripped', 13: 'breaker-tripped' } } },
    { oid: '1.3.6.1.4.1.1718.4.100.0.16', name: 'st4OutletStateChangeEvent', event: 'alarm', eventFrom: { oid: `${monitor(OUTLET)}.1`, map: { 1: 'outlet-on', 2: 'outlet-off' } } }, // st4OutletState
    { oid: '1.3.6.1.4.1.1718.4.100.0.17', name: 'st4OutletCurrentEvent', event: 'alarm', eventFrom: { oid: `${monitor(OUTLET)}.4`, map: { 0: 'alarm-cleared', 14: 'low-load', 15: 'low-load', 16: 'near-overload', 17: 'overload' } } },
  ],
};
