import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './child-process.js';

export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';
export const haproxyAvailable = existsSync(HAPROXY_BIN);

export interface HaproxyOptions {
  /** Server names of the backend; each gets a Node HTTP server answering its own name. */
  servers?: string[];
  /** Backend name; default "scanners". */
  backend?: string;
  /** Health checks every 200 ms (default off). */
  check?: boolean;
}

export interface RunningHaproxy {
  backend: string;
  servers: string[];
  frontendUrl: string;
  /** Unix stats socket at level admin. */
  socketPath: string;
  /** TCP stats socket at level admin, "127.0.0.1:port". */
  tcpSocket: string;
  /** Unix stats socket at level user (read-only). */
  userSocketPath: string;
  dir: string;
  /** One raw runtime command on the admin socket (independent of the code under test). */
  command(cmd: string): Promise<string>;
  /** srv_admin_state per server name, read independently of the code under test. */
  adminStates(): Promise<Map<string, number>>;
  /** `count` sequential HTTP GETs through the frontend, each on a new connection: responses per server name. */
  hits(count: number, cookie?: string): Promise<Map<string, number>>;
  /** Restarts HAProxy with the same configuration: its runtime state is lost. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** A free loopback TCP port (bound then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One command over a unix or "host:port" stats socket; reply read until HAProxy closes. */
export function rawCommand(socket: string, cmd: string, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const m = /^([\d.]+):(\d+)$/.exec(socket);
    const conn: Socket = m ? createConnection({ host: m[1]!, port: Number(m[2]) }) : createConnection({ path: socket });
    let out = '';
    const timer = setTimeout(() => { conn.destroy(); reject(new Error(`no answer to ${cmd} on ${socket}`)); }, timeoutMs);
    conn.on('connect', () => conn.write(`${cmd}\n`));
    conn.on('data', (d: Buffer) => { out += d.toString(); });
    conn.on('error', (err) => { clearTimeout(timer); reject(err); });
    conn.on('close', () => { clearTimeout(timer); resolve(out); });
  });
}

/** srv_admin_state per server name from a `show servers state` reply. */
export function parseAdminStates(reply: string): Map<string, number> {
  const lines = reply.split('\n').filter((l) => l.trim());
  if (!/^\d+$/.test(lines[0] ?? '')) throw new Error(`show servers state: ${reply}`);
  const cols = lines[1]!.replace(/^#\s*/, '').split(/\s+/);
  const name = cols.indexOf('srv_name');
  const admin = cols.indexOf('srv_admin_state');
  return new Map(lines.slice(2).map((l) => {
    const f = l.trim().split(/\s+/);
    return [f[name]!, Number(f[admin])];
  }));
}

/** One GET on a new connection; resolves with the body of a 200, rejects on anything else. */
export function get(url: string, cookie?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: cookie ? { cookie } : {}, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}: ${body}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout on ${url}`)));
    req.on('error', reject);
  });
}

/**
 * A real HAProxy in a temp dir on loopback: admin stats sockets (unix and TCP), a user-level
 * unix socket, a frontend, and backend `scanners` (roundrobin, cookie persistence "SRV") whose
 * servers are tiny Node HTTP servers that answer their own name.
 */
export async function start(opts: HaproxyOptions = {}): Promise<RunningHaproxy> {
  const backend = opts.backend ?? 'scanners';
  const servers = opts.servers ?? ['scan-01', 'scan-02', 'scan-03', 'scan-04', 'scan-05', 'scan-06'];
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
  const https: http.Server[] = [];
  let child: ChildProcess | null = null;
  let output = '';
  try {
    const ports: number[] = [];
    for (const name of servers) {
      const srv = http.createServer((_req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.end(name);
      });
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
      https.push(srv);
      ports.push((srv.address() as AddressInfo).port);
    }
    const frontendPort = await freePort();
    const tcpPort = await freePort();
    const socketPath = join(dir, 'admin.sock');
    const userSocketPath = join(dir, 'user.sock');
    const tcpSocket = `127.0.0.1:${tcpPort}`;
    const check = opts.check ? ' check inter 200ms fall 2 rise 1' : '';
    const conf = join(dir, 'haproxy.cfg');
    writeFileSync(conf, [
      'global',
      `  stats socket ${socketPath} level admin`,
      `  stats socket ipv4@${tcpSocket} level admin`,
      `  stats socket ${userSocketPath} level user`,
      '  maxconn 512',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 10s',
      '  timeout server 10s',
      'frontend fe',
      `  bind 127.0.0.1:${frontendPort}`,
      `  default_backend ${backend}`,
      `backend ${backend}`,
      '  balance roundrobin',
      '  cookie SRV insert indirect nocache',
      ...servers.map((name, i) => `  server ${name} 127.0.0.1:${ports[i]} cookie ${name}${check}`),
      '',
    ].join('\n'));

    const launch = async () => {
      output = '';
      const proc = spawn(HAPROXY_BIN, ['-f', conf, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      proc.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
      proc.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
      proc.on('error', (err) => { output += `spawn error: ${err.message}`; });
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`haproxy exited: ${output}`);
        try {
          const [a, b] = await Promise.all([rawCommand(socketPath, 'show info', 500), rawCommand(tcpSocket, 'show info', 500)]);
          if (/^Name: HAProxy/m.test(a) && /^Name: HAProxy/m.test(b)) return;
        } catch { /* not up yet */ }
        if (Date.now() > deadline) {
          proc.kill('SIGKILL');
          throw new Error(`haproxy did not start: ${output}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const halt = async () => {
      const proc = child;
      child = null;
      if (proc) await stopChild(proc);
    };

    await launch();
    const frontendUrl = `http://127.0.0.1:${frontendPort}/`;
    return {
      backend, servers, frontendUrl, socketPath, tcpSocket, userSocketPath, dir,
      command: (cmd) => rawCommand(socketPath, cmd),
      adminStates: async () => parseAdminStates(await rawCommand(socketPath, `show servers state ${backend}`)),
      async hits(count, cookie) {
        const tally = new Map<string, number>();
        for (let i = 0; i < count; i++) {
          const name = await get(frontendUrl, cookie);
          tally.set(name, (tally.get(name) ?? 0) + 1);
        }
        return tally;
      },
      async reload() {
        await halt();
        await launch();
      },
      async stop() {
        await halt();
        await closeHttp(https);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    const proc = child as ChildProcess | null;
    proc?.kill('SIGKILL');
    await closeHttp(https);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function closeHttp(servers: http.Server[]): Promise<void> {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  })));
}

export interface RecordingProxy {
  /** Unix socket path to point a backend at. */
  path: string;
  /** Every command line that passed through, in order. */
  commands: string[];
  close(): Promise<void>;
}

/** A unix socket that forwards each connection to `target` and records the command lines sent. */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-proxy-'));
  const path = join(dir, 'proxy.sock');
  const commands: string[] = [];
  const server: Server = createServer((client) => {
    const m = /^([\d.]+):(\d+)$/.exec(target);
    const upstream = m ? createConnection({ host: m[1]!, port: Number(m[2]) }) : createConnection({ path: target });
    let pending = '';
    client.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        commands.push(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(path, () => resolve()));
  return {
    path, commands,
    close: () => new Promise<void>((resolve) => server.close(() => {
      rmSync(dir, { recursive: true, force: true });
      resolve();
    })),
  };
}

/** A unix socket that accepts connections and never answers (for timeouts). */
export async function silentSocket(): Promise<{ path: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-silent-'));
  const path = join(dir, 'silent.sock');
  const conns = new Set<Socket>();
  const server = createServer((c) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
    c.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(path, () => resolve()));
  return {
    path,
    close: () => new Promise<void>((resolve) => {
      for (const c of conns) c.destroy();
      server.close(() => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
    }),
  };
}
