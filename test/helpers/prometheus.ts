// A real Prometheus (Debian's prometheus 2.42) for tests: config and storage in a temp folder,
// listening on a free loopback port, scraping the given targets every second.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './child-process.js';
import { waitFor } from './demo-config.js';
import { freeTcpPort } from './ports.js';

export interface PromSample { metric: Record<string, string>; value: [number, string] }

export interface Prometheus {
  url: string;
  /** An instant query through the HTTP API: the samples of the resulting vector. */
  query(expr: string): Promise<PromSample[]>;
  /** What Prometheus said on stderr lately (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface ScrapeTarget {
  /** host:port */
  target: string;
  job?: string;
  /** Sent as "Authorization: Bearer …" with each scrape. */
  bearer?: string;
}

export async function startPrometheus(targets: readonly ScrapeTarget[]): Promise<Prometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'breakerbox-prom-'));
  // JSON is YAML: no quoting of a token to get wrong.
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    scrape_configs: targets.map((t, i) => ({
      job_name: t.job ?? `target-${i}`,
      static_configs: [{ targets: [t.target] }],
      ...(t.bearer ? { authorization: { type: 'Bearer', credentials: t.bearer } } : {}),
    })),
  };
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const port = await freeTcpPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('/usr/bin/prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-8_000); });
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('Prometheus ready', async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr}`);
      return (await fetch(`${url}/-/ready`).catch(() => null))?.ok;
    }, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    output: () => stderr,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] } };
      if (body.status !== 'success' || body.data?.resultType !== 'vector') throw new Error(`query ${expr}: ${body.error ?? body.data?.resultType}`);
      return body.data.result;
    },
    stop,
  };
}
