// N-1 headroom and single points of failure on the racks: a badge per rack with its least N-1
// headroom (what is left of its most loaded bank, phase or inlet if a partner feed were lost),
// coloured by its worst state, and a SPOF mark whose tooltip lists them. From GET
// /api/capacity/racks (scoped as the wall is), on a timer of its own, never on the live delta path;
// drawn again into the racks whenever render.js draws them anew.
import { call } from './api.js';
import { setAttr, setText } from './render.js';

const EVERY_MS = 15_000;
const LISTED = 12;

/** What a rack's badge says and its tooltip, from its summary (null: not known yet). */
export function badgeOf(r) {
  if (!r || r.parts === 0) return { text: 'N-1 ?', state: 'unknown', title: 'N-1 headroom: no PDU reading yet' };
  const pct = r.worst ? `${Math.round(r.worst.headroomPct)}%` : '?';
  const counts = [r.critical && `${r.critical} critical`, r.warning && `${r.warning} warning`, r.unknown && `${r.unknown} unknown`].filter(Boolean);
  return {
    text: `N-1 ${pct}`,
    state: r.state,
    title: [
      `N-1 headroom of rack ${r.rack}: ${r.state}${counts.length ? ` (${counts.join(', ')} of ${r.parts} banks, phases and inlets)` : ` (${r.parts} banks, phases and inlets)`}`,
      r.worst && `least: ${r.worst.pdu} ${r.worst.part} ${r.worst.index}, ${r.worst.reason}`,
      ...r.unknownReasons.map((why) => `unknown: ${why}`),
    ].filter(Boolean).join('\n'),
  };
}

/** The SPOF mark's text and tooltip (null: none in this rack). */
export function spofOf(r) {
  const n = r?.spofs.length ?? 0;
  if (n === 0) return null;
  const more = n > LISTED ? [`… and ${n - LISTED} more`] : [];
  return { text: `SPOF ${n}`, title: [`${n} single point${n === 1 ? '' : 's'} of failure in rack ${r.rack}:`, ...r.spofs.slice(0, LISTED), ...more].join('\n') };
}

/** Marks the racks drawn in `root`. Returns `refresh()` (fetch now) and `stop()`. */
export function createCapacityMarks(root, { fetchJson = (url) => call('GET', url), everyMs = EVERY_MS } = {}) {
  /** rack → its summary as last fetched. */
  let data = new Map();
  let timer = null;
  let stopped = false;

  /** The wall's own scope (?site=, ?row=, ?rack=), so a wall for one row asks for that row only. */
  const scope = () => {
    const here = new URLSearchParams(location.search);
    const q = new URLSearchParams();
    for (const k of ['site', 'row', 'rack']) if (here.has(k)) q.set(k, here.get(k));
    return q.toString() ? `?${q}` : '';
  };

  function draw() {
    for (const rack of root.querySelectorAll('.rack[data-rack]')) {
      const header = rack.querySelector('header');
      if (!header) continue;
      let marks = header.querySelector('.cap-marks');
      if (!marks) {
        marks = document.createElement('span');
        marks.className = 'cap-marks';
        marks.innerHTML = '<span class="cap-badge mono"></span><span class="spof-mark mono" hidden></span>';
        marks.firstChild.setAttribute('data-testid', `headroom-${rack.dataset.rack}`);
        marks.lastChild.setAttribute('data-testid', `spof-${rack.dataset.rack}`);
        header.querySelector('.rack-name')?.after(marks);
      }
      const r = data.get(rack.dataset.rack);
      const badge = badgeOf(r);
      const [b, s] = marks.children;
      setText(b, badge.text);
      setAttr(b, 'data-state', badge.state);
      setAttr(b, 'title', badge.title);
      const spof = spofOf(r);
      s.hidden = !spof;
      setText(s, spof?.text ?? '');
      setAttr(s, 'title', spof?.title ?? null);
    }
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const racks = await fetchJson(`/api/capacity/racks${scope()}`);
      data = new Map(racks.map((r) => [r.rack, r]));
      draw();
    } catch (err) {
      console.warn(`capacity: ${err.message}`);
    } finally {
      if (!stopped) timer = setTimeout(() => void refresh(), everyMs);
    }
  }

  // render.js replaces the racks whenever it draws them anew: mark the new ones from what is known.
  const drawn = new MutationObserver(draw);
  drawn.observe(root, { childList: true });
  void refresh();

  return {
    refresh,
    stop() { stopped = true; clearTimeout(timer); drawn.disconnect(); },
  };
}
