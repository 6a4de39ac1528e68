/**
 * `next` with every part equal to `prev`'s replaced by `prev`'s: whole `prev` when nothing changed.
 * A device's reading lives for a poll interval, long enough to outlive the young generation, so a
 * reading replaced whole every poll is old-generation garbage; shared, only what moved (an outlet's
 * current, an uptime) is new. Readings are never mutated once stored, so sharing is safe; `next`
 * (fresh from a poll, not yet stored) has its parts replaced in place.
 */
export function share<T>(prev: unknown, next: T): T {
  if (prev === next || typeof next !== 'object' || next === null || typeof prev !== 'object' || prev === null) return next;
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    let same = prev.length === next.length;
    for (let i = 0; i < next.length; i++) {
      if (i >= prev.length) break;
      const v: unknown = share(prev[i], next[i]);
      next[i] = v;
      same &&= v === prev[i];
    }
    return same ? (prev as T) : next;
  }
  if (Object.getPrototypeOf(next) !== Object.prototype || Object.getPrototypeOf(prev) !== Object.prototype) return next;
  const p = prev as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  let same = true;
  let keys = 0;
  for (const k in n) {
    keys++;
    const v = share(p[k], n[k]);
    n[k] = v;
    same &&= v === p[k] && (v !== undefined || k in p);
  }
  return same && keys === Object.keys(p).length ? (prev as T) : next;
}
