// Maintenance windows on the wall: those under way (or draining their servers ahead of their
// start) and the next within a day, above the alerts; the racks they cover marked "in maintenance".
// Read from /api/maintenance when the wall connects, when a maintenance or drain event arrives, and
// every 30 s (a window's start or end is also a maintenance event).
import { call } from './api.js';
import { eventTime, esc } from './format.js';

const REFRESH_MS = 30_000;
const SOON_MS = 24 * 3_600_000;

export function createMaintenanceList(el, { now }) {
  let timer = null;
  let windows = [];

  async function refresh() {
    clearTimeout(timer);
    timer = setTimeout(refresh, REFRESH_MS);
    try {
      windows = await call('GET', '/api/maintenance');
      render();
    } catch {
      // Unreachable server: the connection indicator says so; the list keeps what it showed.
    }
  }

  const inForce = (w) => w.phase === 'active' || w.phase === 'draining';
  const scopeText = (w) => `${w.scope.kind} ${w.scope.names.join(', ')}`;

  function render() {
    const t = now();
    const shown = windows.filter((w) => inForce(w) || (w.phase === 'upcoming' && w.start !== null && w.start - t < SOON_MS));
    el.hidden = shown.length === 0;
    el.innerHTML = shown.map((w) => {
      const when = w.phase === 'active' ? `until ${eventTime(w.end, t)}`
        : w.phase === 'draining' ? `starts ${eventTime(w.start, t)} · draining its servers`
          : `next ${eventTime(w.start, t)}–${eventTime(w.end, t)}${w.drains ? ' · drains ahead' : ''}`;
      const word = w.phase === 'upcoming' ? 'planned' : 'in maintenance';
      return `<li class="maint" data-testid="maintenance" data-phase="${esc(w.phase)}" data-name="${esc(w.name)}" title="${esc(`${w.name}: ${w.reason} (${w.nodes} nodes)`)}">
        <span class="maint-word">${esc(word)}</span> <b>${esc(scopeText(w))}</b> <span class="muted">${esc(when)} · ${esc(w.reason)}</span></li>`;
    }).join('');
    apply();
  }

  /** Marks the racks a window in force covers (again after the racks are drawn anew). */
  function apply() {
    const covering = new Map();
    for (const w of windows.filter(inForce)) for (const rack of w.racks) if (!covering.has(rack)) covering.set(rack, w);
    for (const rack of document.querySelectorAll('.rack[data-rack]')) {
      const w = covering.get(rack.dataset.rack);
      let badge = rack.querySelector(':scope > header > .maint-badge');
      if (!w) {
        delete rack.dataset.maintenance;
        badge?.remove();
        continue;
      }
      rack.dataset.maintenance = w.phase;
      if (!badge) {
        badge = document.createElement('span');
        badge.className = 'maint-badge';
        badge.dataset.testid = 'rack-maintenance';
        rack.querySelector(':scope > header')?.insertBefore(badge, rack.querySelector(':scope > header > .rack-meta'));
      }
      badge.textContent = w.phase === 'active' ? 'maintenance' : 'draining';
      badge.title = w.phase === 'active'
        ? `in maintenance (${w.name}) until ${eventTime(w.end, now())}: ${w.reason}`
        : `maintenance ${w.name} starts ${eventTime(w.start, now())}: its servers are leaving their pools`;
    }
  }

  return {
    refresh,
    apply,
    onEvent(ev) {
      if (ev && (ev.type === 'maintenance' || ev.type === 'reload')) void refresh();
    },
  };
}
