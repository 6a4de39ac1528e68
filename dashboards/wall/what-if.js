// Operator mode's what-if view: pick a fault, ask GET /api/what-if, and see the prediction drawn on
// the racks and the member chips, labelled WHAT-IF. Nothing is injected, drained or changed: the
// marks are attributes on the wall's own elements (data-whatif…) until Clear, or the next question.
import { call } from './api.js';
import { esc, plural, ranges } from './format.js';

/** Which fields each kind of fault asks for, in the form's order. */
const FIELDS = { pdu: ['pdu'], bank: ['pdu', 'bank'], outlet: ['pdu', 'outlet'], ups: ['ups'], feed: ['feed', 'scope'] };

const FORM = `
  <h2>What if… <span class="muted">a prediction: nothing is touched</span></h2>
  <form class="wi-form" data-testid="what-if-form" autocomplete="off">
    <label>fault <select name="kind" data-testid="what-if-kind">
      <option value="pdu">PDU loses power</option><option value="bank">bank trips</option><option value="outlet">outlet off</option>
      <option value="ups">UPS fails</option><option value="feed">feed lost</option>
    </select></label>
    <label data-field="pdu">pdu <select name="pdu" data-testid="what-if-pdu"></select></label>
    <label data-field="bank">bank <select name="bank" data-testid="what-if-bank"></select></label>
    <label data-field="outlet">outlet <select name="outlet" data-testid="what-if-outlet"></select></label>
    <label data-field="ups">ups <select name="ups" data-testid="what-if-ups"></select></label>
    <label data-field="feed">feed <select name="feed" data-testid="what-if-feed"><option>A</option><option>B</option></select></label>
    <label data-field="scope">where <select name="scope" data-testid="what-if-scope"></select></label>
    <button type="submit" data-testid="what-if-ask">What if?</button>
    <button type="button" class="small" data-testid="what-if-clear" disabled>Clear</button>
  </form>
  <div class="wi-result" data-testid="what-if-result" role="status"></div>`;

export function createWhatIf(panel, { racks, pools }) {
  panel.innerHTML = FORM;
  const form = panel.querySelector('form');
  const field = (name) => form.elements.namedItem(name);
  const result = panel.querySelector('.wi-result');
  const clearButton = panel.querySelector('[data-testid="what-if-clear"]');
  let snap = null;
  let optionsKey = '';
  /** The answer drawn on the wall, or null. */
  let shown = null;
  let asked = 0;

  function fill(select, options) {
    const keep = select.value;
    select.innerHTML = options.map((o) => `<option value="${esc(o.value)}">${esc(o.label)}</option>`).join('');
    if (options.some((o) => String(o.value) === keep)) select.value = keep;
  }

  function showFields() {
    const need = FIELDS[field('kind').value];
    for (const label of form.querySelectorAll('label[data-field]')) label.hidden = !need.includes(label.dataset.field);
  }

  /** The PDU's banks and outlets, as the wall knows them. */
  function fillDetails() {
    const pdu = snap?.pdus.find((p) => p.name === field('pdu').value);
    fill(field('bank'), (pdu?.banks ?? []).map((b) => ({ value: b.index, label: `bank ${b.index} · outlets ${ranges(pdu.outlets.filter((o) => o.bank === b.index).map((o) => o.index))}` })));
    fill(field('outlet'), (pdu?.outlets ?? []).map((o) => ({ value: o.index, label: `${o.index}${o.feeds ? ` · ${o.feeds.node}` : ' · unused'}` })));
  }

  function fillOptions() {
    const key = JSON.stringify([snap.pdus.map((p) => [p.name, p.kind]), snap.sites]);
    if (key === optionsKey) return;
    optionsKey = key;
    fill(field('pdu'), snap.pdus.map((p) => ({ value: p.name, label: `${p.name}${p.feed ? ` (feed ${p.feed})` : ''}` })));
    fill(field('ups'), snap.pdus.filter((p) => p.kind === 'ups' || p.kind === 'ats').map((p) => ({ value: p.name, label: p.name })));
    const scopes = [{ value: '', label: 'everywhere' }];
    for (const site of snap.sites) {
      if (snap.sites.length > 1) scopes.push({ value: JSON.stringify({ site: site.name }), label: site.name });
      for (const row of site.rows) {
        scopes.push({ value: JSON.stringify({ site: site.name, row: row.name }), label: row.name });
        for (const rack of row.racks) scopes.push({ value: JSON.stringify({ rack: rack.name }), label: `  rack ${rack.name}` });
      }
    }
    fill(field('scope'), scopes);
    fillDetails();
  }

  function query() {
    const kind = field('kind').value;
    const q = new URLSearchParams();
    if (kind === 'pdu' || kind === 'bank') q.set('pdu', field('pdu').value);
    if (kind === 'bank') q.set('bank', field('bank').value);
    if (kind === 'outlet') q.set('outlet', `${field('pdu').value}:${field('outlet').value}`);
    if (kind === 'ups') q.set('ups', field('ups').value);
    if (kind === 'feed') {
      q.set('feed', field('feed').value);
      for (const [k, v] of Object.entries(field('scope').value ? JSON.parse(field('scope').value) : {})) q.set(k, v);
    }
    return q;
  }

  // ---- the marks ---------------------------------------------------------------------------------

  const ATTRS = ['data-whatif', 'data-whatif-power', 'data-whatif-action'];
  function unmark() {
    for (const root of [racks, pools]) for (const el of root.querySelectorAll(ATTRS.map((a) => `[${a}]`).join(','))) for (const a of ATTRS) el.removeAttribute(a);
    document.body.removeAttribute('data-whatif');
  }

  function mark(r) {
    unmark();
    document.body.setAttribute('data-whatif', 'on');
    const pduEl = (name) => racks.querySelector(`.pdu[data-pdu="${CSS.escape(name)}"]`);
    for (const name of r.dark) pduEl(name)?.setAttribute('data-whatif', 'dark');
    for (const b of r.banks) {
      const el = pduEl(b.pdu)?.querySelector(`.bank[data-bank="${b.bank}"]`);
      el?.setAttribute('data-whatif', 'tripped');
      for (const o of el?.querySelectorAll('.o') ?? []) o.setAttribute('data-whatif', 'off');
    }
    for (const x of r.outlets) for (const n of x.outlets) pduEl(x.pdu)?.querySelector(`.o[data-outlet="${n}"]`)?.setAttribute('data-whatif', 'off');
    for (const l of r.overloads) if (l.part === 'bank') pduEl(l.pdu)?.querySelector(`.bank[data-bank="${l.index}"]`)?.setAttribute('data-whatif', l.state);
    const chips = (node) => pools.querySelectorAll(`.chip[data-node="${CSS.escape(node)}"]`);
    for (const n of r.lost) for (const c of chips(n.name)) c.setAttribute('data-whatif-power', 'lost');
    for (const n of r.degraded) for (const c of chips(n.name)) c.setAttribute('data-whatif-power', 'one-feed');
    for (const p of r.pools) {
      const inPool = (node) => pools.querySelector(`.pool[data-pool="${CSS.escape(p.name)}"] .chip[data-node="${CSS.escape(node)}"]`);
      for (const n of p.drain) inPool(n)?.setAttribute('data-whatif-action', 'drain');
      for (const b of p.blocked) for (const n of b.nodes) inPool(n)?.setAttribute('data-whatif-action', 'blocked');
    }
  }

  function summary(r) {
    const names = (list) => (list.length > 6 ? `${list.slice(0, 5).join(', ')}… (${list.length})` : list.join(', '));
    const li = (cls, html) => `<li class="${cls}">${html}</li>`;
    const items = [
      li('wi-lost', r.lost.length ? `<b>${plural(r.lost.length, 'node')} lose power</b>: ${esc(names(r.lost.map((n) => n.name)))}` : 'no node loses power'),
      r.degraded.length ? li('wi-one-feed', `${plural(r.degraded.length, 'node')} on fewer supplies: ${esc(names(r.degraded.map((n) => n.name)))}`) : '',
      ...r.pools.map((p) => li('wi-pool', `pool <b>${esc(p.name)}</b>: ${p.drain.length ? `${p.shadow ? 'would drain (shadow)' : 'drain'} ${p.drain.length} of ${p.total}` : 'no drain'} · serving ${p.serving.now} → ${p.serving.after}${p.belowFloor ? ` · <b>below its floor of ${p.floor}</b>` : ''}${
        p.blocked.map((b) => `<br><span class="wi-blocked" data-rule="${esc(b.rule)}">blocked by <b class="mono">${esc(b.rule)}</b> (${b.nodes.length}): ${esc(b.message)}</span>`).join('')}`)),
      ...r.frozen.map((d) => li('wi-frozen', `frozen: ${esc(d.message)}`)),
      ...r.services.map((s) => li('wi-service', `service <b>${esc(s.name)}</b>: ${esc(s.now)} → ${esc(s.after)}`)),
      ...r.overloads.map((l) => li('wi-overload', `<b>${esc(l.pdu)} ${l.part} ${l.index}</b>: ${l.now} A → ${l.after} A of ${l.rating} A${l.state === 'over-rating' ? ': would trip' : ` (limit ${l.limit} A)`}`)),
      ...r.notes.map((n) => li('wi-note', esc(n))),
    ];
    return `<div class="wi-tag" data-testid="what-if-tag">WHAT-IF · ${esc(r.description)}</div><ul>${items.join('')}</ul>`;
  }

  function clear() {
    shown = null;
    asked++;
    unmark();
    result.innerHTML = '';
    clearButton.disabled = true;
  }

  field('kind').addEventListener('change', showFields);
  field('pdu').addEventListener('change', fillDetails);
  clearButton.addEventListener('click', clear);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ask = ++asked;
    result.textContent = 'asking…';
    try {
      const r = await call('GET', `/api/what-if?${query()}`);
      if (ask !== asked) return;
      shown = r;
      result.innerHTML = summary(r);
      mark(r);
      clearButton.disabled = false;
    } catch (err) {
      if (ask === asked) result.innerHTML = `<span class="wi-error">${esc(err.message)}</span>`;
    }
  });
  showFields();

  return {
    /** A new snapshot: the choices follow the site, and the marks survive a redraw of the racks. */
    update(s) {
      snap = s;
      fillOptions();
      if (shown) mark(shown);
    },
  };
}
