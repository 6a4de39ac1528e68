// Time from a fault injected in the simulated demo to the members gone from the membership file,
// two ways: with traps off, the poll path alone (a fault waits for the next poll: about half a
// poll interval on average); and as the demo runs, where the PDU announces the trip by trap. Beside
// it, the time to the page at a webhook receiver on loopback (a real HTTP server in this process).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startApp } from '../src/app.js';
import { demoConfig, waitFor } from '../test/helpers/demo-config.js';

const SINGLE = Array.from({ length: 20 }, (_, i) => `scan-0${57 + i}`);

export interface FaultToDrainResult {
  pollIntervalMs: number;
  traps: boolean;
  samplesMs: number[];
  /** Fault → the trigger page for the tripped bank received, per trial. */
  pageSamplesMs: number[];
}

export async function faultToDrain(trials: number, o: { traps: boolean; pollInterval?: string }): Promise<FaultToDrainResult> {
  const { config, stateDir } = demoConfig({ snmpPort: 23161, pollInterval: o.pollInterval ?? '2s', holdDown: '0s' });
  // Off, neither the receiver listens nor do the simulated PDUs send.
  config.settings.traps.enabled = o.traps;
  // The receiver: resolves the waiter of the next trigger page about the bank.
  let onPage: (() => void) | null = null;
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const page = JSON.parse(body) as { kind: string; story: { key: string } };
      if (page.kind === 'trigger' && page.story.key === 'breaker-tripped:bank:dal3-r07-a bank 1') onPage?.();
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  config.settings.alerts.receivers = [{ type: 'webhook', name: 'bench', url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/page`, minSeverity: 'critical', timeout: 5_000 }];
  // The bench trips the same bank again and again: the flapping rule would mute it after four changes.
  config.settings.alerts.flapping = { changes: 1_000, window: 600_000 };
  const app = await startApp({ config, stateDir, logLevel: 'silent' });
  const membersFile = join(stateDir, 'var/pools/scanners.members');
  const active = async () => new Set((await readFile(membersFile, 'utf8').catch(() => '')).split('\n').filter(Boolean));
  const samplesMs: number[] = [];
  const pageSamplesMs: number[] = [];
  try {
    await waitFor('all 80 active', async () => (await active()).size === 80, 30_000);
    for (let i = 0; i < trials; i++) {
      // Land the fault at a random point of the poll cycle.
      await new Promise((r) => setTimeout(r, Math.random() * config.settings.pollInterval));
      const paged = new Promise<number>((resolve, reject) => {
        const late = setTimeout(() => reject(new Error('no page within 30 s of the fault')), 30_000);
        onPage = () => { clearTimeout(late); resolve(performance.now()); };
      });
      const fault = app.simulator!.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
      const t0 = performance.now();
      await waitFor('drained in the file', async () => { const a = await active(); return SINGLE.every((n) => !a.has(n)); }, 60_000, 5);
      samplesMs.push(performance.now() - t0);
      pageSamplesMs.push((await paged) - t0);
      onPage = null;
      app.simulator!.clearFault(fault.id);
      // Reload until power reads normal again and everyone is back, and the trip's alert has resolved (the next trip pages anew).
      await waitFor('all 80 active again', async () => {
        await app.reloader.reloadNow('bench');
        return (await active()).size === 80;
      }, 60_000, 250);
      await waitFor('the trip\'s alert resolved', () => !app.alerts.list().some((a) => a.rule === 'breaker-tripped' && a.state !== 'resolved'), 30_000, 50);
    }
  } finally {
    await app.stop();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
  return { pollIntervalMs: config.settings.pollInterval, traps: o.traps, samplesMs, pageSamplesMs };
}
