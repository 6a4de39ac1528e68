// The last hour on the wall: a sparkline of each PDU's power and each bank's load (% of its
// breaker's rating), from GET /api/history/sparklines, on a timer of its own (about once a
// minute), never on the live delta path. Only the PDUs the wall shows are asked for (it is scoped
// by its snapshot), in chunks of at most 200, and only those in racks on screen. The SVG nodes are
// made once per drawing of the racks (render.js draws them anew only when the topology changes)
// and then only have their attributes patched.
import { call } from './api.js';
import { watts } from './format.js';
import { createSparkline, latest, peak } from './sparkline.js';

/** The API's limit per request (src/http/history-routes.ts). */
export const SPARK_CHUNK = 200;
const MINUTE = 60_000;

const pct = (v) => (v == null ? '–' : `${Math.round(v)}%`);

/**
 * Sparklines for the racks drawn in `root`. `fetchJson(url)` is GET as JSON (the wall's `call`).
 * Returns `refresh()` (fetch now) and `stop()`.
 */
export function createSparklines(root, { fetchJson = (url) => call('GET', url), everyMs = MINUTE, chunk = SPARK_CHUNK } = {}) {
  /** pdu → { power, banks, from, to, stepMs, at } as last fetched. */
  const data = new Map();
  /** pdu → { rack, power: sparkline, banks: Map(index → sparkline) } for the racks as drawn now. */
  let refs = new Map();
  /** Rack element → the PDUs drawn in it; the rack elements on screen now. */
  let rackPdus = new Map();
  const onScreen = new Set();
  let timer = null;
  let running = false;
  let again = false;
  let emptyStreak = 0;
  let warned = false;
  let stopped = false;

  const seen = new IntersectionObserver((entries) => {
    let stale = false;
    for (const e of entries) {
      if (e.isIntersecting) {
        onScreen.add(e.target);
        for (const name of rackPdus.get(e.target) ?? []) if (!fresh(name)) stale = true;
      } else onScreen.delete(e.target);
    }
    // A rack that came into view (first drawing, back from a PDU page, scrolled to) with old or no data.
    if (stale) soon(150);
  }, { rootMargin: '100px' });

  const fresh = (name) => Date.now() - (data.get(name)?.at ?? 0) < everyMs;

  /** After render.js draws the racks anew: sparklines into the new PDU and bank elements, drawn from what is known. */
  function attach() {
    seen.disconnect();
    onScreen.clear();
    refs = new Map();
    rackPdus = new Map();
    root.classList.add('with-sparks');
    for (const pduEl of root.querySelectorAll('.pdu[data-pdu]')) {
      const name = pduEl.dataset.pdu;
      const head = pduEl.querySelector('.pdu-head');
      if (!head) continue;
      const power = createSparkline('power', `spark-pdu-${name}`);
      power.el.classList.add('pdu-spark');
      head.append(power.el);
      const banks = new Map();
      for (const bankEl of pduEl.querySelectorAll('.bank[data-bank]')) {
        const index = bankEl.dataset.bank;
        const s = createSparkline('load', `spark-bank-${name}-${index}`);
        s.el.classList.add('bank-spark');
        bankEl.append(s.el);
        banks.set(index, s);
      }
      const rack = pduEl.closest('.rack') ?? pduEl;
      refs.set(name, { rack, power, banks });
      rackPdus.set(rack, [...(rackPdus.get(rack) ?? []), name]);
      draw(name);
    }
    for (const rack of rackPdus.keys()) seen.observe(rack);
  }

  function draw(name) {
    const ref = refs.get(name);
    if (!ref) return;
    const d = data.get(name);
    const at = { from: d?.from ?? Date.now() - 3_600_000, to: d?.to ?? Date.now(), stepMs: d?.stepMs ?? MINUTE };
    const power = d?.power ?? [];
    ref.power.draw(power, { ...at, label: power.length ? `${name} power, last hour: now ${watts(latest(power))} · peak ${watts(peak(power))}` : `${name} power: no history for the last hour` });
    for (const [index, s] of ref.banks) {
      const load = d?.banks?.[index] ?? [];
      s.draw(load, { ...at, label: load.length ? `bank ${index} load, last hour: now ${pct(latest(load))} · peak ${pct(peak(load))} of its rating (guides at 80% and 100%)` : `bank ${index}: no history for the last hour` });
    }
  }

  function soon(ms) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), ms);
  }

  /** One pass: every PDU in a rack on screen, a chunk at a time, each chunk drawn in the next frame. */
  async function refresh() {
    if (running) { again = true; return; }
    running = true;
    clearTimeout(timer);
    let empty = false;
    try {
      const names = document.hidden ? [] : [...refs].filter(([, r]) => onScreen.has(r.rack)).map(([n]) => n);
      for (let i = 0; i < names.length && !stopped; i += chunk) {
        const part = names.slice(i, i + chunk);
        let res;
        try {
          res = await fetchJson(`/api/history/sparklines?pdus=${part.map(encodeURIComponent).join(',')}`);
          warned = false;
        } catch (err) {
          // Once per run of failures; the sparklines keep what they last showed.
          if (!warned) console.warn(`sparklines: ${err.message}`);
          warned = true;
          continue;
        }
        const at = Date.now();
        for (const name of part) {
          const p = res?.pdus?.[name];
          if (!p?.power?.length) empty = true;
          data.set(name, { power: p?.power ?? [], banks: p?.banks ?? {}, from: res?.from, to: res?.to, stepMs: res?.stepMs ?? MINUTE, at });
        }
        await new Promise((resolve) => requestAnimationFrame(() => { for (const name of part) draw(name); resolve(); }));
      }
    } finally {
      running = false;
      // No data yet (a wall opened just after a start): ask again sooner, backing off to the minute.
      emptyStreak = empty ? emptyStreak + 1 : 0;
      if (again) { again = false; soon(0); } else soon(empty ? Math.min(everyMs, 2_000 * 2 ** (emptyStreak - 1)) : everyMs);
    }
  }

  // render.js replaces the racks' children whenever it draws them anew: attach to the new ones.
  const drawn = new MutationObserver(attach);
  drawn.observe(root, { childList: true });
  const onVisible = () => { if (!document.hidden && [...refs.keys()].some((n) => !fresh(n))) soon(150); };
  document.addEventListener('visibilitychange', onVisible);
  attach();

  return {
    refresh,
    stop() { stopped = true; clearTimeout(timer); seen.disconnect(); drawn.disconnect(); document.removeEventListener('visibilitychange', onVisible); },
  };
}
