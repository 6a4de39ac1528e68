import type { SnmpCredentials } from '../config/schema.js';
import { snmpCredentials } from '../config/schema.js';
import { detect } from '../profiles/detect.js';
import { profileByName, profiles } from '../profiles/index.js';
import { readDevice } from '../profiles/read-device.js';
import { vendorOf } from '../snmp/enterprises.js';
import { NetSnmpClient, parseAddress, type SnmpClient } from '../snmp/snmp-client.js';
import { formatReading } from './format-reading.js';

export interface ProbeOptions {
  target: string; // HOST[:PORT]
  credentials: SnmpCredentials;
  profile?: string;
  json?: boolean;
  timeoutMs?: number;
  retries?: number;
  /** Told what it is waiting for (the command writes it to stderr). */
  progress?: (what: string) => void;
}

/** Exit codes: 0 read, 1 no answer or a failed read, 3 answered but no vendor profile matched, 64 a bad profile name. */
export const PROBE_NO_PROFILE = 3;

/** `breakerbox probe`: detect a device, read it once, and say what it is. Resolves to the text to print and an exit code. */
export async function probe(o: ProbeOptions): Promise<{ output: string; code: number }> {
  if (o.profile && o.profile !== 'auto' && !profileByName(o.profile)) {
    return { output: `unknown profile "${o.profile}"; the profiles are: ${profiles.map((p) => p.name).join(', ')} (or auto)`, code: 64 };
  }
  const { host, port } = parseAddress(o.target);
  const client = new NetSnmpClient({ host, port, credentials: o.credentials, timeoutMs: o.timeoutMs ?? 3_000, retries: o.retries ?? 1 });
  try {
    o.progress?.(`${o.target}: asking with ${asked(o.credentials)}, detecting the family…`);
    const detected = await detect(client, o.profile ?? 'auto');
    if (!detected.ok) {
      if (/^no profile matches/.test(detected.error)) return await unmatched(o, client);
      return { output: `${o.target}: ${detected.error}${detected.kind === 'timeout' ? `, asked with ${asked(o.credentials)}: ${CHECK}` : ''}`, code: 1 };
    }
    o.progress?.(`${o.target}: ${detected.value.profile.name} (by ${detected.value.how}), reading its tables…`);
    const reading = await readDevice(client, detected.value.profile, { trace: o.json ?? false });
    if (!reading.ok) return { output: `${o.target}: detected ${detected.value.profile.name}, but reading failed: ${reading.error}`, code: 1 };
    if (o.json) return { output: JSON.stringify({ target: o.target, detectedBy: detected.value.how, ...reading.value }, null, 2), code: 0 };
    return { output: formatReading(o.target, reading.value, detected.value.how), code: 0 };
  } finally {
    client.close();
  }
}

const CHECK = 'check the address and port, that SNMP is on at the device, and that it takes these credentials from this host';

/** Which credentials were tried, without the secret itself. */
function asked(c: SnmpCredentials): string {
  if (c.version === '3') return `SNMPv3 user "${c.user}" (${c.level})`;
  const community = c.community === 'public' ? 'community "public"' : `the community given (${c.community.length} characters, not shown)`;
  return `SNMPv${c.version} ${community}`;
}

const SYSTEM = { descr: '1.3.6.1.2.1.1.1.0', objectId: '1.3.6.1.2.1.1.2.0', upTime: '1.3.6.1.2.1.1.3.0', contact: '1.3.6.1.2.1.1.4.0', name: '1.3.6.1.2.1.1.5.0', location: '1.3.6.1.2.1.1.6.0' } as const;

/** A device that answers but that no profile reads: what the system group says of it, and that plainly. */
async function unmatched(o: ProbeOptions, client: SnmpClient): Promise<{ output: string; code: number }> {
  const got = await client.get(Object.values(SYSTEM));
  const value = (oid: string) => {
    const v = got.ok ? got.value.find((x) => x.oid === oid)?.value : undefined;
    if (v === undefined || v === null) return null;
    const text = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
    return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() || null;
  };
  const sysObjectId = value(SYSTEM.objectId)?.replace(/^\./, '') ?? null;
  const upTicks = Number(value(SYSTEM.upTime));
  const identity = {
    vendor: vendorOf(sysObjectId), sysObjectId, description: value(SYSTEM.descr), name: value(SYSTEM.name),
    location: value(SYSTEM.location), contact: value(SYSTEM.contact), upTimeSeconds: Number.isFinite(upTicks) && upTicks > 0 ? Math.floor(upTicks / 100) : null,
  };
  if (o.json) return { output: JSON.stringify({ target: o.target, matched: false, ...identity }, null, 2), code: PROBE_NO_PROFILE };
  const lines = [
    `${o.target}: answers, but no vendor profile matched: this is what its standard MIBs say`,
    `  vendor ${identity.vendor ?? 'unknown'}   sysObjectID ${sysObjectId ?? 'missing'}`,
    ...(identity.description ? [`  description ${JSON.stringify(identity.description)}`] : []),
    `  name ${identity.name ? JSON.stringify(identity.name) : '-'}   location ${identity.location ? JSON.stringify(identity.location) : '-'}   up ${identity.upTimeSeconds === null ? 'unknown' : upFor(identity.upTimeSeconds)}`,
    '  Without a profile Breakerbox cannot read its power; try --profile NAME if it is a known family under another sysObjectID.',
  ];
  return { output: lines.join('\n'), code: PROBE_NO_PROFILE };
}

function upFor(s: number): string {
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
}

/** Credentials from command-line flags, validated by the same schema as the config file. */
export function credentialsFromFlags(f: Record<string, string | boolean | undefined>): SnmpCredentials {
  const raw = f.user
    ? {
        version: '3', user: f.user, level: f.level ?? (f['priv-key'] ? 'authPriv' : f['auth-key'] ? 'authNoPriv' : 'noAuthNoPriv'),
        authProtocol: f['auth-protocol'], authKey: f['auth-key'], privProtocol: f['priv-protocol'], privKey: f['priv-key'], context: f.context,
      }
    : { version: f.v1 ? '1' : '2c', community: f.community ?? 'public' };
  const clean = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = snmpCredentials.safeParse(clean);
  if (!parsed.success) throw new Error(`bad SNMP options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'credentials'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
