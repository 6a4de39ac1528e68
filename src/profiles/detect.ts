import type { SnmpClient, SnmpResult } from '../snmp/snmp-client.js';
import { profileByName, profileForSysObjectId, profiles } from './index.js';
import type { Profile } from './profile.js';

const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

export interface Detection {
  profile: Profile;
  how: 'named' | 'sysObjectID' | 'probe';
  sysObjectId: string | null;
}

/** Named profile, else by sysObjectID, else by probing each profile's characteristic objects (devices send garbage sysObjectIDs). */
export async function detect(client: SnmpClient, wanted = 'auto'): Promise<SnmpResult<Detection>> {
  if (wanted !== 'auto') {
    const named = profileByName(wanted);
    return named ? { ok: true, value: { profile: named, how: 'named', sysObjectId: null } } : { ok: false, error: `unknown profile "${wanted}"` };
  }
  const sys = await client.get([SYS_OBJECT_ID]);
  if (!sys.ok) return sys;
  const raw = sys.value[0]?.value;
  const sysObjectId = typeof raw === 'string' ? raw.replace(/^\./, '') : null;
  const byOid = profileForSysObjectId(sysObjectId);
  if (byOid) return { ok: true, value: { profile: byOid, how: 'sysObjectID', sysObjectId } };
  for (const profile of profiles) {
    for (const oid of profile.detect.probe) {
      // One OID per request: a v1 agent fails a whole request for one name it lacks.
      const next = await client.getNext([oid]);
      if (!next.ok) {
        if (/timed out/.test(next.error)) return next;
        continue;
      }
      const vb = next.value[0];
      if (vb && vb.value !== undefined && vb.oid.startsWith(`${oid}.`)) return { ok: true, value: { profile, how: 'probe', sysObjectId } };
    }
  }
  return { ok: false, error: `no profile matches (sysObjectID ${sysObjectId ?? 'missing'})` };
}

/** The poller's view: just the profile. */
export async function detectProfile(client: SnmpClient, wanted = 'auto'): Promise<SnmpResult<Profile>> {
  const d = await detect(client, wanted);
  return d.ok ? { ok: true, value: d.value.profile } : d;
}
