// The real traps in ../shared/recordings/traps.json, decoded as the receiver would, and what each
// means by its MIB (decided from the notification's definition, never from the text the device put in it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Classification, TrapEntity, TrapVarbind } from '../../src/traps/trap-types.js';
import { recordingsDir } from './snmpsim.js';

export interface RecordedVarbind { name: string; oid: string; value: string; syntax: string; resolved: string }
export interface RecordedTrap { source: string; test: string; raw: string; varbinds: RecordedVarbind[] }

const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const strip = (oid: string) => oid.replace(/^\./, '');

/** TimeTicks as a trap daemon prints them (d:h:m:s.cc or h:m:s.cc) → hundredths of a second. */
function ticks(text: string): number | null {
  const m = /^(?:(\d+):)?(\d+):(\d+):(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const [, d = '0', h = '0', min = '0', s = '0', cc = '0'] = m;
  return (((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 100 + Number(cc.padEnd(2, '0').slice(0, 2));
}

/** A printed varbind as the receiver decodes it: numbers as numbers ("100 minutes" → 100), strings unquoted, OIDs numeric. */
function varbind(v: RecordedVarbind): TrapVarbind {
  const syntax = v.syntax;
  if (syntax.startsWith('OBJECT IDENTIFIER')) return { oid: v.oid, type: 6, value: v.resolved || v.value };
  if (syntax.startsWith('OCTET STRING')) return { oid: v.oid, type: 4, value: v.value.replace(/^"(.*)"$/s, '$1') };
  if (syntax.startsWith('IpAddress')) return { oid: v.oid, type: 64, value: v.value };
  const t = ticks(v.value);
  if (syntax === 'TimeTicks' || (syntax === '' && t !== null)) return { oid: v.oid, type: 67, value: t };
  const leading = /^-?\d+/.exec(v.value.trim());
  return { oid: v.oid, type: 2, value: leading ? Number(leading[0]) : null }; // INTEGER, with or without units
}

export function loadRecordedTraps(): { name: string; trap: { trapOid: string; varbinds: TrapVarbind[] } }[] {
  const recorded = JSON.parse(readFileSync(join(recordingsDir(), 'traps.json'), 'utf8')) as RecordedTrap[];
  return recorded.map((r) => {
    const varbinds = r.varbinds.map(varbind);
    const trapOid = varbinds.find((v) => strip(v.oid) === SNMP_TRAP_OID)?.value;
    assert.equal(typeof trapOid, 'string', `${r.test}: snmpTrapOID`);
    return { name: `${r.test} (${strip(trapOid as string)})`, trap: { trapOid: trapOid as string, varbinds } };
  });
}

export type Expect = Pick<Classification, 'profile' | 'name' | 'event'> & { entity?: TrapEntity };

/** Keyed by the recorded test and trap OID: what the MIB says each one means. */
export const EXPECTED: Record<string, Expect> = {
  // PowerNet-MIB (apc.0.N). Without a known sender, the first registered APC profile defining the OID answers.
  'testApcCommunicationEstablished (1.3.6.1.4.1.318.0.8)': { profile: 'apc-ups', name: 'communicationEstablished', event: 'communication-restored' },
  // "A UPS discharge condition has been cleared": there is no battery-discharged-cleared event.
  'testApcDischargeCleared (1.3.6.1.4.1.318.0.38)': { profile: 'apc-ups', name: 'dischargeCleared', event: 'alarm-cleared' },
  'testApcLowBattery (1.3.6.1.4.1.318.0.7)': { profile: 'apc-ups', name: 'lowBattery', event: 'battery-low' },
  'testApcOnBattery (1.3.6.1.4.1.318.0.5)': { profile: 'apc-ups', name: 'upsOnBattery', event: 'on-battery' },
  // The recorded outletOff carries the text "An outlet has turned on": the trap OID decides.
  'testOutletOff (1.3.6.1.4.1.318.0.42)': { profile: 'apc-rpdu2', name: 'outletOff', event: 'outlet-off', entity: { outlet: 2 } },
  'testOutletOn (1.3.6.1.4.1.318.0.41)': { profile: 'apc-rpdu2', name: 'outletOn', event: 'outlet-on', entity: { outlet: 2 } },
  'testOutletReboot (1.3.6.1.4.1.318.0.43)': { profile: 'apc-rpdu2', name: 'outletReboot', event: 'outlet-reboot', entity: { outlet: 2 } },
  'testNearOverload (1.3.6.1.4.1.318.0.274)': { profile: 'apc-rpdu2', name: 'rPDUNearOverload', event: 'near-overload', entity: { phase: 1 } },
  'testNearOverloadClear (1.3.6.1.4.1.318.0.275)': { profile: 'apc-rpdu2', name: 'rPDUNearOverloadCleared', event: 'near-overload-cleared', entity: { phase: 1 } },
  'testOverload (1.3.6.1.4.1.318.0.276)': { profile: 'apc-rpdu2', name: 'rPDUOverload', event: 'overload', entity: { phase: 1 } },
  'testOverloadClear (1.3.6.1.4.1.318.0.277)': { profile: 'apc-rpdu2', name: 'rPDUOverloadCleared', event: 'overload-cleared', entity: { phase: 1 } },
  'testApcPowerRestored (1.3.6.1.4.1.318.0.9)': { profile: 'apc-ups', name: 'powerRestored', event: 'on-mains' },
  // SmartTrim: compensating for a high input voltage, still on mains: a warning, then its clearing.
  'testApcSmartAvrReducingOff (1.3.6.1.4.1.318.0.35)': { profile: 'apc-ups', name: 'smartAvrReducingOff', event: 'alarm-cleared' },
  'testApcSmartAvrReducing (1.3.6.1.4.1.318.0.31)': { profile: 'apc-ups', name: 'smartAvrReducing', event: 'alarm' },
  'testApcTestTrap (1.3.6.1.4.1.318.0.636)': { profile: 'apc-rpdu2', name: 'apcTestTrap', event: 'test' },
  // "if utility power fails an immediate low battery condition will exist"
  'testApcUpsDischarged (1.3.6.1.4.1.318.0.4)': { profile: 'apc-ups', name: 'upsDischarged', event: 'battery-discharged' },
  // CPS-MIB (cps.0.N)
  'testCpUpsOverload (1.3.6.1.4.1.3808.0.2)': { profile: 'cyberpower-ups', name: 'upsOverload', event: 'overload' },
  'testCpUpsDiagFailed (1.3.6.1.4.1.3808.0.3)': { profile: 'cyberpower-ups', name: 'upsDiagnosticsFailed', event: 'battery-fault' }, // "The UPS battery test failed."
  // CPS-MIB's upsDischarged is, despite its name, "The UPS has started a runtime estimation process."
  'testCpUpsDischarged (1.3.6.1.4.1.3808.0.4)': { profile: 'cyberpower-ups', name: 'upsDischarged', event: 'test' },
  'testCpUpsOnBattery (1.3.6.1.4.1.3808.0.5)': { profile: 'cyberpower-ups', name: 'upsOnBattery', event: 'on-battery' },
  'testCpLowBattery (1.3.6.1.4.1.3808.0.7)': { profile: 'cyberpower-ups', name: 'lowBattery', event: 'battery-low' },
  'testCpPowerRestored (1.3.6.1.4.1.3808.0.9)': { profile: 'cyberpower-ups', name: 'powerRestored', event: 'on-mains' },
  'testCpUpsDiagPassed (1.3.6.1.4.1.3808.0.10)': { profile: 'cyberpower-ups', name: 'upsDiagnosticsPassed', event: 'test' },
  'testCpRtnLowBattery (1.3.6.1.4.1.3808.0.11)': { profile: 'cyberpower-ups', name: 'returnFromLowBattery', event: 'battery-low-cleared' },
  // UPS-MIB: the notification upsTraps.1 as defined, and the same after a trip through SNMPv1 (upsTraps.0.1)
  'testOnBattery (1.3.6.1.2.1.33.2.1)': { profile: 'ups-mib', name: 'upsTrapOnBattery', event: 'on-battery' },
  'testOnBattery (1.3.6.1.2.1.33.2.0.1)': { profile: 'ups-mib', name: 'upsTrapOnBattery', event: 'on-battery' },
};


/** The same traps as snmptrap arguments: [trap OID, then OID TYPE VALUE triples], sysUpTime and snmpTrapOID left to snmptrap. */
export function recordedTrapsAsSnmptrapArgs(): { name: string; trapOid: string; args: string[] }[] {
  const recorded = JSON.parse(readFileSync(join(recordingsDir(), 'traps.json'), 'utf8')) as RecordedTrap[];
  return recorded.map((r) => {
    const trapOid = strip(r.varbinds.find((v) => strip(v.oid) === SNMP_TRAP_OID)!.resolved);
    const args: string[] = [];
    for (const v of r.varbinds) {
      const oid = strip(v.oid);
      if (oid === SNMP_TRAP_OID || oid === '1.3.6.1.2.1.1.3.0') continue;
      const d = varbind(v);
      const type = d.type === 6 ? 'o' : d.type === 4 ? 's' : d.type === 64 ? 'a' : d.type === 67 ? 't' : 'i';
      const value = d.type === 64 && !/^\d+\.\d+\.\d+\.\d+$/.test(String(d.value)) ? '127.0.0.1' : String(d.value ?? 0);
      args.push(oid, type, type === 'o' ? strip(value) : value);
    }
    return { name: `${r.test} (${trapOid})`, trapOid, args };
  });
}
