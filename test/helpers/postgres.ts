// A real PostgreSQL (Debian's postgresql 15) for a test: a cluster made by initdb in a temp dir,
// served on a loopback port, trust auth for one user. PostgreSQL refuses to run as root: as root,
// the cluster belongs to the `postgres` user the package creates.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { stopChild } from './child-process.js';
import { freeTcpPort } from './ports.js';

export interface Postgres {
  /** postgres://breakerbox@127.0.0.1:PORT/breakerbox */
  url: string;
  port: number;
  /** Stops the server, keeping its data (start() brings it back on the same port). */
  pause(): Promise<void>;
  start(): Promise<void>;
  /** Runs one statement as the test's own client. */
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/** Where Debian keeps the server's programs. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  if (!version) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  return join(root, version, 'bin');
}

function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'bb-postgres-'));
  const as = owner();
  if (as) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'breakerbox', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], { stdio: 'pipe', ...as });
  const port = await freeTcpPort();
  const url = `postgres://breakerbox@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | null = null;
  let log = '';

  const start = async () => {
    log = '';
    child = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'], { stdio: ['ignore', 'pipe', 'pipe'], ...as });
    child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
    const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`postgres exited (${code}): ${log.slice(-2_000)}`))));
    const ready = (async () => {
      for (;;) {
        const client = new pg.Client({ connectionString: url });
        try {
          await client.connect();
          await client.end();
          return;
        } catch {
          await client.end().catch(() => {});
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    })();
    await Promise.race([ready, exited]);
    exited.catch(() => {});
  };
  await start();

  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  return {
    url, port, query, start,
    // SIGINT: PostgreSQL's fast shutdown (clients disconnected, nothing waits for them).
    async pause() {
      if (!child) return;
      const c = child;
      child = null;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGINT');
        await exited;
      }
    },
    async stop() {
      if (child) await stopChild(child, 5_000);
      child = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
