import type { SnmpClient, SnmpResult } from '../snmp/snmp-client.js';
import { profileByName, profileForSysObjectId, profiles, variantForSysObjectId } from './index.js';
import type { Profile } from './profile.js';

const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

export interface Detection {
  profile: Profile;
  how: 'named' | 'sysObjectID' | 'probe';
  sysObjectId: string | null;
}

/** Named profile, else by sysObjectID, else by probing every profile's characteristic objects (devices send garbage sysObjectIDs). */
export async function detect(client: SnmpClient, wanted = 'auto'): Promise<SnmpResult<Detection>> {
  const named = wanted === 'auto' ? undefined : profileByName(wanted);
  if (wanted !== 'auto' && !named) return { ok: false, error: `unknown profile "${wanted}"` };
  if (named && !named.variants) return { ok: true, value: { profile: named, how: 'named', sysObjectId: null } };
  const sys = await client.get([SYS_OBJECT_ID]);
  if (!sys.ok) return sys;
  const raw = sys.value[0]?.value;
  const sysObjectId = typeof raw === 'string' ? raw.replace(/^\./, '') : null;
  const found = await family(client, named, sysObjectId);
  if (!found.ok) return found;
  if (!found.value) return { ok: false, error: `${NO_PROFILE} (sysObjectID ${sysObjectId ?? 'missing'})` };
  const narrowed = await variantOf(client, found.value.profile, sysObjectId);
  return narrowed.ok ? { ok: true, value: { ...found.value, profile: narrowed.value } } : narrowed;
}

/** The family: the one named, else by sysObjectID, else by probing. */
async function family(client: SnmpClient, named: Profile | undefined, sysObjectId: string | null): Promise<SnmpResult<Detection | null>> {
  if (named) return { ok: true, value: { profile: named, how: 'named', sysObjectId } };
  const byOid = profileForSysObjectId(sysObjectId);
  if (byOid) return { ok: true, value: { profile: byOid, how: 'sysObjectID', sysObjectId } };
  const found = await probeFamilies(client, profiles);
  if (!found.ok) return found;
  return { ok: true, value: found.value && { profile: found.value, how: 'probe', sysObjectId } };
}

/** A family with variants narrowed to the device's own (by sysObjectID, else by probing the variants); else the family. */
async function variantOf(client: SnmpClient, profile: Profile, sysObjectId: string | null): Promise<SnmpResult<Profile>> {
  if (!profile.variants) return { ok: true, value: profile };
  const byOid = variantForSysObjectId(profile, sysObjectId);
  if (byOid) return { ok: true, value: byOid };
  const probed = await probeFamilies(client, profile.variants);
  return probed.ok ? { ok: true, value: probed.value ?? profile } : probed;
}

/** How detection says a device answered but is of no family it knows. */
export const NO_PROFILE = 'no profile matches';
export const answeredWithoutProfile = (error: string): boolean => error.startsWith(NO_PROFILE);

/** Characteristic objects asked per request: a device with no profile is told apart in a few round trips. */
const PROBES_PER_REQUEST = 16;

/**
 * The first profile, in registry order, whose characteristic objects the device has: every
 * family's probe OIDs go out together, PROBES_PER_REQUEST to a GETNEXT; a request the agent
 * refuses whole (an SNMPv1 agent at the end of its view) is asked again one OID at a time.
 */
async function probeFamilies(client: SnmpClient, among: readonly Profile[]): Promise<SnmpResult<Profile | null>> {
  const asked = among.flatMap((profile) => profile.detect.probe.map((oid) => ({ profile, oid })));
  const has = new Set<string>();
  const answered = (oid: string, vb: { oid: string; value: unknown } | undefined) => vb !== undefined && vb.value !== undefined && vb.value !== null && vb.oid.startsWith(`${oid}.`);
  for (let i = 0; i < asked.length; i += PROBES_PER_REQUEST) {
    const batch = asked.slice(i, i + PROBES_PER_REQUEST).map((a) => a.oid);
    const next = await client.getNext(batch);
    if (next.ok && next.value.length === batch.length) {
      batch.forEach((oid, j) => { if (answered(oid, next.value[j])) has.add(oid); });
      continue;
    }
    if (!next.ok && /timed out/.test(next.error)) return next;
    for (const oid of batch) {
      const one = await client.getNext([oid]);
      if (!one.ok) {
        if (/timed out/.test(one.error)) return one;
        continue;
      }
      if (answered(oid, one.value[0])) has.add(oid);
    }
  }
  return { ok: true, value: asked.find((a) => has.has(a.oid))?.profile ?? null };
}

/** The poller's view: just the profile. */
export async function detectProfile(client: SnmpClient, wanted = 'auto'): Promise<SnmpResult<Profile>> {
  const d = await detect(client, wanted);
  return d.ok ? { ok: true, value: d.value.profile } : d;
}
