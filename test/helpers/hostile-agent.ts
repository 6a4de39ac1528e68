// Starts hostile and broken SNMP agents in a child process (hostile-agent-process.ts), so a test's own
// event loop never hosts an agent that a flood or a busy loop could stall.
import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from './child-process.js';
import { helperScript } from './cli.js';

export interface AgentSpec {
  name: string;
  /** A loopback address to listen on (127.x.y.z); the port is chosen by the system. */
  host: string;
  community: string;
  /**
   * normal: 8 outlets; endless: `rows` outlets (20,000) named with `valueBytes` (2,500) bytes each;
   * slow: answers after `delayMs`; community: answers with `answerCommunity`; malformed: one
   * five-byte IpAddress in place of each outlet name.
   */
  mode: 'normal' | 'endless' | 'slow' | 'community' | 'malformed';
  rows?: number;
  valueBytes?: number;
  delayMs?: number;
  answerCommunity?: string;
}

export interface HostileAgents {
  /** "host:port" of each agent by name. */
  address(name: string): string;
  stop(): Promise<void>;
}

export async function startHostileAgents(specs: AgentSpec[]): Promise<HostileAgents> {
  const child: ChildProcess = spawn(process.execPath, [...helperScript('hostile-agent-process'), JSON.stringify(specs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const ready = await new Promise<{ name: string; port: number }[]>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) resolve((JSON.parse(line) as { ready: { name: string; port: number }[] }).ready);
    });
    child.once('exit', (code) => reject(new Error(`hostile agents exited (${code}): ${err}`)));
  });
  const ports = new Map(ready.map((r) => [r.name, r.port]));
  const hosts = new Map(specs.map((s) => [s.name, s.host]));
  return {
    address: (name) => `${hosts.get(name)}:${ports.get(name)}`,
    stop: () => stopChild(child),
  };
}
