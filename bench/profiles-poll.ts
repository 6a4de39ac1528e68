// Every family, not just APC: for each recording (../shared/recordings and test/fixtures/snmprec) served by
// snmpsim, what detecting it costs in round trips, and the CPU of a full Breakerbox poll (readDevice: walk,
// decode, normalize) beside a bare net-snmp fetch of exactly the same requests, in the same run. A device no
// profile claims (unknown_device) shows what telling it apart costs.
import { readdirSync } from 'node:fs';
import snmp from 'net-snmp';
import { detect } from '../src/profiles/detect.js';
import type { Profile } from '../src/profiles/profile.js';
import { readDevice } from '../src/profiles/read-device.js';
import type { SnmpClient, WalkOptions } from '../src/snmp/snmp-client.js';
import { fixtureRecordingsDir, recordingsDir, startSnmpsim } from '../test/helpers/snmpsim.js';

export interface ProfilePoll {
  recording: string;
  profile: string | null;
  /** Requests (GET/GETNEXT) detection sent before it knew the family, or that none matched. */
  detectRequests: number;
  /** What one poll asks: GETs and column walks. */
  gets: number;
  walks: number;
  breakerboxUs: number;
  bareUs: number;
}

/** Counts the requests it passes on, and notes what readDevice asked. */
class Counting implements SnmpClient {
  requests = 0;
  readonly gets: string[][] = [];
  readonly walks: { oid: string; options: WalkOptions | undefined }[] = [];
  constructor(private readonly inner: SnmpClient) {}
  get(oids: string[]) { this.requests++; this.gets.push(oids); return this.inner.get(oids); }
  getNext(oids: string[]) { this.requests++; return this.inner.getNext(oids); }
  subtree(oid: string, options?: WalkOptions) { this.walks.push({ oid, options }); return this.inner.subtree(oid, options); }
  close() { this.inner.close(); }
}

const cpuUs = (u: NodeJS.CpuUsage) => u.user + u.system;

/** A column walked one GETNEXT at a time, as a profile with the getNext quirk walks it. */
async function nextWalk(session: snmp.Session, column: string): Promise<void> {
  let oid = column;
  for (;;) {
    const vb = await new Promise<snmp.Varbind | null>((res) => session.getNext([oid], (err, vbs) => res(err ? null : vbs?.[0] ?? null)));
    if (!vb || snmp.isVarbindError(vb) || !vb.oid.startsWith(`${column}.`)) return;
    oid = vb.oid;
  }
}

async function cpuOf(n: number, poll: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await poll();
  return cpuUs(process.cpuUsage(c0));
}

function recordings(): string[] {
  const names = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.snmprec')).map((f) => f.replace(/\.snmprec$/, ''));
  return [...names(`${recordingsDir()}/snmprec`), ...names(fixtureRecordingsDir())].sort();
}

export async function profilesPoll(polls = 40, rounds = 4): Promise<ProfilePoll[]> {
  const sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]);
  const out: ProfilePoll[] = [];
  try {
    for (const recording of recordings()) {
      const client = sim.client(recording);
      const counting = new Counting(client);
      const found = await detect(counting);
      const detectRequests = counting.requests;
      if (!found.ok) {
        out.push({ recording, profile: null, detectRequests, gets: 0, walks: 0, breakerboxUs: 0, bareUs: 0 });
        client.close();
        continue;
      }
      const profile: Profile = found.value.profile;
      const asked = new Counting(client);
      const first = await readDevice(asked, profile);
      if (!first.ok) throw new Error(`bench profiles: ${recording} (${profile.name}) did not read: ${first.error}`);
      const session = snmp.createSession('127.0.0.1', recording, { port: sim.port, timeout: 3_000, retries: 1, version: snmp.Version2c });
      session.on('error', () => {});
      // The same requests with raw net-snmp, no decoding (an agent's error answer is an answer too); GETNEXT walks
      // (a profile's quirk) as net-snmp's subtree with GETNEXT.
      const bare = () => Promise.all([
        ...asked.gets.map((oids) => new Promise<void>((res) => session.get(oids, () => res()))),
        ...asked.walks.map((w) => (w.options?.getNext
          ? nextWalk(session, w.oid)
          : new Promise<void>((res) => session.subtree(w.oid, w.options?.maxRepetitions ?? 20, () => {}, () => res())))),
      ]);
      const breakerbox = async () => { const r = await readDevice(client, profile); if (!r.ok) throw new Error(`${recording}: ${r.error}`); };
      await cpuOf(5, bare);
      await cpuOf(5, breakerbox);
      let bb = 0;
      let base = 0;
      for (let r = 0; r < rounds; r++) {
        base += await cpuOf(polls / rounds, bare);
        bb += await cpuOf(polls / rounds, breakerbox);
      }
      session.close();
      client.close();
      out.push({ recording, profile: profile.name, detectRequests, gets: asked.gets.length, walks: asked.walks.length, breakerboxUs: bb / polls, bareUs: base / polls });
    }
  } finally {
    await sim.stop();
  }
  return out;
}

export function formatProfilesPoll(rows: ProfilePoll[]): string {
  const read = rows.filter((r) => r.profile !== null);
  const ratios = read.map((r) => r.breakerboxUs / r.bareUs).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)] ?? NaN;
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number) => x.toFixed(0).padStart(7);
  const lines = [
    `Every family: detection round trips and poll CPU against a bare net-snmp fetch of the same requests (snmpsim; ${rows.length} recordings)`,
    `  ${pad('recording', 34)} ${pad('profile', 20)} detect  gets walks  Breakerbox µs  bare µs  ratio`,
    ...rows.map((r) => r.profile === null
      ? `  ${pad(r.recording, 34)} ${pad('(none matched)', 20)} ${String(r.detectRequests).padStart(6)}`
      : `  ${pad(r.recording, 34)} ${pad(r.profile, 20)} ${String(r.detectRequests).padStart(6)} ${String(r.gets).padStart(5)} ${String(r.walks).padStart(5)}  ${num(r.breakerboxUs)}       ${num(r.bareUs)}  ${(r.breakerboxUs / r.bareUs).toFixed(2)} ×`),
    `  poll CPU ratio: median ${median.toFixed(2)} ×, worst ${(ratios.at(-1) ?? NaN).toFixed(2)} × (target ≤ 1.25×: ${(ratios.at(-1) ?? Infinity) <= 1.25 ? 'met' : 'NOT met'} for every family; ${ratios.filter((x) => x <= 1.25).length} of ${ratios.length} within)`,
    `  detection: at most ${Math.max(...rows.map((r) => r.detectRequests))} requests; a device no profile claims: ${rows.filter((r) => r.profile === null).map((r) => `${r.recording} ${r.detectRequests}`).join(', ') || 'none here'}`,
  ];
  return lines.join('\n');
}
