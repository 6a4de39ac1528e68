// One simulated APC 2G rack PDU: its identity and its PowerNet-MIB values, written from the power model.
import type { Logger } from 'pino';
import type { PduConfig } from '../config/schema.js';
import * as M from './apc-powernet-mib.js';
import { alarmTraps, bootState, coldStartTrap, type ApcTrap, type PduAlarmState } from './apc-traps.js';
import { apcTimestamp, PduMeters } from './pdu-meters.js';
import { NOMINAL_VOLTS, POWER_FACTOR, type BankPower, type OutletPower, type PduPower } from './physics.js';
import { SnmpDevice, stableHash } from './snmp-device.js';

const BREAKER_A = 20;
const OUTLET_A = 12;
const DAY = 86_400_000;

/** Deterministic identity from the PDU name, in the shape real APC cards report. */
export function apcIdentity(pdu: PduConfig) {
  const h = stableHash(pdu.name);
  const year = 2015 + (h % 9);
  const week = 1 + ((h >>> 4) % 52);
  const made = new Date(Date.UTC(year, 0, 1 + (week - 1) * 7));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const serial = `ZA${p(year % 100)}${p(week)}${p((h >>> 10) % 1_000_000, 6)}`;
  const model = pdu.model ?? 'AP8858';
  const dateOfManufacture = `${p(made.getUTCMonth() + 1)}/${p(made.getUTCDate())}/${year}`;
  return {
    model, serial, dateOfManufacture, hardwareRev: 'B2', firmwareRev: 'v6.8.0',
    // Real cards end sysDescr with a space; pollers must cope.
    sysDescr: 'APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.8.2 PN:apc_hw05_aos_682.bin AF1:v6.8.0 '
      + `AN1:apc_hw05_rpdu2g_680.bin MN:${model} HR:B2 SN: ${serial} MD:${dateOfManufacture}) `,
  };
}

/** rPDU2 load states: 1 lowLoad, 2 normal, 3 nearOverload, 4 overload (low threshold 0, as shipped). */
function loadState(amps: number, ratingA: number): number {
  return amps >= ratingA ? 4 : amps >= 0.8 * ratingA ? 3 : 2;
}
/** rPDULoadStatusLoadState orders them differently: 1 normal, 2 low, 3 nearOverload, 4 overload. */
function legacyLoadState(amps: number, ratingA: number): number {
  return toLegacyLoadState(loadState(amps, ratingA));
}
function toLegacyLoadState(rpdu2State: number): number {
  return [0, 2, 1, 3, 4][rpdu2State]!;
}
/** The outlet's name as the card shows it: the server and PSU it feeds, from the cabling. */
const outletName = (o: OutletPower) => (o.feeds ? `${o.feeds.node} PSU${o.feeds.psu}` : `Outlet ${o.number}`);
// A live load never rounds down to 0: 0 would read as a dead outlet.
const tenths = (a: number) => (a > 0 ? Math.max(1, Math.round(a * 10)) : 0);
const watts = (w: number) => (w > 0 ? Math.max(1, Math.round(w)) : 0);
const centiKw = (w: number) => (w > 0 ? Math.max(1, Math.round(w / 10)) : 0);

export class ApcPduAgent {
  readonly device: SnmpDevice;
  private readonly meters: PduMeters;
  private readonly id: ReturnType<typeof apcIdentity>;
  private readonly phaseRatingA: number;
  /** What the card last saw (the state its traps have told); null while it is dead. */
  private reported: PduAlarmState | null = null;
  private observed = false;
  /** The tables that never change (identity, properties) are written once, at the first update. */
  private wroteStatic = false;

  constructor(private readonly pdu: PduConfig, private readonly o: { now: () => number; log: Logger }) {
    this.id = apcIdentity(pdu);
    const h = stableHash(`${pdu.name}/uptime`);
    this.device = new SnmpDevice({
      role: 'pdu', name: pdu.name, address: pdu.address, credentials: pdu.snmp, now: o.now, log: o.log,
      initialUptimeMs: (1 + (h % 120)) * DAY + (h % DAY),
      system: { descr: this.id.sysDescr, objectId: M.RPDU2_SYS_OBJECT_ID, contact: 'Unknown', location: pdu.rack },
    });
    this.meters = new PduMeters(pdu.outlets, pdu.banks, pdu.phases, o.now(), (200 + (h % 600)) * DAY);
    // An inlet feeds the banks of a phase; rate it for all of them, capped like a 32 A cord.
    this.phaseRatingA = Math.min(32, 16 * Math.ceil(pdu.banks / pdu.phases));
  }

  get name(): string {
    return this.pdu.name;
  }

  /** host:port of its SNMP agent, from the config. */
  get address(): string {
    return this.pdu.address;
  }

  /**
   * Writes the model's state into the MIB (changed cells only), follows its reachability, and returns
   * the traps the card raises for what changed since the last update (see apc-traps.ts). The first
   * update only sets the baseline; a dead card raises nothing, and on its return boots and reports.
   */
  update(power: PduPower): ApcTrap[] {
    const now = this.o.now();
    this.meters.record(power, now);
    if (!this.wroteStatic) {
      this.writeIdent();
      for (const o of power.outlets) this.writeOutletProperties(o);
      this.wroteStatic = true;
    }
    this.writeDevice(power);
    this.writeLoad(power);
    for (const o of power.outlets) this.writeOutlet(o);
    this.device.setAlive(power.answering);
    return this.traps(power);
  }

  private traps(power: PduPower): ApcTrap[] {
    const first = !this.observed;
    this.observed = true;
    if (!power.answering) {
      this.reported = null;
      return [];
    }
    const next: PduAlarmState = {
      outletOn: power.outlets.map((o) => o.on),
      outletLoad: power.outlets.map((o) => loadState(o.amps, OUTLET_A)),
      bankLoad: power.banks.map((b) => this.bankLoadState(b)),
      phaseLoad: power.phases.map((p) => loadState(p.amps, this.phaseRatingA)),
    };
    const prev = this.reported;
    this.reported = next;
    if (first) return [];
    const id = { name: this.pdu.name, serial: this.id.serial };
    return prev ? alarmTraps(prev, next, id) : [coldStartTrap(), ...alarmTraps(bootState(next), next, id)];
  }

  /** A tripped bank has no voltage on its outlets: the card reads it as below its low-load threshold. */
  private bankLoadState(b: BankPower): number {
    return b.tripped ? 1 : loadState(b.amps, BREAKER_A);
  }

  private writeIdent(): void {
    const { pdu, id } = this;
    const w = this.device.writer;
    w.scalar(M.sPDUIdent.hardwareRev, id.hardwareRev);
    w.scalar(M.sPDUIdent.modelNumber, id.model);
    w.scalar(M.sPDUIdent.serialNumber, id.serial);
    w.scalar(M.rPDUIdent.hardwareRev, id.hardwareRev);
    w.scalar(M.rPDUIdent.firmwareRev, id.firmwareRev);
    w.scalar(M.rPDUIdent.modelNumber, id.model);
    w.scalar(M.rPDUIdent.serialNumber, id.serial);
    w.scalar(M.rPDUIdent.lineToLineVoltage, NOMINAL_VOLTS);
    w.row(M.rPDU2IdentTable, 1, {
      index: 1, module: 1, name: pdu.name, location: pdu.rack, hardwareRev: id.hardwareRev, firmwareRev: id.firmwareRev,
      dateOfManufacture: id.dateOfManufacture, modelNumber: id.model, serialNumber: id.serial, contact: 'Unknown',
      bootMonitorRev: 'v1.0.9', longDescription: `Rack PDU 2G, Switched Metered-by-Outlet, ${pdu.outlets} outlets`,
      nmcSerialNumber: `${id.serial.slice(0, 6)}9${id.serial.slice(7)}`,
      appBuildDate: 'Jun  6 2019', aosBuildDate: 'Jun  6 2019', bootMonBuildDate: 'Mar 13 2017',
    });
    const layout = pdu.phases === 1 ? 1 : 2; // seqPhaseToNeutral / seqPhaseToPhase
    w.row(M.rPDU2DevicePropertiesTable, 1, {
      index: 1, module: 1, name: pdu.name, numOutlets: pdu.outlets, numSwitchedOutlets: pdu.outlets,
      numMeteredOutlets: pdu.outlets, numPhases: pdu.phases, numMeteredBanks: pdu.banks,
      maxCurrentRating: this.phaseRatingA, orientation: 2, outletLayout: layout, maxPhaseCurrentRating: this.phaseRatingA,
      devicePowerRating: Math.round((this.phaseRatingA * NOMINAL_VOLTS * pdu.phases) / 100),
    });
    for (let b = 1; b <= pdu.banks; b++) {
      const phase = ((b - 1) % pdu.phases) + 1;
      w.row(M.rPDU2BankPropertiesTable, b, { index: b, module: 1, number: b, phaseLayout: this.phaseLayout(phase), breakerRating: BREAKER_A });
    }
  }

  private writeDevice(power: PduPower): void {
    const w = this.device.writer;
    const m = this.meters;
    const since = apcTimestamp(m.since);
    const maxPhaseA = Math.max(0, ...power.phases.map((p) => p.amps));
    w.scalar(M.rPDUIdent.powerWatts, watts(power.watts));
    w.row(M.rPDU2DeviceStatusTable, 1, {
      index: 1, module: 1, name: this.pdu.name, loadState: loadState(maxPhaseA, this.phaseRatingA),
      power: centiKw(power.watts), peakPower: centiKw(m.devicePeakW.value), peakPowerTimestamp: apcTimestamp(m.devicePeakW.at),
      peakPowerStartTime: since, energy: Math.floor(m.deviceWh / 100), energyStartTime: since, commandPending: 2,
      powerSupplyAlarm: 1, powerSupply1Status: 1, powerSupply2Status: 3, outletsEnergyStartTime: since,
      apparentPower: centiKw(power.va), powerFactor: Math.round(POWER_FACTOR * 100), npsType: 1,
    });
    for (const [i, p] of power.phases.entries()) {
      const peak = m.phasePeakA[i]!;
      w.row(M.rPDU2PhaseStatusTable, p.number, {
        index: p.number, module: 1, number: p.number, loadState: loadState(p.amps, this.phaseRatingA),
        current: tenths(p.amps), voltage: Math.round(p.volts), power: centiKw(p.watts), apparentPower: centiKw(p.va),
        powerFactor: Math.round(POWER_FACTOR * 100), peakCurrent: tenths(peak.value),
        peakCurrentTimestamp: apcTimestamp(peak.at), peakCurrentStartTime: since,
      });
    }
    for (const [i, b] of power.banks.entries()) {
      const peak = m.bankPeakA[i]!;
      w.row(M.rPDU2BankStatusTable, b.number, {
        index: b.number, module: 1, number: b.number, loadState: this.bankLoadState(b), current: tenths(b.amps),
        peakCurrent: tenths(peak.value), peakCurrentTimestamp: apcTimestamp(peak.at), peakCurrentStartTime: since,
      });
    }
  }

  /** The 1G-compatible load tables: phase rows (bank 0) first, then bank rows, as the MIB requires. */
  private writeLoad(power: PduPower): void {
    const w = this.device.writer;
    for (const p of power.phases) {
      w.row(M.rPDULoadPhaseConfigTable, p.number, {
        index: p.number, lowLoadThreshold: 0, nearOverloadThreshold: Math.round(0.8 * this.phaseRatingA),
        overloadThreshold: this.phaseRatingA, alarm: 1,
      });
      w.row(M.rPDULoadStatusTable, p.number, {
        index: p.number, load: tenths(p.amps), loadState: legacyLoadState(p.amps, this.phaseRatingA), phaseNumber: p.number, bankNumber: 0,
      });
    }
    for (const b of power.banks) {
      const index = power.phases.length + b.number;
      w.row(M.rPDULoadStatusTable, index, {
        index, load: tenths(b.amps), loadState: toLegacyLoadState(this.bankLoadState(b)), phaseNumber: b.phase, bankNumber: b.number,
      });
    }
  }

  private writeOutletProperties(o: OutletPower): void {
    const w = this.device.writer;
    const n = o.number;
    const name = outletName(o);
    const layout = this.phaseLayout(o.phase);
    w.row(M.rPDU2OutletSwitchedPropertiesTable, n, { index: n, module: 1, name, number: n, phaseLayout: layout, bank: o.bank });
    w.row(M.rPDU2OutletMeteredPropertiesTable, n, {
      index: n, module: 1, name, number: n, layout, powerRating: Math.round(OUTLET_A * NOMINAL_VOLTS), bank: o.bank,
    });
  }

  private writeOutlet(o: OutletPower): void {
    const w = this.device.writer;
    const n = o.number;
    const name = outletName(o);
    const peak = this.meters.outletPeakW[n - 1]!;
    w.row(M.sPDUOutletControlTable, n, { index: n, pending: 2, ctl: o.on ? 1 : 2, ctlName: name });
    w.row(M.rPDU2OutletSwitchedStatusTable, n, {
      index: n, module: 1, name, number: n, state: o.on ? 2 : 1, commandPending: 2, externalLink: '',
    });
    w.row(M.rPDU2OutletMeteredStatusTable, n, {
      index: n, module: 1, name, number: n, state: loadState(o.amps, OUTLET_A), current: tenths(o.amps), power: watts(o.watts),
      peakPower: watts(peak.value), peakPowerTimestamp: apcTimestamp(peak.at), peakPowerStartTime: apcTimestamp(this.meters.since),
      energy: Math.floor((this.meters.outletWh[n - 1] ?? 0) / 100), receptacleType: 'IEC C13', externalLink: '',
    });
  }

  /** Rpdu2OutletPhaseLayoutType: phase-to-neutral on single phase, line-to-line (208 V) on three. */
  private phaseLayout(phase: number): number {
    return this.pdu.phases === 1 ? 1 : 3 + phase;
  }
}
