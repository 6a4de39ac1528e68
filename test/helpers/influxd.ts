// A real InfluxDB 1.x (Debian's influxdb) for a test: data in a temp dir, loopback only, reporting off.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './child-process.js';
import { freeTcpPort } from './ports.js';

export interface Influxd {
  url: string;
  port: number;
  dir: string;
  /** Stops the server, keeping its data (start() brings it back on the same port). */
  pause(): Promise<void>;
  start(): Promise<void>;
  /** Runs one InfluxQL statement, returning the raw JSON answer. */
  query(q: string, db?: string): Promise<InfluxAnswer>;
  stop(): Promise<void>;
}

export interface InfluxAnswer {
  results: { series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[]; error?: string }[];
}

export async function startInfluxd(): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), 'bb-influxd-'));
  const port = await freeTcpPort();
  const bind = await freeTcpPort();
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(conf, [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${bind}"`,
    '[meta]', `  dir = "${dir}/meta"`,
    '[data]', `  dir = "${dir}/data"`, `  wal-dir = "${dir}/wal"`, '  query-log-enabled = false', '  trace-logging-enabled = false',
    '[http]', `  bind-address = "127.0.0.1:${port}"`, '  log-enabled = false',
    '[continuous_queries]', '  log-enabled = false',
    '[monitor]', '  store-enabled = false',
    '',
  ].join('\n'));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = '';
  const start = async () => {
    child = spawn('influxd', ['run', '-config', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => { output = (output + b.toString()).slice(-4_000); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`influxd exited (${child.exitCode}): ${output}`);
      const ok = await fetch(`${url}/ping`).then((r) => r.status === 204, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`influxd did not answer /ping within 20 s: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await start();
  return {
    url, port, dir,
    pause: async () => { if (child) await stopChild(child); child = null; },
    start,
    query: async (q, db) => {
      const params = new URLSearchParams({ q, epoch: 'ms', ...(db ? { db } : {}) });
      const res = await fetch(`${url}/query?${params.toString()}`, { method: 'POST' });
      return (await res.json()) as InfluxAnswer;
    },
    stop: async () => {
      if (child) await stopChild(child);
      child = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
