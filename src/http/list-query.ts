// Lists that scale: `/api/pdus?site=&row=&rack=&state=&limit=&cursor=`. Without any of these a list
// is the full dump, as scripts expect. Filters run on names and health before anything is built, so
// a page of 50 PDUs builds 50 PDUs. The next page is announced in a `Link` header (rel="next"), the
// count of what matched in `X-Total-Count`; the body stays a plain array.
import type { Request, Response } from 'express';
import type { ReadModel } from './snapshot.js';

export const MAX_LIMIT = 1_000;

/** A query a list refuses: said with the parameter at fault. */
export class ListQueryError extends Error {
  readonly status = 400;
  constructor(message: string, readonly code = 'BB_ERR_BAD_REQUEST') {
    super(message);
  }
}

export interface ListQuery {
  /** Racks the location filters leave (null: no location filter). */
  racks: Set<string> | null;
  states: Set<string> | null;
  limit: number | null;
  /** Where the page starts: after this name, which was at this position. */
  after: { name: string; at: number } | null;
}

/** Reads and checks the query; `states` are the words this list knows. */
export function listQuery(req: Request, rm: ReadModel, states: readonly string[]): ListQuery {
  const one = (key: string): string | undefined => {
    const v = req.query[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new ListQueryError(`${key} must be given once`);
    return v;
  };
  const site = one('site');
  const row = one('row');
  const rack = one('rack');
  let racks: Set<string> | null = null;
  if (site !== undefined || row !== undefined || rack !== undefined) {
    racks = new Set();
    for (const s of rm.config().sites) {
      if (site !== undefined && s.name !== site) continue;
      for (const r of s.rows) {
        if (row !== undefined && r.name !== row) continue;
        for (const k of r.racks) if (rack === undefined || k === rack) racks.add(k);
      }
    }
  }
  const state = one('state');
  let wanted: Set<string> | null = null;
  if (state !== undefined) {
    wanted = new Set(state.split(',').map((s) => s.trim()).filter(Boolean));
    const unknown = [...wanted].filter((s) => !states.includes(s));
    if (unknown.length > 0 || wanted.size === 0) throw new ListQueryError(`state must be one or more of ${states.join(', ')} (got "${state}")`);
  }
  const limitText = one('limit');
  let limit: number | null = null;
  if (limitText !== undefined) {
    limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) throw new ListQueryError(`limit must be a whole number from 1 to ${MAX_LIMIT} (got "${limitText}")`);
  }
  const cursor = one('cursor');
  let after: ListQuery['after'] = null;
  if (cursor !== undefined) {
    after = decodeCursor(cursor);
    if (after === null) throw new ListQueryError(`cursor "${cursor}" is not one this server gave`, 'BB_ERR_BAD_CURSOR');
  }
  return { racks, states: wanted, limit, after };
}

/**
 * One page of `names` (already filtered, in the list's own order), built only for the page, sent
 * with the next page's link. A cursor names the last item sent, so a list that changes between
 * pages neither repeats nor skips what stayed; `order` is every name the list could hold, in that
 * order, for a cursor whose item has since left the filter.
 */
export function sendPage<T>(req: Request, res: Response, q: ListQuery, names: readonly string[], build: (name: string) => T, order: () => readonly string[]): void {
  let start = 0;
  if (q.after !== null) {
    const at = names.indexOf(q.after.name);
    start = at >= 0 ? at + 1 : resumeAfter(q.after, names, order());
  }
  const end = q.limit === null ? names.length : Math.min(names.length, start + q.limit);
  const page = names.slice(start, end);
  res.setHeader('X-Total-Count', String(names.length));
  if (end < names.length && page.length > 0) {
    const next = new URLSearchParams(req.query as Record<string, string>);
    next.set('cursor', encodeCursor(page[page.length - 1]!, end - 1));
    res.setHeader('Link', `<${req.baseUrl}${req.path}?${next.toString()}>; rel="next"`);
  }
  res.json(page.map(build));
}

/** Where a page starts when the cursor's item no longer matches: after where it stands in the whole list, or (gone) where it was. */
function resumeAfter(after: NonNullable<ListQuery['after']>, names: readonly string[], all: readonly string[]): number {
  const rank = all.indexOf(after.name);
  if (rank < 0) return Math.min(after.at + 1, names.length);
  const ranks = new Map(all.map((n, i) => [n, i]));
  const i = names.findIndex((n) => (ranks.get(n) ?? -1) > rank);
  return i < 0 ? names.length : i;
}

function encodeCursor(name: string, at: number): string {
  return Buffer.from(JSON.stringify([name, at])).toString('base64url');
}

function decodeCursor(cursor: string): ListQuery['after'] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isInteger(v[1]) && (v[1] as number) >= 0 ? { name: v[0], at: v[1] as number } : null;
  } catch {
    return null;
  }
}
