// Time from a fault injected in the simulated demo to the members gone from the membership file,
// two ways: with traps off, the poll path alone (a fault waits for the next poll: about half a
// poll interval on average); and as the demo runs, where the PDU announces the trip by trap.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApp } from '../src/app.js';
import { demoConfig, waitFor } from '../test/helpers/demo-config.js';

const SINGLE = Array.from({ length: 20 }, (_, i) => `scan-0${57 + i}`);

export interface FaultToDrainResult {
  pollIntervalMs: number;
  traps: boolean;
  samplesMs: number[];
}

export async function faultToDrain(trials: number, o: { traps: boolean; pollInterval?: string }): Promise<FaultToDrainResult> {
  const { config, stateDir } = demoConfig({ snmpPort: 23161, pollInterval: o.pollInterval ?? '2s', holdDown: '0s' });
  // Off, neither the receiver listens nor do the simulated PDUs send.
  config.settings.traps.enabled = o.traps;
  const app = await startApp({ config, stateDir, logLevel: 'silent' });
  const membersFile = join(stateDir, 'var/pools/scanners.members');
  const active = async () => new Set((await readFile(membersFile, 'utf8').catch(() => '')).split('\n').filter(Boolean));
  const samplesMs: number[] = [];
  try {
    await waitFor('all 80 active', async () => (await active()).size === 80, 30_000);
    for (let i = 0; i < trials; i++) {
      // Land the fault at a random point of the poll cycle.
      await new Promise((r) => setTimeout(r, Math.random() * config.settings.pollInterval));
      const fault = app.simulator!.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
      const t0 = performance.now();
      await waitFor('drained in the file', async () => { const a = await active(); return SINGLE.every((n) => !a.has(n)); }, 60_000, 5);
      samplesMs.push(performance.now() - t0);
      app.simulator!.clearFault(fault.id);
      // Reload until power reads normal again and everyone is back.
      await waitFor('all 80 active again', async () => {
        await app.reloader.reloadNow('bench');
        return (await active()).size === 80;
      }, 60_000, 250);
    }
  } finally {
    await app.stop();
  }
  return { pollIntervalMs: config.settings.pollInterval, traps: o.traps, samplesMs };
}
