import type { SnmpClient } from '../snmp/snmp-client.js';
import { decodeValue } from './decode.js';
import type { ColumnSpec, Profile, TableSource } from './profile.js';

/**
 * Named outlets' on/off states in one GET, where the profile has an outlet table indexed by
 * outlet number (its entity is the row index). Null when it has none, or any state cannot be
 * read: the caller then reads the outlet tables whole.
 */
export async function readOutletStates(client: SnmpClient, profile: Profile, outlets: readonly number[]): Promise<Map<number, 'on' | 'off'> | null> {
  const sources = (profile.outlets ?? []).filter((s): s is TableSource =>
    'entry' in s && s.fields.state !== undefined && (s.entity === undefined || s.entity === 'last') && s.rowTypeAt === undefined && s.where === undefined && s.valid === undefined);
  // A profile lists alternatives for different firmware: the first table this device serves answers.
  for (const source of sources) {
    const spec = source.fields.state as ColumnSpec;
    const got = await client.get(outlets.map((n) => `${source.entry}.${spec.column}.${n}`));
    if (!got.ok) return null;
    const states = new Map<number, 'on' | 'off'>();
    for (const [i, vb] of got.value.entries()) {
      const d = decodeValue(vb.value, spec);
      if (d.quality === 'ok' && (d.value === 'on' || d.value === 'off')) states.set(outlets[i]!, d.value);
    }
    if (states.size === outlets.length) return states;
  }
  return null;
}
