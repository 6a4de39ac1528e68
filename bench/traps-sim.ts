// The demo's simulated PDUs and nodes in a process of their own, sending no traps, for the
// out-of-process variant of bench/traps.ts's latency: there the confirming poll is answered by
// another process (as a real PDU is another machine) instead of by agents sharing Breakerbox's
// event loop. Driven over IPC; exits when its parent goes away.
import { rmSync } from 'node:fs';
import { Simulator } from '../src/sim/simulator.js';
import { demoConfig } from '../test/helpers/demo-config.js';

export type SimCommand =
  | { type: 'start'; snmpPort: number }
  | { type: 'inject'; spec: unknown }
  | { type: 'clear'; id: string }
  | { type: 'exit' };
export type SimReply = { type: 'ok'; id?: string } | { type: 'failed'; error: string };

let sim: Simulator | null = null;
const reply = (r: SimReply) => process.send?.(r);

async function exit(): Promise<never> {
  await sim?.stop();
  process.exit(0);
}

process.on('disconnect', () => void exit());
process.on('message', (cmd: SimCommand) => {
  void (async () => {
    try {
      if (cmd.type === 'exit') await exit();
      if (cmd.type === 'start') {
        // The same config the parent builds from the same overrides (its temp state dir is not needed here).
        const { config, stateDir } = demoConfig({ snmpPort: cmd.snmpPort, pollInterval: '60s', holdDown: '0s' });
        rmSync(stateDir, { recursive: true, force: true });
        sim = new Simulator(config, { trapTarget: null });
        await sim.start();
        reply({ type: 'ok' });
      } else if (cmd.type === 'inject') {
        reply({ type: 'ok', id: sim!.injectFault(cmd.spec).id });
      } else if (cmd.type === 'clear') {
        sim!.clearFault(cmd.id);
        reply({ type: 'ok' });
      }
    } catch (err) {
      reply({ type: 'failed', error: (err as Error).stack ?? String(err) });
    }
  })();
});
