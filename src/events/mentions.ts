// Whether an event's text names a thing: by its name, or inside a range of names such as
// "scan-057..scan-076", as the drain controller writes a run of nodes (nameRanges in src/drain/describe.ts).

/** Words as configured names are spelled (letters, digits, ".", "_", "-"); a range is one such word. */
const WORD = /[A-Za-z0-9][A-Za-z0-9._-]*/g;

export function mentions(text: string, name: string): boolean {
  if (!name) return false;
  const numbered = /\d$/.test(name);
  // Most events name neither the thing nor any range: skip the word scan.
  if (!text.includes(name) && !(numbered && text.includes('..'))) return false;
  for (const raw of text.match(WORD) ?? []) {
    // A sentence's full stop is not part of the name.
    const word = raw.replace(/\.+$/, '');
    if (word === name) return true;
    const range = numbered ? /^(.+?)\.\.(.+)$/.exec(word) : null;
    if (range && within(name, range[1]!, range[2]!)) return true;
  }
  return false;
}

/** "scan-060" lies within "scan-057".."scan-076": same stem, its number between the ends'. */
function within(name: string, first: string, last: string): boolean {
  const n = numbered(name);
  const a = numbered(first);
  const b = numbered(last);
  return !!n && !!a && !!b && n.stem === a.stem && a.stem === b.stem && a.n <= n.n && n.n <= b.n;
}

function numbered(s: string): { stem: string; n: number } | null {
  const m = /^(.*?)(\d+)$/.exec(s);
  return m ? { stem: m[1]!, n: Number(m[2]) } : null;
}
