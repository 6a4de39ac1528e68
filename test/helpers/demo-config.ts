import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load-config.js';
import { startApp, type App } from '../../src/app.js';
import type { Config } from '../../src/config/schema.js';
import { demoConfigPath } from '../../src/paths.js';

export interface DemoOverrides {
  /** UDP port every simulated device listens on (each on its own loopback address). */
  snmpPort: number;
  /** UDP port of the trap receiver on 127.0.0.1 (default: snmpPort + 1). */
  trapPort?: number;
  pollInterval?: string;
  holdDown?: string;
}

/** The shipped demo data center, sped up for tests, with its own SNMP port and a temp state dir. */
export function demoConfig(o: DemoOverrides): { config: Config; stateDir: string } {
  const text = readFileSync(demoConfigPath(), 'utf8')
    .replaceAll(':1161', `:${o.snmpPort}`)
    .replace(/pollInterval: \S+/, `pollInterval: ${o.pollInterval ?? '1s'}`)
    .replace(/holdDown: \S+/, `holdDown: ${o.holdDown ?? '2s'}`)
    .replace(/snmpTimeout: \S+/, 'snmpTimeout: 400ms')
    .replace(/port: 8080/, 'port: 0')
    .replace(/port: 1162/, `port: ${o.trapPort ?? o.snmpPort + 1}`)
    .replace(/host: 0\.0\.0\.0/, 'host: 127.0.0.1');
  return { config: parseConfigText(text, 'dallas-3 (test)'), stateDir: mkdtempSync(join(tmpdir(), 'breakerbox-test-')) };
}

/** Polls `check` until it returns a truthy value or the time runs out. */
type Falsy = null | undefined | false | 0 | '';
export async function waitFor<T>(what: string, check: () => Promise<T | Falsy> | T | Falsy, timeoutMs = 15_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const quietLog = 'silent';

/**
 * The demo on free ports, its config edited first, started once every node has been polled normal.
 * `stateDir` and `config` serve a restart on the same database.
 */
export async function startDemo(edit: (config: Config) => void = () => {}): Promise<{ app: App; config: Config; stateDir: string }> {
  const { freeUdpPort } = await import('./ports.js');
  const { config, stateDir } = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort() });
  edit(config);
  const app = await startApp({ config, stateDir, logLevel: 'silent' });
  await waitFor('every node polled normal', async () => ((await (await fetch(`${app.url}/api/nodes`)).json()) as { power: string }[]).every((n) => n.power === 'normal'), 60_000);
  return { app, config, stateDir };
}
