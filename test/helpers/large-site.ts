// Starts the generated site of `breakerbox demo --size N` in a child process (large-site-process.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from './child-process.js';
import { helperScript } from './cli.js';

export interface LargeSite { url: string; stop(): Promise<void> }

/** The site of `pdus` PDUs (ten servers each), serving once the promise resolves; its polls have only begun. */
export async function startLargeSite(pdus: number): Promise<LargeSite> {
  const child: ChildProcess = spawn(process.execPath, [...helperScript('large-site-process'), String(pdus)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line && out.includes('\n')) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once('exit', (code) => reject(new Error(`the large site exited (${code}): ${err}`)));
    });
    return { url, stop: () => stopChild(child, 10_000) };
  } catch (e) {
    await stopChild(child);
    throw e;
  }
}
