// The public status page, one self-contained HTML document (no script, inline style): each service's
// state now and over the last 90 days, maintenance announced, published incidents with their
// timeline. Every state has a glyph and words beside its colour, and each colour pair reads at 4.5:1
// or better.
import { clock, dayName, joinWords, spokenLength } from './draft.js';
import type { PublicIncident } from './incidents.js';
import { STATE_LABEL, STATE_RANK, type DayState, type PublicState } from './states.js';
import { STATUS_DAYS, type Announcement, type StatusView } from './status-service.js';

/** Background and text colour of each state (contrast: white on green 5.1, white on blue 7.6, dark on amber 9.4, white on red 5.4, grey 5.5). */
export const STATE_COLOURS: Readonly<Record<DayState, { bg: string; fg: string }>> = {
  operational: { bg: '#1a7f37', fg: '#ffffff' },
  maintenance: { bg: '#0550ae', fg: '#ffffff' },
  reduced: { bg: '#f2c12e', fg: '#1f2328' },
  outage: { bg: '#cf222e', fg: '#ffffff' },
  'no-data': { bg: '#eaeef2', fg: '#57606a' },
};

/** The glyph beside each colour. */
export const STATE_ICON: Readonly<Record<DayState, string>> = { operational: '✓', maintenance: '⚙', reduced: '!', outage: '✕', 'no-data': '–' };

const OVERALL: Readonly<Record<PublicState, string>> = {
  operational: 'All services are operational',
  maintenance: 'Maintenance is under way',
  reduced: 'Some services are running at reduced capacity',
  outage: 'Some services are unavailable',
};

/** Only what the page needs: no script may run (Content-Security-Policy on the response). */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2328; background: #ffffff; }
  main { max-width: 980px; margin: 0 auto; padding: 24px 16px 48px; }
  h1 { font-size: 1.75rem; margin: 0 0 16px; }
  h2 { font-size: 1.25rem; margin: 32px 0 12px; }
  h3 { font-size: 1.05rem; margin: 0; overflow-wrap: anywhere; }
  ul, ol { list-style: none; margin: 0; padding: 0; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .icon { display: inline-block; min-width: 1em; text-align: center; font-weight: 700; }
  .banner { padding: 12px 16px; border-radius: 6px; font-size: 1.1rem; font-weight: 600; margin: 0; }
  .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: .875rem; font-weight: 600; white-space: nowrap; }
  .service { padding: 14px 0; border-bottom: 1px solid #d0d7de; }
  .service-head { display: flex; flex-wrap: wrap; gap: 8px; justify-content: space-between; align-items: center; margin-bottom: 8px; }
  .days { display: grid; grid-template-columns: repeat(${STATUS_DAYS}, minmax(0, 1fr)); gap: 2px; }
  .day { height: 30px; border-radius: 2px; display: flex; align-items: center; justify-content: center; overflow: hidden;
    font-size: 9px; line-height: 1; box-shadow: inset 0 0 0 1px rgba(31, 35, 40, .25); }
  .scale { display: flex; justify-content: space-between; font-size: .8rem; color: #57606a; margin-top: 4px; }
  .scale .short { display: none; }
  .legend { display: flex; flex-wrap: wrap; gap: 8px 16px; margin-top: 12px; font-size: .875rem; }
  .incident, .window { padding: 14px 0; border-bottom: 1px solid #d0d7de; }
  .meta { color: #57606a; font-size: .9rem; margin: 4px 0 8px; }
  .timeline li { display: grid; grid-template-columns: 4.5em 1fr; gap: 8px; font-size: .9rem; padding: 2px 0; }
  .timeline time { color: #57606a; font-variant-numeric: tabular-nums; }
  footer { margin-top: 40px; color: #57606a; font-size: .875rem; }
  a { color: #0550ae; }
  @media (max-width: 640px) {
    .days { grid-template-columns: repeat(30, minmax(0, 1fr)); }
    .day:nth-child(-n+${STATUS_DAYS - 30}) { display: none; }
    .scale .long { display: none; }
    .scale .short { display: inline; }
  }
  ${Object.entries(STATE_COLOURS).map(([s, c]) => `.s-${s} { background: ${c.bg}; color: ${c.fg}; }`).join('\n  ')}
`;

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

/** A state in colour, glyph and words. */
function badge(state: DayState, words: string = STATE_LABEL[state], testid?: string): string {
  return `<span class="badge s-${state}"${testid ? ` data-testid="${testid}"` : ''} data-state="${state}"><span class="icon" aria-hidden="true">${STATE_ICON[state]}</span> ${esc(words)}</span>`;
}

function time(t: number, zone: string, words: string): string {
  return `<time datetime="${new Date(t).toISOString()}">${esc(words)}</time>`;
}

export function renderStatusPage(view: StatusView): string {
  const worst = view.services.reduce<PublicState>((w, s) => (STATE_RANK[s.state] > STATE_RANK[w] ? s.state : w), 'operational');
  const z = view.zone;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(view.title)}</title>
<link rel="alternate" type="application/atom+xml" title="${esc(view.title)} (Atom)" href="/status/feed.atom">
<link rel="alternate" type="application/feed+json" title="${esc(view.title)} (JSON Feed)" href="/status/feed.json">
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${esc(view.title)}</h1>
<p class="banner s-${worst}" data-testid="status-overall" data-state="${worst}"><span class="icon" aria-hidden="true">${STATE_ICON[worst]}</span> ${esc(OVERALL[worst])}</p>
<section aria-labelledby="services-title">
<h2 id="services-title">Services</h2>
<ul>
${view.services.map((s) => `<li class="service" data-testid="service" data-service="${esc(s.name)}" data-state="${s.state}">
<div class="service-head"><h3>${esc(s.name)}</h3>${badge(s.state, STATE_LABEL[s.state], 'service-state')}</div>
<ol class="days" aria-label="${esc(s.name)}, each of the last ${STATUS_DAYS} days">
${s.days.map((d) => {
    const words = `${dayName(Date.parse(`${d.date}T12:00:00Z`), 'UTC')}: ${STATE_LABEL[d.state].toLowerCase()}`;
    return `<li class="day s-${d.state}" data-date="${d.date}" data-state="${d.state}" title="${esc(words)}"><span class="icon" aria-hidden="true">${STATE_ICON[d.state]}</span><span class="sr">${esc(words)}</span></li>`;
  }).join('\n')}
</ol>
<div class="scale" aria-hidden="true"><span class="long">${STATUS_DAYS} days ago</span><span class="short">30 days ago</span><span>Today</span></div>
</li>`).join('\n')}
</ul>
<ul class="legend" aria-label="Legend">${(['operational', 'maintenance', 'reduced', 'outage', 'no-data'] as const).map((s) => `<li>${badge(s)}</li>`).join('')}</ul>
</section>
<section aria-labelledby="maintenance-title">
<h2 id="maintenance-title">Scheduled maintenance</h2>
${view.maintenance.length === 0 ? '<p>None scheduled.</p>' : `<ul>${view.maintenance.map((m) => announcement(m, z)).join('\n')}</ul>`}
</section>
<section aria-labelledby="incidents-title">
<h2 id="incidents-title">Incidents</h2>
${view.incidents.length === 0 ? `<p>No incidents in the last ${STATUS_DAYS} days.</p>` : view.incidents.map((i) => incident(i, z)).join('\n')}
</section>
<footer>
<p>Times are in ${esc(z)}. Updated ${time(view.now, z, `${dayName(view.now, z)} ${clock(view.now, z)}`)}.</p>
<p>Subscribe: <a href="/status/feed.atom">Atom feed</a> · <a href="/status/feed.json">JSON Feed</a></p>
</footer>
</main>
</body>
</html>
`;
}

function announcement(m: Announcement, zone: string): string {
  return `<li class="window" data-testid="maintenance">
${badge('maintenance', m.inForce ? 'Under way' : 'Scheduled')}
<p>${esc(maintenanceText(m, zone))}</p>
</li>`;
}

/** "From 12 December 2026 02:00 to 04:00: planned work; inbound mail scanning may run at reduced capacity." */
export function maintenanceText(m: Announcement, zone: string): string {
  const sameDay = dayName(m.start, zone) === dayName(m.end, zone);
  const until = sameDay ? clock(m.end, zone) : `${dayName(m.end, zone)} ${clock(m.end, zone)}`;
  const names = joinWords(m.services);
  return `From ${dayName(m.start, zone)} ${clock(m.start, zone)} to ${until} (${zone}): planned work; ${names} may run at reduced capacity.`;
}

function incident(i: PublicIncident, zone: string): string {
  const worst: PublicState = i.services.some((s) => s.worst === 'outage') ? 'outage' : 'reduced';
  const when = `${dayName(i.startedAt, zone)} ${clock(i.startedAt, zone)}`;
  const span = i.resolvedAt === null
    ? `since ${time(i.startedAt, zone, when)}`
    : `${time(i.startedAt, zone, when)} – ${time(i.resolvedAt, zone, clock(i.resolvedAt, zone))} (${esc(spokenLength(i.resolvedAt - i.startedAt))})`;
  return `<article class="incident" id="incident-${i.id}" data-testid="incident" data-incident="${i.id}">
<h3>${esc(i.title)}</h3>
<p class="meta">${i.resolvedAt === null ? badge(worst, 'Ongoing') : badge('operational', 'Resolved')} ${span} · ${esc(i.services.map((s) => s.name).join(', '))}</p>
${i.text.split(/\n\s*\n/).map((p) => `<p>${esc(p.trim())}</p>`).join('\n')}
<ol class="timeline" aria-label="Timeline">
${i.timeline.map((t) => `<li>${time(t.time, zone, clock(t.time, zone))}<span>${t.state ? `<span class="icon" aria-hidden="true">${STATE_ICON[t.state]}</span> ` : ''}${esc(t.text)}</span></li>`).join('\n')}
</ol>
</article>`;
}
