// `breakerbox cluster status`: the cluster as its database has it — who holds the controller lease,
// in which epoch and for how long yet, and every process that has reported, with its role, its share
// of the devices and when it was last seen. Read from PostgreSQL, so it answers even when no process does.
import type { Logger } from 'pino';
import { clusterPool, type ClusterSettings } from './cluster.js';
import { readLease } from './lease.js';

interface MemberRow { id: string; host: string; pid: number; url: string | null; role: string; devices: number | null; started_at: Date; seen_at: Date; now: Date }

const ago = (ms: number) => (ms < 1_000 ? 'now' : ms < 120_000 ? `${Math.round(ms / 1_000)} s ago` : `${Math.round(ms / 60_000)} min ago`);
const within = (ms: number) => (ms < 1_000 ? 'now' : `in ${Math.round(ms / 1_000)} s`);

/** The status text and the exit code: 0 with a controller holding the lease, 3 without one, 1 when the database cannot be read. */
export async function clusterStatus(settings: ClusterSettings, log: Logger): Promise<{ output: string; code: number }> {
  const pool = clusterPool(settings, log);
  try {
    const lease = await readLease(pool);
    const { rows } = await pool.query<MemberRow>('SELECT id, host, pid, url, role, devices, started_at, seen_at, clock_timestamp() AS now FROM bb_members ORDER BY id');
    const lines: string[] = [];
    const held = lease?.holder && lease.expiresAt > lease.now;
    if (lease && held) lines.push(`controller ${lease.holder} in epoch ${lease.epoch}${lease.url ? ` at ${lease.url}` : ''}: lease renewed ${ago(lease.now - lease.renewedAt)}, runs out ${within(lease.expiresAt - lease.now)}`);
    else lines.push(`no controller: the lease ${lease ? `was last held in epoch ${lease.epoch}${lease.holder ? ` by ${lease.holder}, and ran out ${ago(lease.now - lease.expiresAt)}` : ', and was handed back'}` : 'was never taken'}; nothing drains or re-admits until a process takes it`);
    const table = [['NAME', 'ROLE', 'URL', 'HOST', 'PID', 'POLLS', 'SEEN'], ...rows.map((m) => {
      const silent = m.now.getTime() - m.seen_at.getTime();
      const role = silent > settings.lease ? `${m.role}, silent` : m.role;
      return [m.id, role, m.url ?? '-', m.host, String(m.pid), m.devices === null ? '-' : `${m.devices} devices`, ago(silent)];
    })];
    const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
    lines.push('', ...table.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()));
    if (rows.length === 0) lines.push('(no process has reported)');
    return { output: lines.join('\n'), code: held ? 0 : 3 };
  } catch (err) {
    const e = err as { message?: string; code?: string };
    // The database's own words, never its URL (which may carry a password).
    return { output: `breakerbox: cannot read the cluster database: ${e.code === '42P01' ? 'it has no Breakerbox tables yet (start a process first)' : e.message}`, code: 1 };
  } finally {
    await pool.end().catch(() => {});
  }
}
