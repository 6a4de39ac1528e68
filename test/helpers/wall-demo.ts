// What the browser tests share: Chromium's flags for this machine, free ports, the demo made fast, and waits on the wall.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { freeUdpPort } from './ports.js';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

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
  const file = join(packageRoot(), 'examples', 'dallas-3.yaml');
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

/** Waits until every listed member chip on the wall shows the given attributes. */
export async function waitForMembers(page: Page, nodes: string[], want: { state?: string; power?: string; pinned?: boolean }, timeout = 30_000): Promise<void> {
  try {
    await page.waitForFunction(([names, w]) => names.every((n) => {
      const el = document.querySelector(`[data-testid="member-${n}"]`);
      return el !== null && (!w.state || el.getAttribute('data-state') === w.state) && (!w.power || el.getAttribute('data-power') === w.power)
        && (w.pinned === undefined || (el.getAttribute('data-pinned') === 'true') === w.pinned);
    }), [nodes, want] as const, { timeout, polling: 100 });
  } catch (err) {
    const seen = await page.$$eval('[data-testid^="member-"]', (els, names) => els
      .filter((e) => names.includes(e.getAttribute('data-testid')!.slice('member-'.length)))
      .map((e) => `${e.getAttribute('data-testid')}=${e.getAttribute('data-state')}/${e.getAttribute('data-power')}/pinned:${e.getAttribute('data-pinned')}`), nodes);
    throw new Error(`members never reached ${JSON.stringify(want)}: ${seen.join(' ')}`, { cause: err });
  }
}

/** The page's scroll size: a wall must fit its screen. */
export async function fitsScreen(page: Page): Promise<{ scrollWidth: number; scrollHeight: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight }));
}
