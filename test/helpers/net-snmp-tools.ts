import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const persistent = join(tmpdir(), 'breakerbox-test-snmp');
mkdirSync(persistent, { recursive: true });

/** Runs one of Net-SNMP's command-line tools (snmptrap, snmpinform …) with a private persistent dir. */
export async function netSnmp(tool: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(tool, args, { env: { ...process.env, SNMP_PERSISTENT_DIR: persistent, MIBS: '' }, timeout: 15_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
