import type { SnmpCredentials } from '../config/schema.js';
import { snmpCredentials } from '../config/schema.js';
import { detect } from '../profiles/detect.js';
import { readDevice } from '../profiles/read-device.js';
import { NetSnmpClient, parseAddress } from '../snmp/snmp-client.js';
import { formatReading } from './format-reading.js';

export interface ProbeOptions {
  target: string; // HOST[:PORT]
  credentials: SnmpCredentials;
  profile?: string;
  json?: boolean;
  timeoutMs?: number;
  retries?: number;
}

/** `breakerbox probe`: detect a device, read it once, and say what it is. Resolves to the text to print and an exit code. */
export async function probe(o: ProbeOptions): Promise<{ output: string; code: number }> {
  const { host, port } = parseAddress(o.target);
  const client = new NetSnmpClient({ host, port, credentials: o.credentials, timeoutMs: o.timeoutMs ?? 3_000, retries: o.retries ?? 1 });
  try {
    const detected = await detect(client, o.profile ?? 'auto');
    if (!detected.ok) return { output: `${o.target}: ${detected.error}`, code: 1 };
    const reading = await readDevice(client, detected.value.profile, { trace: o.json ?? false });
    if (!reading.ok) return { output: `${o.target}: detected ${detected.value.profile.name}, but reading failed: ${reading.error}`, code: 1 };
    if (o.json) return { output: JSON.stringify({ target: o.target, detectedBy: detected.value.how, sysObjectId: detected.value.sysObjectId, ...reading.value }, null, 2), code: 0 };
    return { output: formatReading(o.target, reading.value, detected.value.how), code: 0 };
  } finally {
    client.close();
  }
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
