// What the browser tests share: Chromium's flags for this machine, free ports, and the demo made fast.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { freeUdpPort } from './ports.js';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface RawDemo {
  pdus: { address: string }[];
  nodes: { address: string }[];
  pools: { name: string; shadow?: boolean; backend: { dir: string }; drain: Record<string, unknown> }[];
  settings: Record<string, unknown>;
}

/** The demo data center, fast: 1 s polls, 2 s hold-down, no scheduled reload during the test; `edit` adds a test's own changes. */
export async function wallDemoConfig(stateDir: string, edit: (raw: RawDemo) => void = () => {}): Promise<Config> {
  const file = fileURLToPath(new URL('../../examples/dallas-3.yaml', import.meta.url));
  const raw = parse(await readFile(file, 'utf8')) as RawDemo;
  const port = await freeUdpPort();
  for (const device of [...raw.pdus, ...raw.nodes]) device.address = device.address.replace(/:\d+$/, `:${port}`);
  for (const pool of raw.pools) pool.backend.dir = stateDir;
  raw.settings = {
    ...raw.settings,
    pollInterval: '1s',
    // A reload only when the test asks for one (Jan 1st, midnight).
    reload: { schedule: '0 0 1 1 *', holdDown: '2s' },
    http: { port: 0, host: '127.0.0.1' },
    simulate: true,
    traps: { address: '127.0.0.1', port: await freeUdpPort(), communities: ['public'] },
  };
  edit(raw);
  return parseConfigText(stringify(raw), file);
}
