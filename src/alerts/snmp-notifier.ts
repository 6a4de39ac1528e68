// A page as an SNMP notification to an upstream NMS, as mibs/BREAKERBOX-MIB describes it: one
// notification per kind of page (firing, resolved, acknowledged, flapping), each with the page's
// id (the same for every retry), the story, where it is, and its text cut to 255 bytes of UTF-8.
// An inform is acknowledged, so the outbox retries it until the NMS has it; a trap is sent once.
import snmp from 'net-snmp';
import type { OutboxItem, PostResult } from './outbox.js';
import { pageTitle, type PageKind } from './receivers.js';
import type { ReceiverConfig } from './rules.js';

type SnmpReceiver = Extract<ReceiverConfig, { type: 'snmp' }>;

/** BREAKERBOX-MIB's root: enterprises.32473 (RFC 5612's documentation number) until Breakerbox has a PEN of its own. */
export const BREAKERBOX_MIB = '1.3.6.1.4.1.32473';
const NOTIFICATIONS = `${BREAKERBOX_MIB}.0`;
const PAGE = `${BREAKERBOX_MIB}.1.1`;

/** The notification each kind of page is sent as. */
export const NOTIFICATION: Readonly<Record<PageKind, string>> = {
  trigger: `${NOTIFICATIONS}.1`, // bbAlertFiring
  resolve: `${NOTIFICATIONS}.2`, // bbAlertResolved
  acknowledge: `${NOTIFICATIONS}.3`, // bbAlertAcknowledged
  flapping: `${NOTIFICATIONS}.4`, // bbAlertFlapping
};

const SEVERITY = { critical: 1, warning: 2, info: 3 } as const;
const BB_TEXT_BYTES = 255;

const AUTH = {
  md5: snmp.AuthProtocols.md5, sha: snmp.AuthProtocols.sha, sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256, sha384: snmp.AuthProtocols.sha384, sha512: snmp.AuthProtocols.sha512,
} as const;
const PRIV = { des: snmp.PrivProtocols.des, aes: snmp.PrivProtocols.aes, aes256b: snmp.PrivProtocols.aes256b, aes256r: snmp.PrivProtocols.aes256r } as const;

/** `text` as UTF-8 of at most `max` bytes: a longer one is cut at a character boundary and ends with "…". */
export function clipUtf8(text: string, max = BB_TEXT_BYTES): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return bytes;
  let end = max - 3;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return Buffer.concat([bytes.subarray(0, end), Buffer.from('…', 'utf8')]);
}

/** The page's varbinds, in the order of the notification's OBJECTS (every instance .0: they are scalars). */
export function snmpVarbinds(item: OutboxItem): snmp.Varbind[] {
  const { story, text, kind } = item;
  const a = story.root;
  const ack = a.acknowledged;
  const str = (arc: number, value: string): snmp.Varbind => ({ oid: `${PAGE}.${arc}.0`, type: snmp.ObjectType.OctetString, value: clipUtf8(value) });
  return [
    str(1, `${item.receiver}:${item.idem}`),
    str(2, story.key),
    { oid: `${PAGE}.3.0`, type: snmp.ObjectType.Gauge32, value: a.id },
    str(4, a.rule),
    { oid: `${PAGE}.5.0`, type: snmp.ObjectType.Integer, value: SEVERITY[story.severity] },
    str(6, a.subject.kind),
    str(7, a.subject.name),
    str(8, a.labels.site ?? ''),
    str(9, a.labels.row ?? ''),
    str(10, a.labels.rack ?? ''),
    str(11, a.labels.pdu ?? ''),
    str(12, a.labels.node ?? ''),
    str(13, a.labels.pool ?? ''),
    str(14, (text.services ?? []).join(', ')),
    str(15, pageTitle(kind, text.title)),
    str(16, text.cause),
    str(17, text.impact),
    str(18, text.action),
    str(19, text.link ?? ''),
    str(20, ack?.by ?? ''),
    str(21, ack?.reason ?? ''),
  ];
}

function session(receiver: SnmpReceiver): snmp.Session {
  // Two tries of half the receiver's timeout each: one lost datagram is not yet a failed page.
  const options = { port: receiver.port, trapPort: receiver.port, retries: 1, timeout: Math.max(250, Math.ceil(receiver.timeout / 2)), backoff: 1 };
  if (receiver.version === '2c') return snmp.createSession(receiver.host, receiver.community ?? '', { ...options, version: snmp.Version2c });
  const u = receiver.user!;
  const user: snmp.User = {
    name: u.name,
    level: snmp.SecurityLevel[u.level],
    ...(u.level !== 'noAuthNoPriv' ? { authProtocol: AUTH[u.authProtocol!], authKey: u.authKey! } : {}),
    ...(u.level === 'authPriv' ? { privProtocol: PRIV[u.privProtocol!], privKey: u.privKey! } : {}),
  };
  return snmp.createV3Session(receiver.host, user, { ...options, engineID: u.engineID.replace(/^0x/, '') });
}

const USM_REFUSALS = new Set(['Unsupported Security Level', 'Unknown User Name', 'Unknown Engine ID', 'Wrong Digest (incorrect password, community or key)', 'Decryption Error']);

/** What went wrong, in words that never hold the community or a key (net-snmp's own messages can hold the community). */
function failure(err: unknown, receiver: SnmpReceiver): PostResult & { ok: false } {
  const e = err as { name?: string; code?: unknown; status?: unknown; message?: string };
  if (e.name === 'RequestTimedOutError') return { ok: false, permanent: false, what: `no acknowledgement within ${receiver.timeout} ms` };
  if (e.name === 'RequestFailedError') {
    const status = typeof e.status === 'number' ? snmp.ErrorStatus[e.status] ?? `error ${e.status}` : 'an error';
    return { ok: false, permanent: true, what: `the NMS answered ${status}` };
  }
  if (e.name === 'ResponseInvalidError') {
    if (e.code === snmp.ResponseInvalidCode.EAuthFailure) {
      const said = USM_REFUSALS.has(e.message ?? '') ? e.message!.replace(/ \(.*\)$/, '').toLowerCase() : 'authentication failed';
      return { ok: false, permanent: true, what: `SNMPv3 refused: ${said}` };
    }
    if (e.code === snmp.ResponseInvalidCode.ECouldNotDecrypt) return { ok: false, permanent: true, what: 'SNMPv3: cannot decrypt the acknowledgement (privacy key or protocol?)' };
    if (e.code === snmp.ResponseInvalidCode.ECommunityNoMatch) return { ok: false, permanent: false, what: 'acknowledged with another community' };
    const name = typeof e.code === 'number' ? (snmp.ResponseInvalidCode as unknown as Record<number, string>)[e.code] : undefined;
    return { ok: false, permanent: false, what: `invalid acknowledgement${name ? ` (${name})` : ''}` };
  }
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return { ok: false, permanent: false, what: `cannot send (${e.code})` };
  return { ok: false, permanent: false, what: 'cannot send' };
}

/** Sends one page as a trap or an inform; says what went wrong without the community or the keys. */
export async function sendSnmp(receiver: SnmpReceiver, item: OutboxItem): Promise<PostResult> {
  let s: snmp.Session | undefined;
  try {
    s = session(receiver);
    // A datagram that does not parse is emitted as 'error': said through the callback or the timeout, never thrown.
    s.on('error', () => undefined);
    const open = s;
    const oid = NOTIFICATION[item.kind];
    const varbinds = snmpVarbinds(item);
    const options = { upTime: Math.floor(process.uptime() * 100) % 2 ** 32 };
    await new Promise<void>((resolve, reject) => {
      const done = (err: Error | null) => (err ? reject(err) : resolve());
      if (receiver.mode === 'inform') open.inform(oid, varbinds, options, (err) => done(err));
      else open.trap(oid, varbinds, options, (err) => done(err));
    });
    return { ok: true };
  } catch (err) {
    return failure(err, receiver);
  } finally {
    try { s?.close(); } catch { /* closed already */ }
  }
}
