// Every SNMP failure becomes one fixed, secret-free text here, where it is created: net-snmp's own
// messages can carry the community, the v3 user name or key material, so they never leave this file.
import snmp from 'net-snmp';

export type SnmpFailureKind =
  | 'timeout' | 'community' | 'version' | 'v3-auth' | 'v3-user' | 'v3-time' | 'v3-decrypt' | 'v3-engine' | 'v3-level'
  | 'cipher' | 'malformed' | 'partial' | 'agent-error' | 'no-such-name' | 'cancelled' | 'network' | 'limit' | 'unknown';

/** The fixed text of each kind; nothing from the wire or the library is ever appended (except safe codes). */
export const SNMP_FAILURE_TEXT: Readonly<Record<SnmpFailureKind, string>> = {
  timeout: 'no answer (timed out)',
  community: 'community rejected or mismatched',
  version: 'SNMP version mismatch',
  'v3-auth': 'SNMPv3 authentication failed (wrong auth key or protocol)',
  'v3-user': 'SNMPv3 user unknown to the agent',
  'v3-time': 'SNMPv3 time window mismatch',
  'v3-decrypt': 'SNMPv3 decryption failed (wrong privacy key or protocol)',
  'v3-engine': 'SNMPv3 engine ID unknown',
  'v3-level': 'SNMPv3 security level not supported by the agent',
  cipher: 'this cipher (DES) is disabled in Node.js\'s OpenSSL 3: use AES, or start node with --openssl-legacy-provider',
  malformed: 'malformed response',
  partial: 'answered only in part (other requests timed out)',
  'agent-error': 'the agent answered with an error',
  'no-such-name': 'the agent answered noSuchName',
  cancelled: 'request cancelled',
  network: 'network error',
  limit: 'the device exceeded a polling limit',
  unknown: 'SNMP request failed',
};

/** A failed SNMP operation: a fixed text from the table above and its kind. */
export interface SnmpFailure {
  ok: false;
  error: string;
  kind: SnmpFailureKind;
}

export function failure(kind: SnmpFailureKind, detail?: string): SnmpFailure {
  return { ok: false, kind, error: detail ? `${SNMP_FAILURE_TEXT[kind]} (${detail})` : SNMP_FAILURE_TEXT[kind] };
}

const INVALID = snmp.ResponseInvalidCode;
const USM: Record<string, SnmpFailureKind> = {
  'Unknown user name': 'v3-user', 'Wrong digests': 'v3-auth', 'Not in time window': 'v3-time',
  'Decryption error': 'v3-decrypt', 'Unknown engine ID': 'v3-engine', 'Unsupported security level': 'v3-level',
};
/** net-snmp's RFC 3416 error-status names: a fixed table, safe to show. */
const STATUS = snmp.ErrorStatus as unknown as Record<number, string>;

/** Any error net-snmp (or the socket under it) hands over → a fixed failure. Never reads out the message. */
export function classifySnmpError(error: unknown): SnmpFailure {
  if (!(error instanceof Error)) return failure('unknown');
  const e = error as Error & { code?: unknown; status?: unknown };
  switch (e.name) {
    case 'RequestTimedOutError': return failure('timeout');
    case 'RequestFailedError': {
      const status = typeof e.status === 'number' ? e.status : -1;
      if (status === snmp.ErrorStatus.NoSuchName) return failure('no-such-name');
      const name = STATUS[status];
      return failure('agent-error', typeof name === 'string' && /^[A-Za-z]+$/.test(name) ? name : undefined);
    }
    case 'ResponseInvalidError':
      switch (e.code) {
        case INVALID.ECommunityNoMatch: return failure('community');
        case INVALID.EVersionNoMatch: return failure('version');
        case 14: return failure('v3-time'); // ENotInTimeWindow, missing from the typings
        case INVALID.ECouldNotDecrypt: return failure('v3-decrypt');
        // The USM report names are net-snmp's own fixed strings; the digest message names no key.
        case INVALID.EAuthFailure: return failure(USM[e.message] ?? 'v3-auth');
        default: return failure('malformed');
      }
    default:
      break;
  }
  if (e.message === 'Socket forcibly closed') return failure('cancelled');
  if (/digital envelope routines::unsupported/i.test(e.message)) return failure('cipher');
  const code = typeof e.code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(e.code) ? e.code : undefined;
  if (code) return failure('network', code);
  const cls = /^[A-Za-z][A-Za-z0-9]{0,40}$/.test(e.name) ? e.name : 'Error';
  return failure('unknown', cls);
}
