import { createConnection, type Socket } from 'node:net';

/**
 * A small client for HAProxy's runtime API (the "stats socket"): one command per connection.
 * HAProxy, in its default non-interactive mode, answers one line of commands and closes the
 * connection, so a reply is complete when the server closes.
 */

export type RuntimeAddress =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; host: string; port: number };

/**
 * `/run/haproxy/admin.sock`, `unix@/path`, `host:port`, `ipv4@host:port`, `[::1]:port` or
 * `ipv6@[::1]:port`. Anything holding a "/" is a unix socket path.
 */
export function parseRuntimeAddress(socket: string): RuntimeAddress {
  const s = socket.trim();
  if (s.startsWith('unix@')) return { kind: 'unix', path: s.slice(5) };
  const bare = s.replace(/^ipv[46]@/, '');
  if (!bare.includes('/')) {
    const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(bare) ?? /^([^:[\]]+):(\d{1,5})$/.exec(bare);
    if (m) {
      const port = Number(m[2]);
      if (port >= 1 && port <= 65_535) return { kind: 'tcp', host: m[1]!, port };
    }
  }
  return { kind: 'unix', path: s };
}

export function describeAddress(address: RuntimeAddress): string {
  return address.kind === 'unix' ? address.path : `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

const MAX_REPLY_BYTES = 8 * 1024 * 1024;

/**
 * Sends one command and resolves with HAProxy's whole reply. Rejects (never throws from a socket
 * callback) on connection errors, on a reply larger than 8 MiB, and when `timeoutMs` passes first.
 */
export function runtimeCommand(address: RuntimeAddress, command: string, timeoutMs: number): Promise<string> {
  if (/[\r\n]/.test(command)) return Promise.reject(new Error(`HAProxy runtime command must be one line: ${JSON.stringify(command)}`));
  const where = describeAddress(address);
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let socket: Socket | null = null;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => {
      finish(new Error(`HAProxy runtime API at ${where} did not answer "${command}" within ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      socket = address.kind === 'unix'
        ? createConnection({ path: address.path })
        : createConnection({ host: address.host, port: address.port });
    } catch (err) {
      finish(new Error(`cannot connect to HAProxy runtime API at ${where}: ${(err as Error).message}`));
      return;
    }
    socket.on('connect', () => { socket?.write(`${command}\n`); });
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REPLY_BYTES) {
        finish(new Error(`HAProxy runtime API at ${where} sent more than ${MAX_REPLY_BYTES} bytes for "${command}"`));
        return;
      }
      chunks.push(chunk);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      finish(new Error(`cannot talk to HAProxy runtime API at ${where} (${err.code ?? 'error'}): ${connectHint(err)}`));
    });
    socket.on('close', () => finish(null));
  });
}

function connectHint(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'no such socket; is HAProxy running with "stats socket" at this path?';
    case 'ECONNREFUSED': return 'connection refused; is HAProxy running with a stats socket here?';
    case 'EACCES': return 'permission denied on the socket file';
    default: return err.message;
  }
}

/** Bits of `srv_admin_state` (HAProxy 2.6 management guide, "show servers state"). */
export const ADMIN = {
  FMAINT: 0x01, // forced into maintenance (set server ... state maint / disable server)
  IMAINT: 0x02, // maintenance inherited from a tracked server
  CMAINT: 0x04, // "disabled" in the configuration; a marker only, it stays set after "ready"
  FDRAIN: 0x08, // forced into drain (set server ... state drain)
  IDRAIN: 0x10, // drain inherited from a tracked server
  RMAINT: 0x20, // maintenance because its address did not resolve
  FQDN_CHANGED: 0x40, // fqdn set at runtime; not a state
} as const;

/** HAProxy's own SRV_ADMF_MAINT (0x23, deliberately without CMAINT) and SRV_ADMF_DRAIN (0x18). */
export const ADMIN_MAINT = ADMIN.FMAINT | ADMIN.IMAINT | ADMIN.RMAINT;
export const ADMIN_DRAIN = ADMIN.FDRAIN | ADMIN.IDRAIN;

/** A server takes new (non-persistent) traffic when no maintenance or drain flag is set. */
export function adminActive(adminState: number): boolean {
  return (adminState & (ADMIN_MAINT | ADMIN_DRAIN)) === 0;
}

/** "READY", "MAINT (forced)", "DRAIN (forced, inherited)" … for messages. */
export function describeAdmin(adminState: number): string {
  const why: string[] = [];
  const kind = adminState & ADMIN_MAINT ? 'MAINT' : adminState & ADMIN_DRAIN ? 'DRAIN' : 'READY';
  if (kind === 'MAINT') {
    if (adminState & ADMIN.FMAINT) why.push('forced');
    if (adminState & ADMIN.IMAINT) why.push('inherited from a tracked server');
    if (adminState & ADMIN.RMAINT) why.push('address resolution failed');
  } else if (kind === 'DRAIN') {
    if (adminState & ADMIN.FDRAIN) why.push('forced');
    if (adminState & ADMIN.IDRAIN) why.push('inherited from a tracked server');
  }
  return why.length ? `${kind} (${why.join(', ')})` : kind;
}

export interface ServerState {
  name: string;
  adminState: number;
  /** srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping. */
  opState: number;
}

/**
 * Parses the reply to `show servers state <backend>`: a version line, a "# " header naming the
 * columns, then one line per server. Columns are found by name, not position. A reply that does
 * not start with a version number is HAProxy's error text and becomes an Error.
 */
export function parseServersState(reply: string, backend: string, where: string): Map<string, ServerState> {
  const lines = reply.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  const first = lines[0]?.trim() ?? '';
  if (!/^\d+$/.test(first)) {
    if (/can't find backend|no such backend/i.test(first)) throw new Error(`HAProxy at ${where} has no backend "${backend}"`);
    if (/permission denied/i.test(first)) throw new Error(`HAProxy at ${where} refused "show servers state ${backend}": permission denied`);
    throw new Error(`HAProxy at ${where} answered "show servers state ${backend}" with: ${first || '(nothing)'}`);
  }
  const header = lines[1];
  if (!header || !header.startsWith('#')) throw new Error(`HAProxy at ${where}: "show servers state ${backend}" has no column header`);
  const columns = header.replace(/^#\s*/, '').split(/\s+/);
  const col = (name: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`HAProxy at ${where}: "show servers state" (format ${first}) has no ${name} column`);
    return i;
  };
  const iBackend = columns.indexOf('be_name');
  const iName = col('srv_name');
  const iAdmin = col('srv_admin_state');
  const iOp = col('srv_op_state');
  const needed = Math.max(iName, iAdmin, iOp, iBackend) + 1;
  const servers = new Map<string, ServerState>();
  for (const line of lines.slice(2)) {
    if (line.startsWith('#')) continue;
    const fields = line.trim().split(/\s+/);
    if (fields.length < needed) throw new Error(`HAProxy at ${where}: malformed "show servers state" line: ${line}`);
    if (iBackend >= 0 && fields[iBackend] !== backend) continue;
    const adminState = Number(fields[iAdmin]);
    const opState = Number(fields[iOp]);
    if (!Number.isInteger(adminState) || !Number.isInteger(opState)) {
      throw new Error(`HAProxy at ${where}: malformed "show servers state" line: ${line}`);
    }
    servers.set(fields[iName]!, { name: fields[iName]!, adminState, opState });
  }
  return servers;
}
