// breakerbox alerts|ack|silence|silences|unsilence|maintenance: the alerts, silences and maintenance
// windows of a running Breakerbox, through its API.
import type { MaintenanceView } from '../maintenance/maintenance.js';
import type { Alert, Silence } from './alert-engine.js';

export interface AlertsCliOptions {
  url: string;
  token?: string | undefined;
  reason?: string | undefined;
  state?: string | undefined;
  /** "rack=r07,rule=load-high" */
  match?: string | undefined;
  /** "2h" */
  for?: string | undefined;
}

type Result = { output: string; code: number };

export async function alertsCommand(command: 'alerts' | 'ack' | 'silence' | 'silences' | 'unsilence' | 'maintenance', arg: string | undefined, o: AlertsCliOptions): Promise<Result> {
  const call = async (method: string, path: string, body?: object): Promise<{ ok: boolean; status: number; json: unknown } | Result> => {
    try {
      const res = await fetch(new URL(path, o.url), {
        method, signal: AbortSignal.timeout(30_000), ...(body ? { body: JSON.stringify(body) } : {}),
        headers: { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
      });
      return { ok: res.ok, status: res.status, json: await res.json().catch(() => ({})) };
    } catch (err) {
      return { output: `cannot reach Breakerbox at ${o.url}: ${(err as Error).message}`, code: 1 };
    }
  };
  const refused = (r: { status: number; json: unknown }) => ({ output: `${command} refused (${r.status}): ${(r.json as { error?: string }).error ?? ''}`, code: 1 });
  switch (command) {
    case 'alerts': {
      const r = await call('GET', `/api/alerts?state=${encodeURIComponent(o.state ?? 'pending,firing')}`);
      if ('code' in r) return r;
      if (!r.ok) return refused(r);
      const list = r.json as Alert[];
      if (list.length === 0) return { output: 'no alerts', code: 0 };
      const lines = list.map((a) => `${String(a.id).padStart(5)}  ${a.state.padEnd(8)} ${a.severity.padEnd(8)} ${a.rule.padEnd(20)} ${a.summary}${a.muted ? `  [muted: ${a.muted.why}]` : ''}${a.group ? `  [part of ${a.group}]` : ''}`);
      return { output: lines.join('\n'), code: 0 };
    }
    case 'ack': {
      if (!arg || !/^\d+$/.test(arg)) return { output: 'breakerbox ack: which alert? (its id, from "breakerbox alerts")', code: 64 };
      if (!o.reason) return { output: 'breakerbox ack: say why with --reason "…" (it goes in the audit trail)', code: 64 };
      const r = await call('POST', `/api/alerts/${arg}/ack`, { reason: o.reason });
      if ('code' in r) return r;
      return r.ok ? { output: `alert ${arg} acknowledged`, code: 0 } : refused(r);
    }
    case 'silence': {
      if (!o.match) return { output: 'breakerbox silence: say what with --match rack=r07[,rule=load-high]', code: 64 };
      if (!o.for || !o.reason) return { output: 'breakerbox silence: --for DURATION (e.g. 2h) and --reason "…" are needed', code: 64 };
      const pairs = o.match.split(',').map((kv) => /^\s*([a-z]+)\s*=\s*(\S.*?)\s*$/.exec(kv));
      if (pairs.some((m) => m === null)) return { output: `breakerbox silence: --match takes K=V pairs separated by commas (rack=r07,rule=load-high), not "${o.match}"`, code: 64 };
      const match = Object.fromEntries(pairs.map((m) => [m![1]!, m![2]!]));
      const r = await call('POST', '/api/silences', { match, for: o.for, reason: o.reason });
      if ('code' in r) return r;
      if (!r.ok) return refused(r);
      const s = r.json as Silence;
      return { output: `silence ${s.id} until ${new Date(s.until).toISOString()}`, code: 0 };
    }
    case 'silences': {
      const r = await call('GET', '/api/silences');
      if ('code' in r) return r;
      if (!r.ok) return refused(r);
      const now = Date.now();
      const list = (r.json as Silence[]).filter((s) => s.until > now);
      if (list.length === 0) return { output: 'no silences', code: 0 };
      const match = (s: Silence) => Object.entries(s.match).map(([k, v]) => `${k}=${v}`).join(',');
      return { output: list.map((s) => `${String(s.id).padStart(5)}  until ${new Date(s.until).toISOString()}  ${match(s).padEnd(30)} by ${s.by}: ${s.reason}`).join('\n'), code: 0 };
    }
    case 'maintenance': {
      const r = await call('GET', '/api/maintenance');
      if ('code' in r) return r;
      if (!r.ok) return refused(r);
      const list = r.json as MaintenanceView[];
      if (list.length === 0) return { output: 'no maintenance windows configured', code: 0 };
      const when = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));
      const lines = list.map((w) => `${w.phase.padEnd(9)} ${w.name.padEnd(20)} ${`${w.scope.kind} ${w.scope.names.join(',')}`.padEnd(20)} ${when(w.start)} → ${when(w.end)} UTC  ${w.nodes} nodes${w.drains ? ', drained ahead' : ''}: ${w.reason}`);
      return { output: lines.join('\n'), code: 0 };
    }
    case 'unsilence': {
      if (!arg || !/^\d+$/.test(arg)) return { output: 'breakerbox unsilence: which silence? (its id)', code: 64 };
      const r = await call('DELETE', `/api/silences/${arg}`, o.reason ? { reason: o.reason } : undefined);
      if ('code' in r) return r;
      return r.ok ? { output: `silence ${arg} ended`, code: 0 } : refused(r);
    }
  }
}
