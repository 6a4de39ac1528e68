// breakerbox incidents|incident|edit-incident|publish-incident: the status page's incidents of a
// running Breakerbox, through its API (drafts included); edits and publication say why.
import type { Incident } from './incidents.js';

export interface StatusCliOptions {
  url: string;
  token?: string | undefined;
  reason?: string | undefined;
  /** "draft", "published" or both, comma-separated. */
  state?: string | undefined;
  title?: string | undefined;
  text?: string | undefined;
}

export type StatusCommand = 'incidents' | 'incident' | 'edit-incident' | 'publish-incident';
type Result = { output: string; code: number };

const when = (t: number | null) => (t === null ? 'now' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));

export async function statusCommand(command: StatusCommand, arg: string | undefined, o: StatusCliOptions): Promise<Result> {
  const call = async (method: string, path: string, body?: object): Promise<{ ok: boolean; status: number; json: unknown } | Result> => {
    try {
      const res = await fetch(new URL(path, o.url), {
        method, signal: AbortSignal.timeout(30_000), ...(body ? { body: JSON.stringify(body) } : {}),
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
      });
      return { ok: res.ok, status: res.status, json: await res.json().catch(() => ({})) };
    } catch (err) {
      return { output: `cannot reach Breakerbox at ${o.url}: ${(err as Error).message}`, code: 1 };
    }
  };
  const refused = (r: { status: number; json: unknown }) => ({ output: `${command} refused (${r.status}): ${(r.json as { error?: string }).error ?? ''}`, code: 1 });
  const id = arg !== undefined && /^\d+$/.test(arg) ? arg : null;
  if (command !== 'incidents' && id === null) return { output: `breakerbox ${command}: which incident? (its number, from "breakerbox incidents")`, code: 64 };

  switch (command) {
    case 'incidents': {
      const r = await call('GET', `/api/incidents${o.state ? `?state=${encodeURIComponent(o.state)}` : ''}`);
      if ('code' in r) return r;
      if (!r.ok) return refused(r);
      const list = r.json as Incident[];
      if (list.length === 0) return { output: 'no incidents', code: 0 };
      return { output: list.map((i) => `${String(i.id).padStart(5)}  ${i.status.padEnd(9)} ${when(i.startedAt)} → ${i.resolvedAt === null ? 'going on' : when(i.resolvedAt)} UTC  ${i.title}`).join('\n'), code: 0 };
    }
    case 'incident': {
      const r = await call('GET', `/api/incidents/${id}`);
      if ('code' in r) return r;
      if (!r.ok) return refused(r);
      return { output: describe(r.json as Incident), code: 0 };
    }
    case 'edit-incident': {
      if (o.title === undefined && o.text === undefined) return { output: 'breakerbox edit-incident: give --title "…", --text "…" or both', code: 64 };
      if (!o.reason) return { output: 'breakerbox edit-incident: say why with --reason "…" (it goes in the audit trail)', code: 64 };
      const r = await call('PATCH', `/api/incidents/${id}`, { ...(o.title !== undefined ? { title: o.title } : {}), ...(o.text !== undefined ? { text: o.text } : {}), reason: o.reason });
      if ('code' in r) return r;
      return r.ok ? { output: `incident ${id} edited`, code: 0 } : refused(r);
    }
    case 'publish-incident': {
      if (!o.reason) return { output: 'breakerbox publish-incident: say why with --reason "…" (it goes in the audit trail)', code: 64 };
      const r = await call('POST', `/api/incidents/${id}/publish`, { reason: o.reason });
      if ('code' in r) return r;
      return r.ok ? { output: `incident ${id} published on the status page`, code: 0 } : refused(r);
    }
  }
}

/** One incident as an operator reads it: its words, what Breakerbox saw, the timeline and who changed it. */
function describe(i: Incident): string {
  return [
    `incident ${i.id} (${i.status}${i.edited ? ', edited' : ''}): ${when(i.startedAt)} → ${i.resolvedAt === null ? 'going on' : when(i.resolvedAt)} UTC`,
    `title: ${i.title}`,
    `text:  ${i.text}`,
    ...(i.causes.length ? [`causes: ${i.causes.join('; ')}`] : []),
    'timeline:',
    ...i.timeline.map((t) => `  ${when(t.time)}  ${t.text}`),
    ...(i.edits.length ? ['changes:', ...i.edits.map((e) => `  ${when(e.time)}  ${e.action} by ${e.by}: ${e.why}`)] : []),
  ].join('\n');
}
