import type { Profile } from './profile.js';
import { apcRpdu2 } from './apc-rpdu2.js';

/**
 * Every profile Breakerbox knows, in detection order: vendor families first, standard-MIB
 * fallbacks last. Adding a vendor = one profile file + one line here (a test checks both).
 */
export const profiles: readonly Profile[] = [
  // vendor families
  apcRpdu2,
  // fallbacks: standard MIBs any vendor may serve (keep these last)
];

export function profileByName(name: string): Profile | undefined {
  return profiles.find((p) => p.name === name);
}

/** The profile whose sysObjectID prefix matches, if any (the longest prefix wins). */
export function profileForSysObjectId(sysObjectId: string | null): Profile | undefined {
  if (!sysObjectId) return undefined;
  const oid = sysObjectId.replace(/^\./, '');
  let best: { profile: Profile; length: number } | undefined;
  for (const profile of profiles) {
    for (const prefix of profile.detect.sysObjectId) {
      if ((oid === prefix || oid.startsWith(`${prefix}.`)) && prefix.length > (best?.length ?? -1)) best = { profile, length: prefix.length };
    }
  }
  return best?.profile;
}
