import type { Profile, TableSource, ValueSpec } from './profile.js';

// ServerTech Sentry CDUs with the Sentry3-MIB (Switched/Smart CDU, firmware up to 7.x): up to four
// towers (A..D, linked), each with input feeds (index tower.infeed) and their outlets
// (tower.infeed.outlet). Units per the MIB's DESCRIPTIONs; a negative value means "not available".
const ST3 = '1.3.6.1.4.1.1718.3';
const system = `${ST3}.1`;
const tower = `${ST3}.2.1.1`; // towerEntry
const infeed = `${ST3}.2.2.1`; // infeedEntry
const outlet = `${ST3}.2.3.1`; // outletEntry
const tempHumid = `${ST3}.2.5.1`; // tempHumidSensorEntry
const branch = `${ST3}.2.7.1`; // branchEntry

const NOT_AVAILABLE = [-1];
const hundredthsOfAmps = (max: number): ValueSpec => ({ type: 'number', scale: 0.01, sentinels: NOT_AVAILABLE, min: 0, max });
const tenthsOfVolts: ValueSpec = { type: 'number', scale: 0.1, sentinels: NOT_AVAILABLE, min: 0, max: 480 };
const watts = (max: number): ValueSpec => ({ type: 'number', sentinels: NOT_AVAILABLE, min: 0, max });
const text: ValueSpec = { type: 'string' };
// infeedLoadStatus / outletLoadStatus / branchLoadStatus: normal(0) notOn(1) reading(2) loadLow(3) loadHigh(4) overLoad(5) readError(6) noComm(7)
const loadStatus: ValueSpec = { type: 'enum', map: { 0: 'normal', 3: 'low', 4: 'near-overload', 5: 'overload' } };

// Every outlet, infeed and branch is numbered in the device's own order across towers (AA1, AA2, …, AB1, …, BA1, …).
const SEQ = 'sequence' as const;

// An infeed is a feed line: a cord of a single-phase tower, a line of a three-phase one. It is read as an
// inlet (all its meters) and as a phase (what the wall shows per line).
const infeedFields = {
  name: { column: 3, ...text }, // infeedName
  loadState: { column: 6, ...loadStatus }, // infeedLoadStatus
  current: { column: 7, ...hundredthsOfAmps(600) }, // infeedLoadValue, hundredths of A
  voltage: { column: 11, ...tenthsOfVolts }, // infeedVoltage (line to line), tenths of V
  power: { column: 12, ...watts(25_000) }, // infeedPower, W
} as const;
const infeedId: TableSource<'name'> = { entry: infeed, entity: SEQ, fields: { name: { column: 2, ...text } } }; // infeedID ("AA") when unnamed

// tempHumidSensorStatus columns: notFound(1) means no probe in that port.
const NOT_FOUND = [1];

export const servertechSentry3: Profile = {
  name: 'servertech-sentry3',
  vendor: 'ServerTech',
  kind: 'pdu',
  mibs: ['Sentry3-MIB'],
  detect: {
    sysObjectId: [ST3],
    probe: [`${ST3}.2.2`, `${system}.1`], // infeedTable, systemVersion
  },
  // Sentry3 agents return wrong or truncated GETBULK answers above 4 repetitions.
  quirks: { maxRepetitions: 4 },
  identity: {
    model: [{ oid: `${tower}.7.1`, ...text }], // towerModelNumber of tower A
    serial: [{ oid: `${tower}.6.1`, ...text }], // towerProductSN
    firmware: [{ oid: `${system}.1.0`, ...text }], // systemVersion
    name: [{ oid: `${tower}.3.1`, ...text }], // towerName
  },
  device: {
    power: [{ oid: `${system}.6.0`, ...watts(150_000) }], // systemTotalPower, W, all infeeds
  },
  inlets: [
    {
      entry: infeed, entity: SEQ,
      fields: {
        ...infeedFields,
        apparentPower: { column: 13, ...watts(25_000) }, // infeedApparentPower, VA
        powerFactor: { column: 14, type: 'number', scale: 0.01, sentinels: NOT_AVAILABLE, min: 0, max: 1 }, // infeedPowerFactor, hundredths
        energy: { column: 16, type: 'number', scale: 0.1, sentinels: NOT_AVAILABLE, min: 0 }, // infeedEnergy, tenths of kWh
      },
    },
    infeedId,
  ],
  phases: [{ entry: infeed, entity: SEQ, fields: infeedFields }, infeedId],
  banks: [
    {
      entry: branch, entity: SEQ,
      fields: {
        name: { column: 3, ...text }, // branchName
        // branchStatus: on(1); offFuse(8) / onFuse(9) report a blown fuse; the rest say nothing of the fuse.
        breaker: { column: 5, type: 'enum', map: { 1: 'ok', 8: 'tripped', 9: 'tripped' } },
        loadState: { column: 6, ...loadStatus }, // branchLoadStatus
        current: { column: 7, ...hundredthsOfAmps(40) }, // branchLoadValue
        rating: { column: 9, type: 'number', sentinels: NOT_AVAILABLE, min: 1, max: 40 }, // branchCapacity, A
      },
    },
    { entry: branch, entity: SEQ, fields: { name: { column: 2, ...text } } }, // branchID
  ],
  outlets: [
    {
      entry: outlet, entity: SEQ,
      fields: {
        name: { column: 3, ...text }, // outletName
        // outletStatus: off(0) on(1); the wait, error, noComm and fuse states are not a plain on or off.
        state: { column: 5, type: 'enum', map: { 0: 'off', 1: 'on' } },
        loadState: { column: 6, ...loadStatus }, // outletLoadStatus
        current: { column: 7, ...hundredthsOfAmps(255) }, // outletLoadValue
        power: { column: 14, ...watts(10_000) }, // outletPower, W
        energy: { column: 18, type: 'number', scale: 0.001, sentinels: NOT_AVAILABLE, min: 0 }, // outletEnergy, Wh
      },
    },
    { entry: outlet, entity: SEQ, fields: { name: { column: 2, ...text } } }, // outletID ("AA1")
  ],
  sensors: [
    { // temperature of each probe found, in Celsius only: tempHumidSensorTempScale fahrenheit(1) rows are left out, never misread
      entry: tempHumid, entity: SEQ,
      where: [{ column: 5, notIn: NOT_FOUND }, { column: 13, in: [0] }], // tempHumidSensorTempStatus, …TempScale (absent: Celsius)
      fields: { name: { column: 3, ...text }, value: { column: 6, type: 'number', scale: 0.1, sentinels: NOT_AVAILABLE, min: 0, max: 125 } }, // …TempValue, tenths
      constants: { kind: 'temperature' },
    },
    { // humidity of the same probes, numbered from 101
      entry: tempHumid, entity: SEQ, entityOffset: 100,
      where: { column: 9, notIn: NOT_FOUND }, // tempHumidSensorHumidStatus
      fields: { name: { column: 3, ...text }, value: { column: 10, type: 'number', sentinels: NOT_AVAILABLE, min: 0, max: 100 } }, // …HumidValue, %RH
      constants: { kind: 'humidity' },
    },
  ],
  // Sentry3-MIB notifications (sentry3.100.0.N), each sent while a status is in error and once more when it returns to
  // normal; the event is read from the status it carries. They name the object by its tower.infeed.outlet index, while
  // entities here are numbered in the device's order across towers: no entity is given (the confirming poll finds it).
  traps: [
    { oid: `${ST3}.100.0.1`, name: 'towerStatusEvent', event: 'alarm', eventFrom: { oid: `${tower}.4`, map: { 0: 'alarm-cleared' } } }, // towerStatus normal(0)
    { // infeedStatus off(0) on(1) offWait(2) onWait(3) offError(4) onError(5) noComm(6) reading(7) offFuse(8) onFuse(9): sensed
      oid: `${ST3}.100.0.2`, name: 'infeedStatusEvent', event: 'alarm',
      eventFrom: { oid: `${infeed}.5`, map: { 0: 'inlet-lost', 4: 'inlet-lost', 8: 'inlet-lost', 1: 'inlet-restored', 5: 'inlet-restored' } },
    },
    { oid: `${ST3}.100.0.3`, name: 'infeedLoadEvent', event: 'alarm', eventFrom: { oid: `${infeed}.6`, map: { 0: 'alarm-cleared', 3: 'low-load', 4: 'near-overload', 5: 'overload' } } },
    { // outletStatus, as infeedStatus; the fuse states are the branch fuse's error
      oid: `${ST3}.100.0.4`, name: 'outletStatusEvent', event: 'alarm',
      eventFrom: { oid: `${outlet}.5`, map: { 0: 'outlet-off', 4: 'outlet-off', 1: 'outlet-on', 5: 'outlet-on', 8: 'breaker-tripped', 9: 'breaker-tripped' } },
    },
    { oid: `${ST3}.100.0.5`, name: 'outletLoadEvent', event: 'alarm', eventFrom: { oid: `${outlet}.6`, map: { 0: 'alarm-cleared', 3: 'low-load', 4: 'near-overload', 5: 'overload' } } },
    { // "sent when the outletStatus changes from any on state to any off state, and vice-versa"
      oid: `${ST3}.100.0.6`, name: 'outletChangeEvent', event: 'alarm',
      eventFrom: { oid: `${outlet}.5`, map: { 0: 'outlet-off', 4: 'outlet-off', 1: 'outlet-on', 5: 'outlet-on', 8: 'breaker-tripped', 9: 'breaker-tripped' } },
    },
    { // branchStatus: offFuse(8) / onFuse(9) a blown fuse, on(1) a good one
      oid: `${ST3}.100.0.14`, name: 'branchStatusEvent', event: 'alarm',
      eventFrom: { oid: `${branch}.5`, map: { 1: 'breaker-reset', 8: 'breaker-tripped', 9: 'breaker-tripped' } },
    },
    { oid: `${ST3}.100.0.15`, name: 'branchLoadEvent', event: 'alarm', eventFrom: { oid: `${branch}.6`, map: { 0: 'alarm-cleared', 3: 'low-load', 4: 'near-overload', 5: 'overload' } } },
  ],
};
