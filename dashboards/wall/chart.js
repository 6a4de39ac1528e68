// Small inline-SVG charts for the PDU page (no chart library): a time axis in the wall's time
// format, a value axis with units, each series' mean as a line over its max as a light band, and
// horizontal guides (a breaker's rating, 80% of it).
import { clockTime, esc } from './format.js';
import { bandPath, linePath, peak, runs, scale } from './sparkline.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const INTERVALS = [5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY];

const localMidnight = (t) => { const d = new Date(t); d.setHours(0, 0, 0, 0); return d.getTime(); };
const dateLabel = (t) => new Date(t).toLocaleDateString('en-US', { month: 'short', day: 'numeric' });

/** A top for a value axis whose half is a round number too (0, half, top are labelled). */
export function axisTop(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 1.5, 2, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((c) => c >= v * 0.9999);
}

/** Tick times between from and to (at most about `max`), on round local times; and the step between them. */
export function timeTicks(from, to, max = 7) {
  const step = INTERVALS.find((i) => (to - from) / i <= max) ?? INTERVALS.at(-1);
  const ticks = [];
  if (step < DAY) {
    // Local clock time: whole multiples of the step since local midnight.
    for (let day = localMidnight(from); day <= to;) {
      const next = localMidnight(day + 26 * HOUR); // days of 23 h and 25 h too
      for (let t = day; t < next && t <= to; t += step) if (t >= from) ticks.push(t);
      day = next;
    }
  } else {
    const days = step / DAY;
    const d = new Date(localMidnight(from));
    if (d.getTime() < from) d.setDate(d.getDate() + 1);
    for (; d.getTime() <= to; d.setDate(d.getDate() + days)) ticks.push(d.getTime());
  }
  return { step, ticks };
}

/** "14:30" within a day ("Nov 28" at midnight), "Nov 28" for day ticks. */
export function timeLabel(t, step) {
  if (step >= DAY || localMidnight(t) === t) return dateLabel(t);
  return clockTime(t).slice(0, 5);
}

/**
 * Draws a chart into `svg` (its content is replaced). `series`: [{points, cls, label}];
 * `guides`: [{value, cls, label}]; `fmt(v)` writes a value with its unit.
 */
export function drawChart(svg, { width = 640, height = 150, from, to, stepMs, series = [], guides = [], fmt = String, empty = 'no data in this range' }) {
  const m = { l: 62, r: 12, t: 10, b: 20 };
  const top = axisTop(Math.max(peak(...series.map((s) => s.points)), ...guides.map((g) => g.value * 1.08), 0) || 1);
  const x = scale(from, to, m.l, width - m.r);
  const y = scale(0, top, height - m.b, m.t);
  const parts = [];
  // Value axis: 0, half and the top, with units.
  for (const v of [0, top / 2, top]) {
    const yy = y(v).toFixed(1);
    parts.push(`<line class="grid" x1="${m.l}" x2="${width - m.r}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="axis y" x="${m.l - 6}" y="${yy}" dy="0.32em" text-anchor="end">${esc(fmt(v))}</text>`);
  }
  const { step, ticks } = timeTicks(from, to, Math.max(3, Math.floor((width - m.l - m.r) / 90)));
  for (const t of ticks) {
    const xx = x(t).toFixed(1);
    parts.push(`<line class="grid tick" x1="${xx}" x2="${xx}" y1="${m.t}" y2="${height - m.b}"/>`);
    parts.push(`<text class="axis x" x="${xx}" y="${height - 5}" text-anchor="middle">${esc(timeLabel(t, step))}</text>`);
  }
  let count = 0;
  for (const s of series) {
    const rs = runs(s.points, stepMs);
    count += rs.reduce((n, r) => n + r.length, 0);
    const band = bandPath(rs, x, y);
    if (band) parts.push(`<path class="band ${esc(s.cls ?? '')}" d="${band}"/>`);
    parts.push(`<path class="mean-line ${esc(s.cls ?? '')}" d="${linePath(rs, x, y, stepMs)}" data-points="${rs.reduce((n, r) => n + r.length, 0)}"><title>${esc(s.label ?? '')}</title></path>`);
  }
  for (const g of guides) {
    const yy = y(g.value).toFixed(1);
    parts.push(`<line class="guide ${esc(g.cls ?? '')}" x1="${m.l}" x2="${width - m.r}" y1="${yy}" y2="${yy}" data-value="${g.value}"/>`);
    parts.push(`<text class="guide-label ${esc(g.cls ?? '')}" x="${width - m.r - 2}" y="${yy}" dy="-0.35em" text-anchor="end">${esc(g.label ?? fmt(g.value))}</text>`);
  }
  if (!count) parts.push(`<text class="chart-empty" x="${(m.l + width - m.r) / 2}" y="${(m.t + height - m.b) / 2}" text-anchor="middle">${esc(empty)}</text>`);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('data-points', String(count));
  svg.setAttribute('data-top', String(top));
  svg.innerHTML = parts.join('');
  return { count, top };
}

/** A tiny chart without axes (one of a grid of small multiples on a shared scale `top`). */
export function drawMini(svg, { width = 120, height = 30, from, to, stepMs, points, top }) {
  const rs = runs(points, stepMs);
  const x = scale(from, to, 1, width - 1);
  const y = scale(0, top || 1, height - 1, 2);
  const count = rs.reduce((n, r) => n + r.length, 0);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('data-points', String(count));
  svg.innerHTML = `<line class="grid" x1="0" x2="${width}" y1="${height - 0.5}" y2="${height - 0.5}"/>`
    + `<path class="band" d="${bandPath(rs, x, y)}"/><path class="mean-line" d="${linePath(rs, x, y, stepMs)}"/>`;
  return count;
}
