import type { Profile } from './profile.js';
import { servertechSentry3 } from './servertech-sentry3.js';
import { servertechSentry4 } from './servertech-sentry4.js';
import { apcRpdu2 } from './apc-rpdu2.js';
import { apcUps } from './apc-ups.js';
import { apcAts } from './apc-ats.js';
import { raritanPdu2 } from './raritan-pdu2.js';
import { eatonEpdu } from './eaton-epdu.js';
import { eatonPduLegacy } from './eaton-pdu-legacy.js';
import { eatonAts } from './eaton-ats.js';
import { cyberpowerEpdu } from './cyberpower-epdu.js';
import { cyberpowerUps } from './cyberpower-ups.js';
import { eatonUps } from './eaton-ups.js';
import { vertivGeist } from './vertiv-geist.js';
import { trippLiteAts, trippLitePdu, trippLiteUps } from './tripplite.js';
import { megatecUps } from './megatec-ups.js';
import { panduitPdu } from './panduit.js';
import { gudeEpc } from './gude-epc.js';
import { schleifenbauer } from './schleifenbauer.js';
import { hpePdu } from './hpe-pdu.js';
import { hpeUps } from './hpe-ups.js';
import { dellRpdu } from './dell-rpdu.js';
import { dellUps } from './dell-ups.js';
import { liebertPdu } from './liebert-pdu.js';
import { liebertUps } from './liebert-ups.js';
import { vertivIta2 } from './vertiv-ita2.js';
import { enlogicPdu, enlogicPdu2 } from './enlogic.js';
import { raritanPx1 } from './raritan-px1.js';
import { wtiPdu } from './wti.js';
import { liebertPower } from './liebert-power.js';
import { contegPdu } from './conteg.js';
import { dataprobeIbootPdu } from './dataprobe.js';
import { planetPdu } from './planet.js';
import { digipowerPdu } from './digipower.js';
import { chatsworthPdu } from './chatsworth.js';
import { atenPdu } from './aten.js';
import { ictPdu } from './ict.js';
import { socomecPdu, socomecUps } from './socomec.js';
import { apcCpdu } from './apc-cpdu.js';
import { apcIsxPdu } from './apc-isx.js';
import { apcMasterswitch } from './apc-masterswitch.js';
import { upsMib } from './ups-mib.js';
import { entitySensor } from './entity-sensor.js';
import { systemOnly } from './system.js';

/**
 * Every profile Breakerbox knows, in detection order: vendor families first, standard-MIB
 * fallbacks last. Adding a vendor = one profile file + one line here (a test checks both).
 */
export const profiles: readonly Profile[] = [
  // vendor families
  apcRpdu2,
  apcUps,
  apcAts,
  raritanPdu2,
  eatonEpdu,
  eatonPduLegacy,
  eatonAts,
  cyberpowerEpdu,
  cyberpowerUps,
  servertechSentry3,
  servertechSentry4,
  eatonUps,
  vertivGeist,
  trippLiteAts,
  trippLiteUps,
  trippLitePdu,
  megatecUps,
  panduitPdu,
  gudeEpc,
  schleifenbauer,
  hpePdu,
  hpeUps,
  dellRpdu,
  dellUps,
  liebertPdu,
  liebertUps,
  vertivIta2,
  enlogicPdu2, // before enlogic-pdu: its probe (an EN2.0-only column) is the narrower
  enlogicPdu,
  raritanPx1,
  wtiPdu,
  contegPdu,
  dataprobeIbootPdu,
  planetPdu,
  digipowerPdu,
  chatsworthPdu,
  atenPdu,
  ictPdu,
  liebertPower, // after liebert-ups and liebert-pdu: a GP agent answering liebertGlobalProducts itself is found by probe
  socomecUps,
  socomecPdu,
  apcCpdu,
  apcIsxPdu,
  apcMasterswitch,
  // fallbacks: standard MIBs any vendor may serve (keep these last)
  upsMib,
  entitySensor,
  // never detected: what the poller reads of a device that answers but that no profile above claims
  systemOnly,
];

/** A profile by name, or a family's variant by its key ("gude-epc#8031", see profileKey). */
export function profileByName(key: string): Profile | undefined {
  const [name, variant] = key.split('#');
  const family = profiles.find((p) => p.name === name);
  return variant === undefined ? family : family?.variants?.find((v) => v.variant === variant);
}

/** What names a profile across threads: its name, and its variant if it is one. */
export function profileKey(profile: Profile): string {
  return profile.variant === undefined ? profile.name : `${profile.name}#${profile.variant}`;
}

/** The variant of `family` whose sysObjectID prefix matches (the longest wins), if any. */
export function variantForSysObjectId(family: Profile, sysObjectId: string | null): Profile | undefined {
  return family.variants && longestPrefix(family.variants, sysObjectId);
}

/** The profile whose sysObjectID prefix matches, if any (the longest prefix wins). */
export function profileForSysObjectId(sysObjectId: string | null): Profile | undefined {
  return longestPrefix(profiles, sysObjectId);
}

function longestPrefix(among: readonly Profile[], sysObjectId: string | null): Profile | undefined {
  if (!sysObjectId) return undefined;
  const oid = sysObjectId.replace(/^\./, '');
  let best: { profile: Profile; length: number } | undefined;
  for (const profile of among) {
    for (const prefix of profile.detect.sysObjectId) {
      if ((oid === prefix || oid.startsWith(`${prefix}.`)) && prefix.length > (best?.length ?? -1)) best = { profile, length: prefix.length };
    }
  }
  return best?.profile;
}
