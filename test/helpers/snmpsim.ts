import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NetSnmpClient } from '../../src/snmp/snmp-client.js';
import { stopChild } from './child-process.js';
import { freeUdpPort } from './ports.js';
import { waitFor } from './demo-config.js';
import { packageRoot } from '../../src/paths.js';

/** Where the shared recordings live: $BREAKERBOX_RECORDINGS, else ../shared/recordings beside the project. */
export const recordingsDir = (): string => resolve(process.env.BREAKERBOX_RECORDINGS ?? join(packageRoot(), '..', 'shared', 'recordings'));

export interface Snmpsim {
  port: number;
  /** A v2c client for one recording (its community is the file name without .snmprec). */
  client(recording: string): NetSnmpClient;
  stop(): Promise<void>;
}

/** Recordings written from a vendor's MIB for families with no shared recording (test/fixtures/snmprec). */
export const fixtureRecordingsDir = (): string => join(packageRoot(), 'test', 'fixtures', 'snmprec');

/**
 * Debian's snmpsimd serving every recording in the shared snmprec directory (and in `dataDirs`,
 * e.g. fixtureRecordingsDir()); on a free port unless one is given.
 */
export async function startSnmpsim(port?: number, extraArgs: string[] = [], dataDirs: string[] = []): Promise<Snmpsim> {
  port ??= await freeUdpPort();
  const cache = mkdtempSync(join(tmpdir(), 'snmpsim-cache-'));
  chmodSync(cache, 0o777); // snmpsimd drops to nobody
  const child: ChildProcess = spawn('snmpsimd', [
    `--data-dir=${join(recordingsDir(), 'snmprec')}`, ...dataDirs.map((d) => `--data-dir=${d}`), `--cache-dir=${cache}`, `--agent-udpv4-endpoint=127.0.0.1:${port}`,
    '--process-user=nobody', '--process-group=nogroup', '--logging-method=null', ...extraArgs,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const clients: NetSnmpClient[] = [];
  const client = (recording: string) => {
    const c = new NetSnmpClient({ host: '127.0.0.1', port, credentials: { version: '2c', community: recording }, timeoutMs: 3_000, retries: 1 });
    clients.push(c);
    return c;
  };
  const probe = client('apc_ap7900b');
  try {
    await waitFor('snmpsimd to answer', async () => {
      if (child.exitCode !== null) throw new Error(`snmpsimd exited: ${stderr}`);
      return (await probe.get(['1.3.6.1.2.1.1.2.0'])).ok;
    }, 30_000, 300);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    port,
    client,
    async stop() {
      for (const c of clients) c.close();
      await stopChild(child);
      rmSync(cache, { recursive: true, force: true });
    },
  };
}
