// Series geometry shared by the wall's sparklines and the PDU page's charts, and the sparkline
// itself: a small inline SVG whose nodes are made once and only have their attributes patched.
// A series is the API's [[t, mean, max]…] (src/http/history-routes.ts): t the step's start, epoch ms.

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes. */
export function svgEl(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

const num = (v) => typeof v === 'number' && Number.isFinite(v);
/** Coordinates to one decimal: paths stay short. */
const f = (n) => String(Math.round(n * 10) / 10);

/**
 * The series' points as runs without gaps (more than 1.5 steps between two points is a gap, drawn
 * as a break, not as a line across missing data); points whose mean is not a number are dropped.
 */
export function runs(points, stepMs) {
  const out = [];
  let run = null;
  let last = -Infinity;
  for (const p of Array.isArray(points) ? points : []) {
    if (!Array.isArray(p) || !num(p[0]) || !num(p[1])) { run = null; continue; }
    if (!run || p[0] - last > stepMs * 1.5) { run = []; out.push(run); }
    run.push([p[0], p[1], num(p[2]) ? Math.max(p[2], p[1]) : p[1]]);
    last = p[0];
  }
  return out;
}

/** The largest value (the max, else the mean) of some series; 0 when there is none. */
export function peak(...series) {
  let m = 0;
  for (const s of series) for (const p of Array.isArray(s) ? s : []) {
    const v = num(p?.[2]) ? p[2] : p?.[1];
    if (num(v) && v > m) m = v;
  }
  return m;
}

/** The last mean of a series, or null. */
export function latest(points) {
  for (let i = (points?.length ?? 0) - 1; i >= 0; i--) if (num(points[i]?.[1])) return points[i][1];
  return null;
}

/** The mean as a line ("M x y L x y …"), a run of its own per gapless run; a lone point held for its step. */
export function linePath(rs, x, y, stepMs = 0) {
  return rs.map((run) => {
    const [first, ...rest] = run;
    const head = `M${f(x(first[0]))} ${f(y(first[1]))}`;
    return rest.length ? `${head}L${rest.map((p) => `${f(x(p[0]))} ${f(y(p[1]))}`).join('L')}` : `${head}H${f(Math.max(x(first[0] + stepMs), x(first[0]) + 1))}`;
  }).join('');
}

/** The band between mean and max, one closed shape per run of two points or more. */
export function bandPath(rs, x, y) {
  return rs.filter((run) => run.length > 1).map((run) => {
    const top = run.map((p) => `${f(x(p[0]))} ${f(y(p[2]))}`).join('L');
    const bottom = [...run].reverse().map((p) => `${f(x(p[0]))} ${f(y(p[1]))}`).join('L');
    return `M${top}L${bottom}Z`;
  }).join('');
}

/** A linear scale from [d0, d1] to [r0, r1]. */
export function scale(d0, d1, r0, r1) {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** 1, 2, 2.5, 5 × 10^n at or above v: a readable top for an axis. */
export function niceCeil(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((c) => c >= v * 0.9999);
}

function patch(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

const W = 100;
const H = 30;

/** The sparklines' own look, shared by all of them (the wall's colours come in as CSS variables). */
const SPARK_CSS = `
  :host { display: block; }
  svg { display: block; width: 100%; height: 100%; overflow: hidden; }
  .spark-line { fill: none; stroke: var(--info, #5aa9ff); stroke-width: 1.4; stroke-linejoin: round; stroke-linecap: round; vector-effect: non-scaling-stroke; }
  .spark-band { fill: var(--info, #5aa9ff); opacity: .2; }
  .spark-load .spark-line { stroke: var(--ok, #34c27a); }
  .spark-load .spark-band { fill: var(--ok, #34c27a); }
  .spark-load[data-level="warn"] .spark-line { stroke: var(--warn, #f5a524); }
  .spark-load[data-level="warn"] .spark-band { fill: var(--warn, #f5a524); }
  .spark-load[data-level="crit"] .spark-line { stroke: var(--crit, #ff4a4a); }
  .spark-load[data-level="crit"] .spark-band { fill: var(--crit, #ff4a4a); }
  .spark-guide { stroke-width: 1; stroke-dasharray: 2 2; vector-effect: non-scaling-stroke; }
  .g80 { stroke: var(--warn, #f5a524); opacity: .45; }
  .g100 { stroke: var(--crit, #ff4a4a); opacity: .6; }
`;
let sheet = null;
function sparkSheet() {
  if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(SPARK_CSS); }
  return sheet;
}

/**
 * A sparkline: `kind` 'power' (W, from zero) or 'load' (% of the breaker's rating, with the 80% and
 * 100% guides). `el` is a plain host element (its size set by the page's CSS); the SVG lives in its
 * shadow root, so the wall's live state (the light DOM, patched by deltas) stays apart from history
 * drawn on a timer of its own. The SVG stretches to its box; strokes keep their width.
 * `draw(points, {from, to, stepMs, label})` patches what changed; no points is an empty sparkline.
 */
export function createSparkline(kind, testid) {
  const host = document.createElement('span');
  host.className = `spark-host spark-${kind}`;
  host.dataset.testid = testid;
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.adoptedStyleSheets = [sparkSheet()];
  const svg = svgEl('svg', { class: `spark spark-${kind}`, viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', 'data-points': '0', role: 'img' });
  const title = svgEl('title');
  const band = svgEl('path', { class: 'spark-band', d: '' });
  const line = svgEl('path', { class: 'spark-line', d: '' });
  const guides = kind === 'load'
    ? [80, 100].map((v) => svgEl('line', { class: `spark-guide g${v}`, x1: 0, x2: W, y1: 0, y2: 0, 'data-guide': v }))
    : [];
  svg.append(title, ...guides, band, line);
  shadow.append(svg);
  let drawn = '';

  function draw(points, { from, to, stepMs = 60_000, label = '' } = {}) {
    const rs = runs(points, stepMs);
    const count = rs.reduce((n, r) => n + r.length, 0);
    const top = kind === 'load' ? Math.max(110, peak(points) * 1.05) : Math.max(1, peak(points) * 1.1);
    const x = scale(from ?? 0, to ?? 1, 0, W);
    const y = scale(0, top, H - 1, 1);
    const d = count ? linePath(rs, x, y, stepMs) : '';
    const b = count ? bandPath(rs, x, y) : '';
    const key = `${d}|${b}|${top}`;
    if (key !== drawn) {
      patch(line, 'd', d);
      patch(band, 'd', b);
      for (const g of guides) { const gy = f(y(Number(g.getAttribute('data-guide')))); patch(g, 'y1', gy); patch(g, 'y2', gy); }
      drawn = key;
    }
    patch(svg, 'data-points', String(count));
    const now = latest(points);
    patch(svg, 'data-level', kind === 'load' && now !== null ? (now >= 100 ? 'crit' : now >= 80 ? 'warn' : 'ok') : 'none');
    if (title.textContent !== label) title.textContent = label;
    patch(svg, 'aria-label', label);
  }

  return { el: host, svg, draw };
}
