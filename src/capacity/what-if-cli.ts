// breakerbox what-if --pdu P [--bank N] | --outlet P:N | --ups U | --feed A [--site S] [--row R] [--rack K]:
// asks the running Breakerbox (GET /api/what-if), which alone holds the live currents and the drain
// controller's state, and prints its prediction. Nothing is changed anywhere.
import { nameRanges } from '../drain/describe.js';
import { WHAT_IF_PARAMS, type WhatIfLoad, type WhatIfResult } from './what-if.js';

export interface WhatIfCliOptions {
  url: string;
  token?: string | undefined;
  pdu?: string | undefined;
  bank?: string | undefined;
  outlet?: string | undefined;
  ups?: string | undefined;
  feed?: string | undefined;
  site?: string | undefined;
  row?: string | undefined;
  rack?: string | undefined;
  /** Print the API's answer as it is. */
  json?: boolean | undefined;
}

type Result = { output: string; code: number };

export async function whatIfCommand(o: WhatIfCliOptions): Promise<Result> {
  const faults = (['pdu', 'outlet', 'ups', 'feed'] as const).filter((k) => o[k] !== undefined);
  if (faults.length !== 1) return { output: 'breakerbox what-if: name one fault: --pdu P [--bank N], --outlet P:N, --ups U or --feed A|B [--site S] [--row R] [--rack K]', code: 64 };
  const query = new URLSearchParams();
  for (const key of WHAT_IF_PARAMS) if (o[key] !== undefined) query.set(key, o[key]!);
  let res: Response;
  try {
    res = await fetch(new URL(`/api/what-if?${query}`, o.url), {
      signal: AbortSignal.timeout(30_000), headers: o.token ? { authorization: `Bearer ${o.token}` } : {},
    });
  } catch (err) {
    return { output: `cannot reach Breakerbox at ${o.url}: ${(err as Error).message}`, code: 1 };
  }
  const json = (await res.json().catch(() => ({}))) as WhatIfResult & { error?: string };
  // A question the service cannot answer as asked (a name it does not know) is the caller's to fix.
  if (res.status === 400) return { output: `breakerbox what-if: ${json.error ?? 'bad question'}`, code: 64 };
  if (!res.ok) return { output: `what-if refused (${res.status}): ${json.error ?? res.statusText}`, code: 1 };
  return { output: o.json ? JSON.stringify(json, null, 2) : formatWhatIf(json), code: 0 };
}

/** The prediction as a few lines a person reads: power, drains, services, loads, notes. */
export function formatWhatIf(r: WhatIfResult): string {
  const names = (list: { name: string }[]) => nameRanges(list.map((n) => n.name));
  const lines = [`WHAT-IF (nothing was changed): ${r.description}`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(10)}${text}`);
  const dead = [...r.dark.map((p) => `${p} dark`), ...r.banks.map((b) => `bank ${b.bank} of ${b.pdu} tripped`), ...r.outlets.map((x) => `outlets ${x.outlets.join(', ')} of ${x.pdu} off`)];
  if (dead.length) row('power', dead.join('; '));
  row('lost', r.lost.length ? `${r.lost.length} nodes lose power: ${names(r.lost)}` : 'no node loses power');
  if (r.degraded.length) {
    const seen = count(r.degraded.map((n) => n.power));
    row('one feed', `${r.degraded.length} nodes keep power on fewer supplies: ${names(r.degraded)} (Breakerbox would see ${seen})`);
  }
  for (const p of r.pools) {
    const drain = p.drain.length ? `${p.shadow ? 'would drain (shadow)' : 'drain'} ${p.drain.length} of ${p.total}: ${nameRanges(p.drain)}` : 'no drain';
    const floor = p.floor > 0 ? `, floor ${p.floor}${p.belowFloor ? ' — BELOW THE FLOOR' : ''}` : '';
    row(`pool`, `${p.name}: ${drain}; serving ${p.serving.now} → ${p.serving.after}${floor}`);
    for (const b of p.blocked) row('', `  blocked by ${b.rule} (${nameRanges(b.nodes)}): ${b.message}`);
  }
  for (const d of r.frozen) row('frozen', d.message);
  for (const s of r.services) row('service', `${s.name}: ${s.now} → ${s.after}`);
  const loads = r.overloads.length ? r.overloads : r.loads.filter((l) => l.part === 'bank').slice(0, 5);
  for (const l of loads) row(l.state === 'over-limit' || l.state === 'over-rating' ? 'OVERLOAD' : 'load', loadText(l));
  if (!r.overloads.length && r.loads.length > loads.length) row('', `and ${r.loads.length - loads.length} more parts take moved load, none over its limit`);
  for (const n of r.notes) row('note', n);
  lines.push(`  (${r.tookMs} ms)`);
  return lines.join('\n');
}

function loadText(l: WhatIfLoad): string {
  const of = l.rating === null ? 'no rating known' : `rating ${l.rating} A, limit ${l.limit} A`;
  return `${l.pdu} ${l.part} ${l.index}: ${l.now} A → ${l.after} A (${of})${l.state === 'over-rating' ? ': would trip' : ''}`;
}

/** "36 unknown, 4 degraded" */
function count(words: string[]): string {
  const by = new Map<string, number>();
  for (const w of words) by.set(w, (by.get(w) ?? 0) + 1);
  return [...by].map(([w, n]) => `${n} ${w}`).join(', ');
}
