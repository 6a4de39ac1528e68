import type { PduProfile } from './profile.js';
import { apcRpdu2 } from './apc-rpdu2.js';

/** Every profile Breakerbox knows, in detection order. Adding a vendor = one file + one line here. */
export const profiles: readonly PduProfile[] = [apcRpdu2];

export function profileByName(name: string): PduProfile | undefined {
  return profiles.find((p) => p.name === name);
}

/** The profile whose sysObjectID prefix matches, if any. */
export function profileForSysObjectId(sysObjectId: string | null): PduProfile | undefined {
  if (!sysObjectId) return undefined;
  const oid = sysObjectId.replace(/^\./, '');
  return profiles.find((p) => p.detect.sysObjectId.some((prefix) => oid === prefix || oid.startsWith(`${prefix}.`)));
}
