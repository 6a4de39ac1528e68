// Debian's Net-SNMP snmptrapd in the foreground on a free loopback UDP port, logging to stdout
// every notification it accepts, decoded with mibs/BREAKERBOX-MIB: one block per notification,
// "--- <security: INFORM, SNMP v2c, community …>" and then one "name = TYPE: value" line per varbind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { stopChild } from './child-process.js';
import { freeUdpPort } from './ports.js';

/** The project's MIBs (BREAKERBOX-MIB). */
export const projectMibs = (): string => join(packageRoot(), 'mibs');
/** SNMPv2-SMI, -TC, -CONF and -MIB as net-snmp (npm) ships them: Debian's snmp package has no standard MIBs of its own. */
export const standardMibs = (): string => join(dirname(createRequire(import.meta.url).resolve('net-snmp')), 'lib', 'mibs');

export interface Notification {
  /** snmptrapd's %P: "INFORM, SNMP v2c, community …", "TRAP2, SNMP v3, user …, context ". */
  security: string;
  /** Each varbind as printed: `BREAKERBOX-MIB::bbAlertTitle.0` → `STRING: …`. */
  varbinds: Map<string, string>;
  /** The varbind lines as printed. */
  lines: string[];
}

export interface Snmptrapd {
  port: number;
  /** Everything it wrote to stdout and stderr. */
  output(): string;
  notifications(): Notification[];
  /** Resolves with the first notification `match` accepts, as soon as snmptrapd prints it. */
  waitFor(what: string, match: (n: Notification) => boolean, timeoutMs?: number): Promise<Notification>;
  stop(): Promise<void>;
}

function parse(output: string): Notification[] {
  return output.split(/^--- /m).slice(1).map((block) => {
    const [security = '', ...rest] = block.split('\n');
    const lines = rest.filter((l) => / = /.test(l));
    return { security, lines, varbinds: new Map(lines.map((l) => [l.slice(0, l.indexOf(' = ')), l.slice(l.indexOf(' = ') + 3)])) };
  });
}

/** Starts snmptrapd with `config` (snmptrapd.conf lines: createUser, authCommunity …). */
export async function startSnmptrapd(config: string): Promise<Snmptrapd> {
  const port = await freeUdpPort();
  const dir = mkdtempSync(join(tmpdir(), 'snmptrapd-'));
  // Its persistent directory holds a file of its own named snmptrapd.conf: the config lives elsewhere.
  mkdirSync(join(dir, 'persist'));
  const conf = join(dir, 'trapd.conf');
  writeFileSync(conf, `${config}\n`);
  const child: ChildProcess = spawn('/usr/sbin/snmptrapd', [
    '-f', '-Lo', '-n', '-C', '-c', conf, '-M', `+${projectMibs()}:${standardMibs()}`, '-m', '+BREAKERBOX-MIB',
    '-F', '--- %P\n%V\n%v\n', `udp:127.0.0.1:${port}`,
  ], { env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist'), SNMPCONFPATH: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const take = (d: Buffer) => {
    output += d.toString();
    for (const l of [...listeners]) l();
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  child.on('exit', () => { for (const l of [...listeners]) l(); });

  const until = <T>(what: string, test: () => T | undefined, timeoutMs: number): Promise<T> => new Promise((resolve, reject) => {
    const check = () => {
      const found = test();
      if (found !== undefined) return finish(() => resolve(found));
      if (child.exitCode !== null || child.signalCode !== null) finish(() => reject(new Error(`snmptrapd exited while waiting for ${what}:\n${output}`)));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`no ${what} within ${timeoutMs} ms; snmptrapd said:\n${output}`))), timeoutMs);
    const finish = (fn: () => void) => { clearTimeout(timer); listeners.delete(check); fn(); };
    listeners.add(check);
    check();
  });

  try {
    await until('start', () => (/NET-SNMP version/.test(output) ? true : undefined), 15_000);
    if (/couldn't open/i.test(output)) throw new Error(`snmptrapd could not listen on ${port}:\n${output}`);
  } catch (err) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    output: () => output,
    notifications: () => parse(output),
    waitFor: (what, match, timeoutMs = 20_000) => until(what, () => parse(output).find(match), timeoutMs),
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
