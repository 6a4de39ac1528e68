// Small pure helpers shared by the wall's modules.

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use inside HTML text or a double-quoted attribute. */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const pad2 = (n) => String(n).padStart(2, '0');

/** "03:41:07" in the browser's time zone. */
export function clockTime(ms) {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** "03:41:07", or "Nov 28 03:41" when the moment is not on the same day as `now`. */
export function eventTime(ms, now) {
  const d = new Date(ms);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return clockTime(ms);
  return `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** A countdown: "0:42", "12:05", "1:02:05", "3 d 4 h". */
export function countdown(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s >= 86_400) return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s % 60)}` : `${m}:${pad2(s % 60)}`;
}

/** A configured duration for humans: "250 ms", "20 s", "5 min", "1 h 30 min". */
export function duration(ms) {
  if (ms == null) return '–';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) {
    const m = Math.floor(ms / 60_000);
    const s = Math.round((ms % 60_000) / 1000);
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** How long a device has been up: "12 d 4 h", else as `duration`. */
export function uptime(seconds) {
  if (seconds < 86_400) return duration(seconds * 1000);
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3_600)} h`;
}

/** Watts for a wall: "812 W", "2.41 kW"; unknown stays visibly unknown. */
export function watts(w) {
  if (w == null || !Number.isFinite(w)) return '– W';
  return Math.abs(w) >= 1000 ? `${(w / 1000).toFixed(2)} kW` : `${Math.round(w)} W`;
}

export function amps(a) {
  if (a == null || !Number.isFinite(a)) return '– A';
  return `${a.toFixed(a >= 10 ? 0 : 1)} A`;
}

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** For a pool of look-alike names ("scan-001".."scan-080"): the shared prefix to strip from chip labels. */
export function sharedPrefix(names) {
  if (names.length < 2) return '';
  let p = names[0];
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  const cut = Math.max(p.lastIndexOf('-'), p.lastIndexOf('_'), p.lastIndexOf('.'));
  return cut >= 0 ? p.slice(0, cut + 1) : '';
}

/** "outlets 1-3, 7" from [1, 2, 3, 7]. */
export function ranges(nums) {
  const s = [...nums].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < s.length; i++) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    out.push(j > i ? `${s[i]}-${s[j]}` : `${s[i]}`);
    i = j;
  }
  return out.join(', ');
}
