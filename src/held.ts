// A second Breakerbox started where one already runs finds a port or the database held: it says
// what is held, by which process when the OS tells (Linux's /proc, for this user's processes), and
// what to do, in one line, and exits with EXIT_HELD — never a stack trace.
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { DatabaseLockedError } from './drain/store-lock.js';

/** The exit code of a start refused because another process holds a port or the database (EX_TEMPFAIL: retry once it is gone). */
export const EXIT_HELD = 75;

/** A port Breakerbox must listen on that another process already holds. */
export class PortInUseError extends Error {
  readonly code = 'BB_ERR_PORT_IN_USE';
  constructor(readonly what: 'HTTP' | 'trap', readonly protocol: 'tcp' | 'udp', readonly address: string, readonly port: number) {
    super(`${what} port ${address}:${port} is already in use by another process [BB_ERR_PORT_IN_USE]`);
  }
}

/** Whether a socket error is the OS saying another socket holds the address. */
export function isAddressInUse(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if ((e as { code?: unknown }).code === 'EADDRINUSE') return true;
  return false;
}

/** The one line a refused start prints, or null when `err` is not about something held. */
export function heldMessage(err: unknown): string | null {
  if (err instanceof DatabaseLockedError) {
    const lock = `${err.path}.lock`;
    const by = holder(lockHolder(lock));
    return `breakerbox: database ${err.path} is in use by another Breakerbox process (${by ? `${by}; ` : ''}lock ${lock}); `
      + 'stop that one first, or give this one another settings.database [BB_ERR_DB_LOCKED]';
  }
  if (err instanceof PortInUseError) {
    const by = holder(portHolder(err.protocol, err.port));
    const todo = err.what === 'HTTP' ? 'start this one with --port N' : 'set settings.traps.port to a free port';
    return `breakerbox: ${err.what} port ${err.address}:${err.port} is already in use${by ? ` (${by})` : ''}; stop that process, or ${todo} [BB_ERR_PORT_IN_USE]`;
  }
  return null;
}

/** "pid N: its command", shortened, or null when unknown. */
function holder(pid: number | null): string | null {
  if (pid === null) return null;
  const command = describeProcess(pid);
  return command ? `pid ${pid}: ${command}` : `pid ${pid}`;
}

/** A process's command line with paths cut to their last part: `node cli.js run dallas-3.yaml`. */
export function describeProcess(pid: number): string | null {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const text = argv.map((a) => (/^(\/|file:\/\/)/.test(a) ? basename(a) : a)).join(' ');
    return text.length > 80 ? `${text.slice(0, 79)}…` : text || null;
  } catch {
    return null;
  }
}

/** The process listening on (TCP) or bound to (UDP) a local port, or null when the OS does not say. */
export function portHolder(protocol: 'tcp' | 'udp', port: number): number | null {
  const inodes = new Set<string>();
  for (const table of [`/proc/net/${protocol}`, `/proc/net/${protocol}6`]) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const localPort = parseInt(f[1]?.split(':')[1] ?? '', 16);
      // TCP: the listener (state 0A), not connections to it.
      if (localPort === port && (protocol === 'udp' || f[3] === '0A') && f[9] && f[9] !== '0') inodes.add(f[9]);
    }
  }
  return inodes.size === 0 ? null : processWith((link) => inodes.has(/^socket:\[(\d+)\]$/.exec(link)?.[1] ?? ''));
}

/** The process holding a POSIX lock on `file` (SQLite's exclusive lock on the database's lock file), or null. */
export function lockHolder(file: string): number | null {
  let ino: bigint;
  try {
    ino = statSync(file, { bigint: true }).ino;
  } catch {
    return null;
  }
  try {
    // "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 1073741824 1073742335": pid, then major:minor:inode.
    for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      const pid = Number(f[4]);
      if (f[5]?.split(':')[2] === String(ino) && Number.isInteger(pid) && pid > 0) return pid;
    }
  } catch {
    // not Linux
  }
  return null;
}

/** The first process one of whose open files `matches` (only this user's processes can be looked into). */
function processWith(matches: (link: string) => boolean): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (matches(readlinkSync(`/proc/${pid}/fd/${fd}`))) return Number(pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  return null;
}
