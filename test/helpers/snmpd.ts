import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './child-process.js';

export interface Snmpd {
  port: number;
  stop(): Promise<void>;
}

/** Net-SNMP's snmpd on loopback with a config of our own (extra lines: override, views …). */
export async function startSnmpd(port: number, extraConfig = ''): Promise<Snmpd> {
  const dir = mkdtempSync(join(tmpdir(), 'snmpd-'));
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(conf, `agentaddress udp:127.0.0.1:${port}\nrocommunity public 127.0.0.1\n${extraConfig}\n`);
  const child: ChildProcess = spawn('/usr/sbin/snmpd', ['-f', '-Lo', '-C', '-c', conf, '-p', join(dir, 'snmpd.pid')], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: dir, MIBS: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const deadline = Date.now() + 10_000;
  while (!/NET-SNMP version/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`snmpd did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
