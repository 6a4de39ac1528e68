// A PDU's own page inside the wall (#/pdu/NAME, optionally ?range=24h; #pdu=NAME too): its state
// now, from the wall's live copy (banks against their ratings, phases, inlets, outlets and the node
// each feeds, a link to its page), its recent events from GET /api/pdus/NAME, and its history over a
// chosen range from GET /api/history/pdu/NAME: power, phases' (and inlets') current, each bank's
// current against its rating, and every outlet's current as small multiples.
// Clicking a PDU on the wall opens it; Back (or Escape) returns to the wall (routes.js).
import { call } from './api.js';
import { amps, duration, esc, ranges, watts } from './format.js';
import { setAttr, setClass, setText } from './render.js';
import { drawChart, drawMini } from './chart.js';
import { latest, niceCeil, peak } from './sparkline.js';
import { hashFor } from './routes.js';
import { eventList } from './detail-views.js';

export const RANGES = ['1h', '24h', '7d', '90d'];
const RANGE_LABEL = { '1h': '1 h', '24h': '24 h', '7d': '7 d', '90d': '90 d' };

const flagOf = (p) => (p.dark ? 'DARK' : p.reachable === false ? 'NO SNMP' : p.reachable === null ? 'UNKNOWN'
  : p.banks.some((b) => b.breaker === 'tripped') ? 'TRIPPED' : '');
const breakerWord = (b) => (b.breaker === 'tripped' ? 'TRIPPED' : b.breaker === 'ok' ? 'breaker ok' : `breaker ${b.breaker ?? '?'}`);
const axisAmps = (v) => (v === 0 ? '0 A' : amps(v));
const pct = (v) => (v == null || !Number.isFinite(v) ? '–' : `${Math.round(v)}%`);

/**
 * `page`: the page's (empty) element; `racks`: the wall's racks (a click on a PDU opens its page);
 * `snapshot()`: the wall's live copy; `router`: the wall's place (routes.js); `fetchJson(url)`: GET as JSON.
 */
export function createPduPage({ page, racks, snapshot, router, fetchJson = (url) => call('GET', url) }) {
  let name = null;
  let range = '1h';
  let res = null;
  let loadSeq = 0;
  let draws = 0;
  let refreshTimer = null;
  let frame = 0;
  let built = '';
  let detail = null; // GET /api/pdus/NAME: its events, and its state when this wall does not show it
  let detailTimer = null;
  let refs = null;

  const q = (sel) => page.querySelector(sel);

  // ---- the page's frame, once per PDU -----------------------------------------------------
  function buildFrame() {
    page.innerHTML = `
      <header class="pp-head">
        <button type="button" class="pp-back" data-testid="pdu-back" title="Back to the wall (Escape)">← Back</button>
        <h2 class="pp-title" tabindex="-1"><span class="feed" data-testid="pdu-page-feed">·</span><span class="pp-name" data-testid="pdu-page-name">${esc(name)}</span></h2>
        <span class="pp-flag" data-testid="pdu-page-flag"></span>
        <span class="pp-where"></span>
        <span class="pp-power mono" data-testid="pdu-page-power"></span>
        <div class="pp-ranges" role="group" aria-label="History range">
          ${RANGES.map((r) => `<button type="button" data-range="${r}" data-testid="pdu-range-${r}" aria-pressed="false">${RANGE_LABEL[r]}</button>`).join('')}
        </div>
      </header>
      <div class="pp-body">
        <section class="pp-state card" aria-label="State now" data-testid="pdu-page-state">
          <h3>Banks <span class="muted">now, against the breaker's rating</span></h3>
          <div class="pp-banks"></div>
          <h3>Phases</h3>
          <div class="pp-phases"></div>
          <h3>Inlets</h3>
          <div class="pp-inlets" data-testid="pdu-page-inlets"></div>
          <h3>Outlets <span class="muted">state · node fed · current</span></h3>
          <div class="pp-outlets"></div>
          <div class="pp-missing muted" hidden></div>
          <h3>Recent events</h3>
          <ol class="dp-events" data-testid="pdu-page-events"></ol>
        </section>
        <section class="pp-charts card" aria-label="History" data-testid="pdu-charts" data-state="loading">
          <div class="pp-charts-head"><h3>History</h3><span class="pp-span muted" data-testid="pdu-span"></span><span class="pp-status" data-testid="pdu-status" role="status"></span></div>
          <div class="pp-row">
            <figure class="pp-chart"><figcaption>Power <span class="muted">W · mean, max as a band</span></figcaption><svg data-testid="pdu-chart-power" role="img" aria-label="power"></svg></figure>
            <figure class="pp-chart"><figcaption>Phases <span class="muted">current, A</span><span class="pp-legend pp-phase-legend"></span></figcaption><svg data-testid="pdu-chart-phases" role="img" aria-label="phases' current"></svg></figure>
          </div>
          <div class="pp-row pp-bank-charts"></div>
          <figure class="pp-chart pp-outlets-chart"><figcaption>Outlets <span class="muted">current, A, on one scale</span> <span class="pp-outlet-scale mono"></span></figcaption><div class="pp-outlet-grid" data-testid="pdu-chart-outlets"></div></figure>
        </section>
      </div>`;
    refs = {
      title: q('.pp-title'), feed: q('.feed'), flag: q('.pp-flag'), where: q('.pp-where'),
      ranges: [...page.querySelectorAll('.pp-ranges button')],
      banks: q('.pp-banks'), phases: q('.pp-phases'), inlets: q('.pp-inlets'), outlets: q('.pp-outlets'), missing: q('.pp-missing'), events: q('.dp-events'),
      charts: q('.pp-charts'), span: q('.pp-span'), status: q('.pp-status'),
      power: q('[data-testid="pdu-chart-power"]'), phaseChart: q('[data-testid="pdu-chart-phases"]'), phaseLegend: q('.pp-phase-legend'),
      bankCharts: q('.pp-bank-charts'), outletGrid: q('.pp-outlet-grid'), outletScale: q('.pp-outlet-scale'),
      powerText: q('.pp-power'),
      bankRows: new Map(), phaseRows: new Map(), outletCells: new Map(),
    };
    q('.pp-back').addEventListener('click', back);
    for (const b of refs.ranges) b.addEventListener('click', () => setRange(b.dataset.range));
    built = '';
  }

  // ---- state now, from the wall's live copy ------------------------------------------------
  const pduNow = () => snapshot()?.pdus?.find((p) => p.name === name) ?? (detail?.name === name ? detail : null);

  function buildState(pdu) {
    const sig = JSON.stringify([pdu.banks.map((b) => b.index), pdu.phases.map((p) => p.index), pdu.outlets.map((o) => o.index)]);
    if (sig === built) return;
    built = sig;
    refs.banks.innerHTML = pdu.banks.map((b) => `
      <div class="pp-bank" data-testid="pdu-page-bank-${b.index}" data-bank="${b.index}">
        <b>B${b.index}</b><span class="pp-breaker"></span>
        <span class="pp-bank-amps mono"></span>
        <div class="pp-meter" aria-hidden="true"><i class="fill"></i><i class="mark80"></i></div>
        <span class="pp-bank-pct mono"></span>
        <span class="pp-bank-outlets muted"></span>
      </div>`).join('') || '<div class="muted">no banks reported</div>';
    refs.phases.innerHTML = pdu.phases.map((p) => `<div class="pp-phase" data-testid="pdu-page-phase-${p.index}"><b>L${p.index}</b><span class="mono"></span></div>`).join('') || '<div class="muted">no phases reported</div>';
    refs.outlets.innerHTML = pdu.outlets.map((o) => `
      <div class="pp-o" data-testid="pdu-page-outlet-${o.index}" data-outlet="${o.index}"><span class="n mono">${o.index}</span><a class="node" data-testid="pdu-page-outlet-node-${o.index}"></a><span class="a mono"></span></div>`).join('') || '<div class="muted">no outlets reported</div>';
    refs.bankRows = new Map([...refs.banks.querySelectorAll('.pp-bank')].map((el) => [Number(el.dataset.bank), {
      el, breaker: el.querySelector('.pp-breaker'), amps: el.querySelector('.pp-bank-amps'), fill: el.querySelector('.fill'),
      pct: el.querySelector('.pp-bank-pct'), outlets: el.querySelector('.pp-bank-outlets'),
    }]));
    refs.phaseRows = new Map([...refs.phases.querySelectorAll('.pp-phase')].map((el) => [Number(el.dataset.testid.split('-').pop()), el.querySelector('span')]));
    refs.outletCells = new Map([...refs.outlets.querySelectorAll('.pp-o')].map((el) => [Number(el.dataset.outlet), { el, node: el.querySelector('.node'), a: el.querySelector('.a') }]));
  }

  function renderState() {
    frame = 0;
    if (!name || !refs) return;
    const pdu = pduNow();
    refs.missing.hidden = !!pdu;
    setText(refs.missing, pdu ? '' : 'waiting for this PDU\'s live state…');
    if (!pdu) return;
    buildState(pdu);
    const flag = flagOf(pdu);
    setText(refs.feed, pdu.feed ?? '·');
    setText(refs.flag, flag);
    setAttr(refs.flag, 'data-flag', flag || null);
    setText(refs.where, [pdu.rack && `rack ${pdu.rack}`, pdu.feed && `feed ${pdu.feed}`, [pdu.vendor, pdu.model].filter(Boolean).join(' '), pdu.address].filter(Boolean).join(' · '));
    setText(refs.powerText, pdu.reachable === false ? '– W' : watts(pdu.power));
    const ratings = res?.pdu === name ? res.ratings?.banks ?? {} : {};
    for (const b of pdu.banks) {
      const r = refs.bankRows.get(b.index);
      if (!r) continue;
      const rating = b.rating ?? ratings[String(b.index)] ?? null;
      const load = rating && b.current != null ? (b.current / rating) * 100 : null;
      setAttr(r.el, 'data-breaker', b.breaker);
      setClass(r.el, 'tripped', b.breaker === 'tripped');
      setText(r.breaker, breakerWord(b));
      setText(r.amps, `${amps(b.current)} of ${rating ? amps(rating) : '– A'}`);
      setText(r.pct, pct(load));
      setAttr(r.el, 'data-load', load == null ? null : load >= 100 ? 'crit' : load >= 80 ? 'warn' : 'ok');
      setAttr(r.fill, 'style', `width:${Math.min(100, Math.max(0, load ?? 0)).toFixed(1)}%`);
      const outs = pdu.outlets.filter((o) => o.bank === b.index).map((o) => o.index);
      setText(r.outlets, outs.length ? `outlets ${ranges(outs)}` : '');
      setAttr(r.el, 'title', `bank ${b.index}: ${breakerWord(b)}${b.breakerInferred ? ' (inferred from outlets)' : ''}, ${amps(b.current)}${rating ? ` of ${amps(rating)} (${pct(load)})` : ''}`);
    }
    for (const ph of pdu.phases) {
      const el = refs.phaseRows.get(ph.index);
      if (el) setText(el, `${amps(ph.current)} · ${ph.voltage ?? '–'} V · ${watts(ph.power)}`);
    }
    const inlets = (pdu.inlets ?? []).map((i) => `<div class="pp-phase" data-testid="pdu-page-inlet-${i.index}"><b>I${i.index}</b><span class="mono">${esc([
      i.name, amps(i.current), i.voltage == null ? '– V' : `${i.voltage} V`, watts(i.power), i.frequency == null ? null : `${i.frequency} Hz`, i.energy == null ? null : `${i.energy} kWh`,
    ].filter(Boolean).join(' · '))}</span></div>`).join('') || '<div class="muted">no inlets reported</div>';
    if (refs.inletsHtml !== inlets) { refs.inlets.innerHTML = inlets; refs.inletsHtml = inlets; }
    const nodes = new Map((snapshot()?.nodes ?? []).map((n) => [n.name, n]));
    for (const o of pdu.outlets) {
      const c = refs.outletCells.get(o.index);
      if (!c) continue;
      const node = o.feeds ? nodes.get(o.feeds.node) : null;
      setAttr(c.el, 'data-state', o.state);
      setAttr(c.el, 'data-node', o.feeds?.node ?? null);
      setAttr(c.el, 'data-power', node?.power ?? null);
      setText(c.node, o.feeds ? o.feeds.node : '—');
      setAttr(c.node, 'href', o.feeds ? hashFor('node', o.feeds.node) : null);
      setText(c.a, o.state === 'off' ? 'off' : amps(o.current));
      setAttr(c.el, 'title', [`outlet ${o.index}${o.name ? ` “${o.name}”` : ''}: ${o.state}`, o.feeds ? `feeds ${o.feeds.node} PSU ${o.feeds.psu}${node ? ` (power ${node.power})` : ''}` : 'feeds nothing known',
        `${amps(o.current)} · ${watts(o.power)}${o.bank ? ` · bank ${o.bank}` : ''}`].join('\n'));
    }
  }

  // ---- history -----------------------------------------------------------------------------
  async function load() {
    const seq = ++loadSeq;
    const want = { name, range };
    clearTimeout(refreshTimer);
    setAttr(refs.charts, 'data-state', 'loading');
    setText(refs.status, `loading ${RANGE_LABEL[range]}…`);
    void loadDetail(seq);
    let answer;
    try {
      answer = await fetchJson(`/api/history/pdu/${encodeURIComponent(want.name)}?range=${want.range}`);
    } catch (err) {
      if (seq !== loadSeq) return;
      setAttr(refs.charts, 'data-state', 'error');
      setText(refs.status, err.status === 404 ? `no PDU named ${want.name}` : `history unavailable: ${err.message}`);
      schedule();
      return;
    }
    if (seq !== loadSeq || want.name !== name || want.range !== range) return;
    res = answer;
    drawCharts();
    renderState();
    schedule();
  }

  async function loadDetail(seq) {
    const want = name;
    try {
      const got = await fetchJson(`/api/pdus/${encodeURIComponent(want)}`);
      if (seq !== loadSeq || want !== name || !refs) return;
      detail = got;
      renderState();
      renderEvents();
    } catch (err) {
      if (seq !== loadSeq || !refs) return;
      setText(refs.events, err.status === 404 ? `no PDU named ${want}` : `events unavailable: ${err.message}`);
      refs.eventsHtml = null;
    }
  }

  function renderEvents() {
    const html = eventList(detail?.events ?? [], Date.now());
    if (refs.eventsHtml !== html) { refs.events.innerHTML = html; refs.eventsHtml = html; }
  }

  function schedule() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => { if (name && !document.hidden) void load(); else schedule(); }, range === '1h' || range === '24h' ? 60_000 : 600_000);
  }

  function figure(container, testid, caption) {
    let fig = container.querySelector(`[data-testid="${testid}"]`)?.closest('figure');
    if (!fig) {
      fig = document.createElement('figure');
      fig.className = 'pp-chart';
      fig.innerHTML = `<figcaption></figcaption><svg data-testid="${esc(testid)}" role="img"></svg>`;
      container.append(fig);
    }
    fig.querySelector('figcaption').innerHTML = caption;
    return fig.querySelector('svg');
  }

  function drawCharts() {
    const { from, to, stepMs } = res;
    const width = (el) => Math.max(240, Math.round(el.getBoundingClientRect().width) || 640);
    const at = { from, to, stepMs };
    drawChart(refs.power, { ...at, width: width(refs.power), height: 150, fmt: watts, series: [{ points: res.power, cls: 'c-power', label: 'power' }] });
    refs.power.setAttribute('aria-label', `power over ${RANGE_LABEL[range]}: now ${watts(latest(res.power))}, peak ${watts(peak(res.power))}`);

    const phases = Object.entries(res.phases ?? {}).map(([i, points], k) => ({ points, cls: `c${k % 4}`, label: `L${i}` }));
    const inlets = Object.entries(res.inlets ?? {}).map(([i, points], k) => ({ points, cls: `c${(k + phases.length) % 4} dashed`, label: `inlet ${i}` }));
    const lines = [...phases, ...inlets];
    drawChart(refs.phaseChart, { ...at, width: width(refs.phaseChart), height: 150, fmt: axisAmps, series: lines, empty: lines.length ? 'no data in this range' : 'no phase readings' });
    refs.phaseLegend.innerHTML = lines.map((s) => `<span class="${esc(s.cls)}"><i></i>${esc(s.label)}</span>`).join('');

    // Each bank: its current against its breaker's rating and 80% of it.
    const bankIdx = Object.keys(res.banks ?? {}).sort((a, b) => a - b);
    for (const fig of [...refs.bankCharts.querySelectorAll('svg')]) {
      if (!bankIdx.includes(fig.dataset.testid.split('-').pop())) fig.closest('figure').remove();
    }
    const live = pduNow();
    // Every figure first, then each measured and drawn (a grid's columns depend on how many there are).
    const bankSvgs = bankIdx.map((i) => {
      const now = live?.banks?.find((b) => String(b.index) === i);
      const rating = now?.rating ?? res.ratings?.banks?.[i] ?? null;
      const tripped = now?.breaker === 'tripped';
      return figure(refs.bankCharts, `pdu-chart-bank-${i}`, `Bank ${esc(i)} <span class="muted">current, A${rating ? ` · rating ${esc(amps(rating))}` : ' · rating unknown'}</span>${tripped ? ' <b class="pp-tripped">TRIPPED</b>' : ''}`);
    });
    for (const [k, i] of bankIdx.entries()) {
      const rating = live?.banks?.find((b) => String(b.index) === i)?.rating ?? res.ratings?.banks?.[i] ?? null;
      const svg = bankSvgs[k];
      drawChart(svg, {
        ...at, width: width(svg), height: 130, fmt: axisAmps,
        series: [{ points: res.banks[i], cls: 'c-bank', label: `bank ${i}` }],
        guides: rating ? [{ value: rating, cls: 'rating-line', label: `rating ${amps(rating)}` }, { value: rating * 0.8, cls: 'warn-line', label: '80%' }] : [],
      });
    }

    // Outlets: small multiples on one scale, so a busy outlet stands out.
    const outletIdx = Object.keys(res.outlets ?? {}).sort((a, b) => a - b);
    const top = niceCeil(Math.max(0.1, peak(...outletIdx.map((i) => res.outlets[i]))));
    setText(refs.outletScale, `0 – ${amps(top)}`);
    const sig = outletIdx.join(',');
    if (refs.outletGrid.dataset.sig !== sig) {
      refs.outletGrid.innerHTML = outletIdx.map((i) => `<div class="pp-mini"><span class="pp-mini-label"><b class="mono">${esc(i)}</b> <span class="node"></span></span><svg data-testid="pdu-chart-outlet-${esc(i)}" preserveAspectRatio="none"></svg></div>`).join('') || '<div class="muted">no outlets</div>';
      refs.outletGrid.dataset.sig = sig;
    }
    for (const i of outletIdx) {
      const svg = refs.outletGrid.querySelector(`[data-testid="pdu-chart-outlet-${CSS.escape(i)}"]`);
      drawMini(svg, { ...at, points: res.outlets[i], top });
      const o = live?.outlets?.find((x) => String(x.index) === i);
      setText(svg.previousElementSibling.querySelector('.node'), o?.feeds?.node ?? '');
      svg.closest('.pp-mini').title = `outlet ${i}${o?.feeds ? ` → ${o.feeds.node}` : ''}: now ${amps(latest(res.outlets[i]))}, peak ${amps(peak(res.outlets[i]))} over ${RANGE_LABEL[range]}`;
    }

    const span = `${new Date(from).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })} – ${new Date(to).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })}`;
    setText(refs.span, `${span} · a point per ${duration(stepMs)} · ${res.source ?? ''}`);
    setText(refs.status, '');
    draws += 1;
    setAttr(refs.charts, 'data-range', range);
    setAttr(refs.charts, 'data-from', from);
    setAttr(refs.charts, 'data-to', to);
    setAttr(refs.charts, 'data-step', stepMs);
    setAttr(refs.charts, 'data-draws', draws);
    setAttr(refs.charts, 'data-state', 'ready');
  }

  // ---- route -------------------------------------------------------------------------------
  function setRange(r) {
    if (!RANGES.includes(r) || !name) return;
    range = r;
    router.replace('pdu', name, { range: r === '1h' ? null : r });
    for (const b of refs.ranges) setAttr(b, 'aria-pressed', b.dataset.range === r ? 'true' : 'false');
    void load();
  }

  function open(pdu, r) {
    const fresh = pdu !== name;
    name = pdu;
    range = r;
    if (fresh) { res = null; detail = null; buildFrame(); }
    for (const b of refs.ranges) setAttr(b, 'aria-pressed', b.dataset.range === r ? 'true' : 'false');
    page.hidden = false;
    document.body.classList.add('pdu-open');
    renderState();
    void load();
    if (fresh) refs.title.focus({ preventScroll: true });
  }

  function close() {
    if (!name) return;
    const was = name;
    name = null;
    loadSeq++;
    clearTimeout(refreshTimer);
    clearTimeout(detailTimer);
    page.hidden = true;
    document.body.classList.remove('pdu-open');
    page.innerHTML = '';
    refs = null;
    res = null;
    // Focus back where it was on the wall.
    racks.querySelector(`.pdu[data-pdu="${CSS.escape(was)}"] .pdu-name`)?.focus({ preventScroll: true });
  }

  const back = () => router.back();
  // A click anywhere on a PDU opens its page (its name is a link, for the keyboard).
  racks.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (!(e.target instanceof Element) || e.target.closest('a[href]')) return;
    const el = e.target.closest('.pdu[data-pdu]');
    if (el) router.go('pdu', el.dataset.pdu);
  });

  let resized = null;
  new ResizeObserver(() => {
    clearTimeout(resized);
    resized = setTimeout(() => { if (name && res?.pdu === name && refs) drawCharts(); }, 200);
  }).observe(page);

  router.onChange((r) => {
    if (r?.kind === 'pdu') open(r.name, RANGES.includes(r.range) ? r.range : '1h'); else close();
  });

  return {
    /** The wall's copy changed: the page's state follows, in the next frame (never in the delta's own turn). */
    update() {
      if (name && refs && !frame) frame = requestAnimationFrame(renderState);
    },
    /** A live event about this PDU: its events (and state, if this wall does not show it) again, shortly. */
    onEvent(ev) {
      if (!name || !refs || !ev || (ev.subject !== name && !String(ev.message ?? '').includes(name))) return;
      clearTimeout(detailTimer);
      detailTimer = setTimeout(() => loadDetail(loadSeq), 300);
    },
    get open() { return name; },
  };
}
