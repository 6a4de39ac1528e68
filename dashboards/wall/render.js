// Rendering of the racks, pools and services. Each view builds its DOM once per topology
// (keyed by a signature) and then only patches attributes and text on each snapshot, so
// CSS animations (a pulsing breaker) keep running and a 1 Hz update stays cheap.
import { amps, esc, plural, ranges, sharedPrefix, uptime, watts } from './format.js';
import { fitChips, rackDensity } from './density.js';

// ---- tiny DOM patch helpers: write only what changed -------------------------------------

export function setAttr(el, name, value) {
  const v = value == null ? null : String(value);
  if (v === null) { if (el.hasAttribute(name)) el.removeAttribute(name); }
  else if (el.getAttribute(name) !== v) el.setAttribute(name, v);
}
export function setText(el, text) {
  const t = String(text ?? '');
  if (el.textContent !== t) el.textContent = t;
}
export function setClass(el, name, on) {
  if (el.classList.contains(name) !== !!on) el.classList.toggle(name, !!on);
}
const tri = (v) => (v === null || v === undefined ? 'unknown' : String(v));

// ---- overall status -----------------------------------------------------------------------

/** What the header says about the whole site: level ok|warn|crit, a word, and the reasons. */
export function assess(snap) {
  const crit = [];
  const warn = [];
  const trips = snap.pdus.flatMap((p) => p.banks.filter((b) => b.breaker === 'tripped').map((b) => `${p.name} bank ${b.index}`));
  const dark = snap.pdus.filter((p) => p.dark);
  const unreachable = snap.pdus.filter((p) => !p.dark && p.reachable === false);
  const lost = snap.nodes.filter((n) => n.power === 'lost');
  const degraded = snap.nodes.filter((n) => n.power === 'degraded');
  const unknownPower = snap.nodes.filter((n) => n.power === 'unknown');
  const nodeDown = snap.nodes.filter((n) => n.reachable === false && n.power !== 'lost');
  const blocked = snap.pools.filter((p) => p.blocked);
  const down = snap.services.filter((s) => s.status === 'down');
  const reduced = snap.services.filter((s) => s.status === 'reduced');
  const drained = snap.pools.reduce((s, p) => s + p.drained, 0);
  const held = snap.pools.reduce((s, p) => s + p.held, 0);
  const shadow = snap.pools.filter((p) => p.shadow);
  const shadowNote = shadow.length
    ? `shadow mode in ${shadow.map((p) => (p.wouldDrain ? `${p.name} (would drain ${p.wouldDrain})` : p.name)).join(', ')}`
    : null;

  if (down.length) crit.push(`${plural(down.length, 'service')} down`);
  if (trips.length) crit.push(trips.length === 1 ? `breaker tripped: ${trips[0]}` : `${trips.length} breakers tripped`);
  if (dark.length) crit.push(dark.length === 1 ? `${dark[0].name} dark` : `${dark.length} PDUs dark`);
  if (lost.length) crit.push(`${plural(lost.length, 'node')} lost power`);
  if (blocked.length) crit.push(`drain blocked in ${blocked.map((p) => p.name).join(', ')}`);
  // Breakerbox's own faults (a database it cannot write): never shown as all normal. A config file
  // a reload refused is a warning: Breakerbox runs on, on the configuration it had.
  const refusedConfig = (snap.health?.problems ?? []).some((p) => p.code === 'BB_ERR_CONFIG_REJECTED');
  const problems = (snap.health?.problems ?? []).filter((p) => p.code !== 'BB_ERR_CONFIG_REJECTED');
  if (problems.length) crit.push('Breakerbox storage failing');
  if (drained) warn.push(`${drained} drained`);
  if (degraded.length) warn.push(`${degraded.length} on one feed`);
  if (unreachable.length) warn.push(unreachable.length === 1 ? `${unreachable[0].name} not answering` : `${unreachable.length} PDUs not answering`);
  if (nodeDown.length) warn.push(`${plural(nodeDown.length, 'node')} not answering`);
  if (unknownPower.length) warn.push(`${unknownPower.length} power unknown`);
  if (reduced.length && !crit.length && !warn.length) warn.push(`${plural(reduced.length, 'service')} reduced`);
  if (held) warn.push(`${held} held`);
  if (refusedConfig) warn.push('config file refused');

  const withShadow = (parts) => [...parts, shadowNote].filter(Boolean).join(' · ');
  const critWord = down.length ? 'SERVICE DOWN' : crit.length === 1 && problems.length ? 'DEGRADED' : 'POWER FAULT';
  if (crit.length) return { level: 'crit', word: critWord, detail: withShadow([...crit, ...warn]) };
  // Held members alone are an operator's choice, not a fault.
  if (warn.length && !(warn.length === 1 && held)) return { level: 'warn', word: 'DEGRADED', detail: withShadow(warn) };
  return { level: 'ok', word: 'ALL NORMAL', detail: withShadow([held ? `every feed up · ${held} held by operators` : 'every feed up · every pool whole']) };
}

// ---- racks --------------------------------------------------------------------------------

/** Where each PDU and node stands; PDUs the site layout does not place go to an "unplaced" row. */
function layoutOf(snap) {
  const rows = [];
  const placed = new Set();
  const multiSite = snap.sites.length > 1;
  for (const site of snap.sites) {
    for (const row of site.rows) {
      rows.push({
        name: multiSite ? `${site.name} · ${row.name}` : row.name,
        racks: row.racks.map((r) => {
          r.pdus.forEach((p) => placed.add(p));
          return { name: r.name, pdus: r.pdus, nodes: r.nodes };
        }),
      });
    }
  }
  const rest = snap.pdus.filter((p) => !placed.has(p.name));
  if (rest.length) {
    const byRack = new Map();
    for (const p of rest) byRack.set(p.rack, [...(byRack.get(p.rack) ?? []), p.name]);
    rows.push({ name: 'unplaced', racks: [...byRack].map(([name, pdus]) => ({ name, pdus, nodes: snap.nodes.filter((n) => n.rack === name).map((n) => n.name) })) });
  }
  return rows;
}

/** Outlets grouped by bank, in bank order; outlets without a bank form a last group. */
function bankGroups(pdu) {
  const groups = pdu.banks.map((b) => ({ index: b.index, outlets: [] }));
  const byIndex = new Map(groups.map((g) => [g.index, g]));
  const loose = { index: null, outlets: [] };
  for (const o of pdu.outlets) (byIndex.get(o.bank) ?? loose).outlets.push(o);
  if (loose.outlets.length) groups.push(loose);
  return groups;
}

/** Whether the wall is laid out to fit its screen (1), or flows down a page that scrolls (0: a phone); wall.css says. */
const fitsScreen = (el) => getComputedStyle(el).getPropertyValue('--wall-fit').trim() !== '0';

/** What the pools need below the racks at the least, px: a card's head, its bar and a few rows of chips. */
const POOLS_MIN = 190;

/** A rack collapsed to a line, for a site too large to draw every outlet: its PDUs as small blocks, a faulty one by name. */
function miniRackHtml(rack, pdus) {
  return `
    <article class="rack mini" data-testid="rack-${esc(rack.name)}" data-rack="${esc(rack.name)}">
      <header><a class="rack-name" href="#/rack/${encodeURIComponent(rack.name)}" data-testid="rack-link-${esc(rack.name)}">${esc(rack.name)}</a><span class="rack-meta"></span></header>
      ${rack.pdus.map((name) => pdus.get(name)).filter(Boolean).map((pdu) => `
        <div class="pdu mini" data-testid="pdu-${esc(pdu.name)}" data-pdu="${esc(pdu.name)}">
          <span class="feed">${esc(pdu.feed ?? '·')}</span>
          <a class="pdu-name" href="#/pdu/${encodeURIComponent(pdu.name)}" data-testid="pdu-link-${esc(pdu.name)}">${esc(pdu.name)}</a>
          <span class="pdu-flag"></span>
          <span class="pdu-power mono"></span>
        </div>`).join('')}
    </article>`;
}

export function createRacks(root) {
  let signature = '';
  let pduRefs = new Map();
  let rackRefs = new Map();
  /** 'full' (a card per rack, every outlet) or 'rows' (a line per rack): whichever fits, decided when drawn and on resize. */
  let density = 'full';
  let last = null;

  /** The width and height of the last full drawing, to judge a new screen height by without drawing again. */
  let full = null;
  const main = root.parentElement;
  // Under a PDU's or node's page the wall is not laid out: nothing to measure there.
  const hidden = () => !main || main.clientHeight === 0;

  function build(snap, rows) {
    if (hidden()) { full = null; draw(snap, rows, density); return; }
    draw(snap, rows, 'full');
    full = { width: root.clientWidth, height: root.offsetHeight };
    if (tooTall(full.height)) draw(snap, rows, 'rows');
  }

  /** Drawn in full, the racks would leave the pools too little of the screen (or, flowing on a phone, run on for pages). */
  function tooTall(fullHeight) {
    const room = fitsScreen(main) ? main.clientHeight : 2.5 * document.documentElement.clientHeight;
    return rackDensity({ fullHeight, room, poolsMin: POOLS_MIN }) === 'rows';
  }

  function draw(snap, rows, mode) {
    density = mode;
    root.dataset.density = mode;
    const pdus = new Map(snap.pdus.map((p) => [p.name, p]));
    const html = mode === 'rows' ? rows.map((row) => `
      <div class="row mini" data-testid="row-${esc(row.name)}">
        <div class="row-label"><span>${esc(row.name)}</span></div>
        <div class="row-racks" style="--racks:${Math.max(row.racks.length, 4)}">
          ${row.racks.map((rack) => miniRackHtml(rack, pdus)).join('')}
        </div>
      </div>`).join('') : rows.map((row) => `
      <div class="row" data-testid="row-${esc(row.name)}">
        <div class="row-label"><span>${esc(row.name)}</span></div>
        <div class="row-racks" style="--racks:${Math.max(row.racks.length, 4)}">
          ${row.racks.map((rack) => `
            <article class="rack" data-testid="rack-${esc(rack.name)}" data-rack="${esc(rack.name)}">
              <header><a class="rack-name" href="#/rack/${encodeURIComponent(rack.name)}" data-testid="rack-link-${esc(rack.name)}">${esc(rack.name)}</a><span class="rack-meta"></span></header>
              ${rack.pdus.map((name) => pdus.get(name)).filter(Boolean).map((pdu) => `
                <div class="pdu" data-testid="pdu-${esc(pdu.name)}" data-pdu="${esc(pdu.name)}">
                  <div class="pdu-head">
                    <span class="feed">${esc(pdu.feed ?? '·')}</span>
                    <a class="pdu-name" href="#/pdu/${encodeURIComponent(pdu.name)}" data-testid="pdu-link-${esc(pdu.name)}">${esc(pdu.name)}</a>
                    <span class="pdu-flag"></span>
                    <span class="pdu-power mono"></span>
                  </div>
                  ${pdu.outlets.length === 0 ? '<div class="pdu-empty">no reading yet</div>' : ''}
                  ${bankGroups(pdu).map((g) => `
                    <div class="bank"${g.index === null ? '' : ` data-testid="bank-${esc(pdu.name)}-${g.index}" data-bank="${g.index}"`}>
                      <div class="bank-label"><b>${g.index === null ? '—' : `B${g.index}`}</b><span class="bank-state mono"></span></div>
                      <div class="outlets" style="--cols:${Math.max(1, Math.ceil(g.outlets.length / 2))}">
                        ${g.outlets.map((o) => `<i class="o" data-testid="outlet-${esc(pdu.name)}-${o.index}" data-outlet="${o.index}"></i>`).join('')}
                      </div>
                    </div>`).join('')}
                </div>`).join('')}
            </article>`).join('')}
        </div>
      </div>`).join('');
    root.innerHTML = html;

    pduRefs = new Map();
    for (const el of root.querySelectorAll('.pdu')) {
      const banks = new Map();
      for (const b of el.querySelectorAll('.bank[data-bank]')) banks.set(Number(b.dataset.bank), { el: b, state: b.querySelector('.bank-state') });
      const outlets = new Map();
      for (const o of el.querySelectorAll('.o')) outlets.set(Number(o.dataset.outlet), o);
      pduRefs.set(el.dataset.pdu, {
        el, banks, outlets,
        flag: el.querySelector('.pdu-flag'),
        power: el.querySelector('.pdu-power'),
      });
    }
    rackRefs = new Map();
    for (const row of rows) for (const rack of row.racks) {
      const el = root.querySelector(`.rack[data-rack="${CSS.escape(rack.name)}"]`);
      if (el) rackRefs.set(rack.name, { el, meta: el.querySelector('.rack-meta'), rack });
    }
  }

  // Another screen size (or the wall shown again after a page) may call for the other density. Drawn in
  // full: kept while it fits. Collapsed to rows: judged by the last full drawing at this width, else drawn
  // in full again to measure (nothing is painted in between), and whichever fits is kept.
  function relayout() {
    if (!last || hidden()) return;
    if (density === 'full' ? !tooTall(root.offsetHeight) : full?.width === root.clientWidth && tooTall(full.height)) return;
    build(last, layoutOf(last));
    update(last);
  }
  let resizing = 0;
  if (main) new ResizeObserver(() => { cancelAnimationFrame(resizing); resizing = requestAnimationFrame(relayout); }).observe(main);

  function update(snap) {
    last = snap;
    const rows = layoutOf(snap);
    const sig = JSON.stringify([rows, snap.pdus.map((p) => [p.name, p.feed, p.banks.map((b) => b.index), p.outlets.map((o) => [o.index, o.bank])])]);
    if (sig !== signature) { build(snap, rows); signature = sig; }

    const nodes = new Map(snap.nodes.map((n) => [n.name, n]));
    const pduAlarm = new Map();
    for (const pdu of snap.pdus) {
      const ref = pduRefs.get(pdu.name);
      if (!ref) continue;
      const tripped = pdu.banks.filter((b) => b.breaker === 'tripped');
      const reach = tri(pdu.reachable);
      setAttr(ref.el, 'data-reachable', reach);
      setAttr(ref.el, 'data-dark', pdu.dark);
      setClass(ref.el, 'is-dark', pdu.dark);
      setClass(ref.el, 'is-unreachable', !pdu.dark && pdu.reachable === false);
      setClass(ref.el, 'is-unknown', pdu.reachable === null);
      setClass(ref.el, 'has-trip', tripped.length > 0);
      const unmatched = pdu.kind === 'unknown';
      setClass(ref.el, 'is-unmatched', unmatched);
      setText(ref.flag, pdu.dark ? 'DARK' : pdu.reachable === false ? 'NO SNMP' : pdu.reachable === null ? 'UNKNOWN'
        : tripped.length ? 'TRIPPED' : unmatched ? 'NO PROFILE' : pdu.badValues > 0 ? `${pdu.badValues} bad` : '');
      // An unreachable PDU's last reading is history: keep it in the tooltip, not on the wall.
      setText(ref.power, pdu.reachable === false ? '– W' : watts(pdu.power));
      const identity = [pdu.vendor, pdu.model, pdu.serial && `s/n ${pdu.serial}`, pdu.firmware && `fw ${pdu.firmware}`].filter(Boolean).join(' ');
      setAttr(ref.el, 'title', [
        `${pdu.name} (${pdu.feed ? `feed ${pdu.feed}, ` : ''}rack ${pdu.rack}) at ${pdu.address}`,
        identity, unmatched ? `answers, but no vendor profile matched (sysObjectID ${pdu.sysObjectId ?? 'missing'}): its outlets are unknown`
          : pdu.profile && `profile ${pdu.profile}`,
        pdu.upSince != null && `up since ${new Date(pdu.upSince).toLocaleString()} (${uptime((Date.now() - pdu.upSince) / 1000)})`,
        pdu.dark ? 'DARK: unreachable together with every node it alone feeds; most likely lost power'
          : `reachable: ${reach}`,
        pdu.error && `error: ${pdu.error}`,
        pdu.reachable === false && pdu.power != null ? `last known power ${watts(pdu.power)}` : null,
        pdu.lastOkAt && `last good poll ${new Date(pdu.lastOkAt).toLocaleTimeString()}`,
        pdu.badValues ? `${pdu.badValues} untrusted values in the last poll` : null,
        ...pdu.phases.map((ph) => `phase ${ph.index}: ${amps(ph.current)}, ${ph.voltage ?? '–'} V, ${watts(ph.power)}`),
      ].filter(Boolean).join('\n'));

      for (const bank of pdu.banks) {
        const b = ref.banks.get(bank.index);
        if (!b) continue;
        setAttr(b.el, 'data-breaker', bank.breaker);
        setClass(b.el, 'tripped', bank.breaker === 'tripped');
        setText(b.state, bank.breaker === 'tripped' ? 'TRIP' : bank.breaker === 'unknown' ? '?' : amps(bank.current));
        const outs = pdu.outlets.filter((o) => o.bank === bank.index).map((o) => o.index);
        setAttr(b.el, 'title', `bank ${bank.index} (outlets ${ranges(outs)}): breaker ${bank.breaker}${bank.breakerInferred ? ' (inferred from outlets)' : ''}, ${amps(bank.current)}`);
      }
      for (const o of pdu.outlets) {
        const el = ref.outlets.get(o.index);
        if (!el) continue;
        const node = o.feeds ? nodes.get(o.feeds.node) : null;
        setAttr(el, 'data-state', o.state);
        setAttr(el, 'data-node', o.feeds?.node ?? null);
        setClass(el, 'unused', !o.feeds);
        setClass(el, 'feeds-lost', node?.power === 'lost');
        setAttr(el, 'title', [
          `${pdu.name} outlet ${o.index}${o.name ? ` “${o.name}”` : ''}: ${o.state}`,
          o.feeds ? `feeds ${o.feeds.node} PSU ${o.feeds.psu}${node ? ` (power ${node.power})` : ''}` : 'unused',
          `${amps(o.current)} · ${watts(o.power)}${o.bank ? ` · bank ${o.bank}` : ''}`,
        ].join('\n'));
      }
      pduAlarm.set(pdu.name, pdu.dark || tripped.length ? 'crit' : pdu.reachable !== true ? 'warn' : '');
    }

    for (const { el, meta, rack } of rackRefs.values()) {
      const rackNodes = rack.nodes.map((n) => nodes.get(n)).filter(Boolean);
      const lost = rackNodes.filter((n) => n.power === 'lost').length;
      const degraded = rackNodes.filter((n) => n.power === 'degraded').length;
      const w = rack.pdus.map((p) => snap.pdus.find((x) => x.name === p)?.power).reduce((s, v) => s + (v ?? 0), 0);
      const levels = rack.pdus.map((p) => pduAlarm.get(p) ?? '');
      const level = lost || levels.includes('crit') ? 'crit' : degraded || levels.includes('warn') ? 'warn' : '';
      setAttr(el, 'data-level', level || 'ok');
      const health = lost ? `${lost} lost` : degraded ? `${degraded} on 1 feed` : '';
      const said = [plural(rackNodes.length, 'node'), health, watts(w)].filter(Boolean).join(' · ');
      // A rack collapsed to a line has room for what is wrong in it, and nothing when all is well.
      setText(meta, density === 'rows' ? health : said);
      setAttr(meta, 'title', `rack ${rack.name}: ${said}`);
    }
  }

  return { update };
}

// ---- pools --------------------------------------------------------------------------------

/**
 * Member chips as large as fit their card, or a heat strip where even small ones do not (density.js);
 * on a phone, where the page scrolls, chips of one size. Sizes go to CSS variables on the chips' box.
 */
function fitPool(box) {
  const pool = box.closest('.pool');
  if (!fitsScreen(box)) {
    for (const k of ['--chip-font', '--chip-w', '--chip-h', '--chip-gap', '--cell']) box.style.removeProperty(k);
    setClass(box, 'heat', false);
    if (pool) setAttr(pool, 'data-density', 'chips');
    return;
  }
  const fit = fitChips({ count: box.children.length, chars: Number(box.dataset.chars) || 3, width: Math.floor(box.clientWidth), height: Math.floor(box.clientHeight) - 1 });
  const vars = fit.mode === 'chips'
    ? { '--chip-font': `${fit.font}px`, '--chip-w': `${fit.width}px`, '--chip-h': `${fit.height}px`, '--chip-gap': `${fit.gap}px` }
    : { '--cell': `${fit.cell}px`, '--chip-gap': `${fit.gap}px` };
  for (const [k, v] of Object.entries(vars)) if (box.style.getPropertyValue(k) !== v) box.style.setProperty(k, v);
  setClass(box, 'heat', fit.mode === 'heat');
  if (pool) setAttr(pool, 'data-density', fit.mode);
}

export function createPools(root) {
  let signature = '';
  let refs = new Map();
  // A chips' box is sized by its card, never by the chips: fitting them again never resizes it.
  const sized = new ResizeObserver((entries) => { for (const e of entries) fitPool(e.target); });

  function build(snap) {
    sized.disconnect();
    root.innerHTML = snap.pools.map((pool) => {
      const names = pool.members.map((m) => m.node);
      const prefix = names.length > 12 ? sharedPrefix(names) : '';
      const chars = Math.max(1, ...names.map((n) => n.length - prefix.length));
      return `
        <article class="pool card" data-testid="pool-${esc(pool.name)}" data-pool="${esc(pool.name)}" style="flex-grow:${Math.max(1, pool.total)}">
          <header>
            <h3><a class="pool-link" href="#/pool/${encodeURIComponent(pool.name)}" data-testid="pool-link-${esc(pool.name)}">${esc(pool.name)}</a></h3>
            ${prefix ? `<span class="prefix mono" title="chips show the part after ${esc(prefix)}">${esc(prefix)}###</span>` : ''}
            <span class="pool-count" data-testid="drained-count-${esc(pool.name)}"></span>
            <span class="pool-extra"></span>
          </header>
          <div class="shadow-banner" data-testid="pool-shadow-${esc(pool.name)}" hidden></div>
          <div class="bar" aria-hidden="true"><i class="seg active"></i><i class="seg drained"></i><i class="seg held"></i><i class="cap"></i></div>
          <div class="blocked" data-testid="pool-blocked-${esc(pool.name)}" hidden></div>
          <div class="chips${prefix ? ' short' : ''}" role="list" aria-label="members of ${esc(pool.name)}" data-chars="${chars}">
            ${pool.members.map((m) => `<span class="chip" role="listitem" data-testid="member-${esc(m.node)}" data-node="${esc(m.node)}" data-pool="${esc(pool.name)}">${esc(prefix ? m.node.slice(prefix.length) : m.node)}</span>`).join('')}
          </div>
        </article>`;
    }).join('');
    refs = new Map();
    for (const el of root.querySelectorAll('.pool')) {
      const chips = new Map();
      for (const c of el.querySelectorAll('.chip')) chips.set(c.dataset.node, c);
      refs.set(el.dataset.pool, {
        el, chips,
        count: el.querySelector('.pool-count'),
        extra: el.querySelector('.pool-extra'),
        segs: [...el.querySelectorAll('.bar .seg')],
        cap: el.querySelector('.bar .cap'),
        blocked: el.querySelector('.blocked'),
        shadow: el.querySelector('.shadow-banner'),
      });
      const box = el.querySelector('.chips');
      fitPool(box);
      sized.observe(box);
    }
  }

  function update(snap) {
    const sig = JSON.stringify(snap.pools.map((p) => [p.name, p.members.map((m) => m.node)]));
    if (sig !== signature) { build(snap); signature = sig; }
    const nodes = new Map(snap.nodes.map((n) => [n.name, n]));
    for (const pool of snap.pools) {
      const ref = refs.get(pool.name);
      if (!ref) continue;
      const total = Math.max(pool.total, 1);
      const lostActive = pool.members.filter((m) => m.state === 'active' && m.power === 'lost').length;
      const level = pool.blocked || pool.active === 0 || lostActive ? 'crit' : pool.drained || pool.held || pool.members.some((m) => m.power !== 'normal') ? 'warn' : 'ok';
      setAttr(ref.el, 'data-level', level);
      setAttr(ref.count, 'data-drained', pool.drained);
      const countHtml = `<b>${pool.drained}</b> drained of ${pool.total}`;
      if (ref.count.innerHTML !== countHtml) ref.count.innerHTML = countHtml;
      const pinned = pool.members.filter((m) => m.pinned).length;
      // Said in words too: in a heat strip a member's power shows as colour alone.
      const power = ['lost', 'degraded', 'unknown'].map((p) => [p, pool.members.filter((m) => m.power === p).length]).filter(([, n]) => n);
      const powerSaid = power.map(([p, n]) => `${n} ${{ lost: 'power lost', degraded: 'on one feed', unknown: 'power unknown' }[p]}`).join(' · ');
      setText(ref.extra, `${powerSaid ? `${powerSaid} · ` : ''}${pool.held} held${pinned ? ` · ${pinned} pinned` : ''} · ${pool.active} active · cap ${Math.round(pool.maxDrainedFraction * 100)}%`);
      setAttr(ref.extra, 'title', ref.extra.textContent);
      const [a, d, h] = ref.segs;
      a.style.width = `${(pool.active / total) * 100}%`;
      d.style.width = `${(pool.drained / total) * 100}%`;
      h.style.width = `${(pool.held / total) * 100}%`;
      ref.cap.style.left = `${pool.maxDrainedFraction * 100}%`;
      ref.cap.title = `drain cap ${Math.round(pool.maxDrainedFraction * 100)}%`;

      // Shadow mode: decisions are made and shown, no backend is touched. Say so where the pool is.
      setAttr(ref.el, 'data-shadow', pool.shadow ? 'true' : null);
      if (pool.shadow) {
        const n = pool.wouldDrain ?? 0;
        const html = `<b>SHADOW — would drain ${n}</b><span class="shadow-note">decisions shown, no backend touched</span>`;
        if (ref.shadow.innerHTML !== html) ref.shadow.innerHTML = html;
        setAttr(ref.shadow, 'data-would-drain', n);
        setAttr(ref.shadow, 'title', `pool ${pool.name} is in shadow mode: Breakerbox decides and records drains but does not touch the backend.\n${plural(n, 'member')} would be drained now.`);
      }
      ref.shadow.hidden = !pool.shadow;

      // Every rule that blocks a drain here, not just the first.
      const blockedBy = pool.blockedBy ?? (pool.blocked ? [pool.blocked] : []);
      if (blockedBy.length) {
        const html = blockedBy.map((b) => `<div class="blocked-rule" data-testid="pool-blocked-${esc(pool.name)}-${esc(b.rule)}" data-rule="${esc(b.rule)}"><span class="blocked-tag">DRAIN BLOCKED</span> rule <b class="mono">${esc(b.rule)}</b>: ${esc(b.message)}${b.nodes.length ? ` <span class="blocked-nodes">(${esc(b.nodes.length > 6 ? `${b.nodes.length} nodes: ${b.nodes.slice(0, 4).join(', ')}…` : b.nodes.join(', '))})</span>` : ''}</div>`).join('');
        if (ref.blocked.innerHTML !== html) ref.blocked.innerHTML = html;
        ref.blocked.hidden = false;
        setAttr(ref.blocked, 'data-rule', blockedBy[0].rule);
        setAttr(ref.blocked, 'data-rules', blockedBy.map((b) => b.rule).join(' '));
      } else {
        ref.blocked.hidden = true;
      }

      for (const m of pool.members) {
        const chip = ref.chips.get(m.node);
        if (!chip) continue;
        const node = nodes.get(m.node);
        setAttr(chip, 'data-state', m.state);
        setAttr(chip, 'data-power', m.power);
        setAttr(chip, 'data-reachable', node ? tri(node.reachable) : 'unknown');
        setAttr(chip, 'data-pinned', m.pinned ? 'true' : null);
        setAttr(chip, 'data-would-drain', m.wouldDrain ? 'true' : null);
        setAttr(chip, 'data-by', m.by ?? null);
        setAttr(chip, 'data-external', m.external ? 'true' : null);
        setAttr(chip, 'data-gate', m.gate?.name ?? null);
        setAttr(chip, 'aria-label', `${m.node}: ${m.state}${m.pinned ? ', pinned in' : ''}, power ${m.power}${node?.reachable === false ? ', not answering' : ''}`);
        const pin = chip.querySelector('.pin-mark');
        if (m.pinned && !pin) chip.insertAdjacentHTML('beforeend', `<i class="pin-mark" data-testid="pin-${esc(m.node)}" aria-label="pinned in"></i>`);
        else if (!m.pinned && pin) pin.remove();
        setAttr(chip, 'title', [
          `${m.node}: ${m.state}${m.pinned ? ', pinned in' : ''}${m.reason ? ` (${m.reason})` : ''}`,
          m.wouldDrain ? 'shadow mode: Breakerbox would drain it' : null,
          m.external ? `held in ${m.by} by hand: Breakerbox leaves it alone` : null,
          m.gate ? `gate ${m.gate.name}: ${m.gate.message}` : null,
          m.since ? `since ${new Date(m.since).toLocaleTimeString()}${m.by ? ` · by ${m.by}` : ''}` : null,
          `power ${m.power}${node?.reason ? `: ${node.reason}` : ''}`,
          node ? `agent ${node.reachable === null ? 'unknown' : node.reachable ? 'answering' : 'not answering'} · rack ${node.rack}` : null,
          ...(node?.psus ?? []).map((p, i) => `PSU ${i + 1}: ${p.pdu} outlet ${p.outlet} ${p.feed}`),
        ].filter(Boolean).join('\n'));
      }
    }
  }

  return { update };
}

// ---- services -----------------------------------------------------------------------------

const lastHtml = new WeakMap();

export function renderServices(root, snap) {
  const label = { ok: 'OK', reduced: 'REDUCED', down: 'DOWN' };
  const html = snap.services.map((s) => {
    const pools = snap.pools.filter((p) => s.pools.includes(p.name));
    const active = pools.reduce((n, p) => n + p.active, 0);
    const total = pools.reduce((n, p) => n + p.total, 0);
    return `<li data-testid="service-${esc(s.name)}" data-service="${esc(s.name)}" data-status="${esc(s.status)}">
      <span class="svc-dot"></span>
      <a class="svc-name" href="#/service/${encodeURIComponent(s.name)}" data-testid="service-link-${esc(s.name)}" title="${esc(s.name)}">${esc(s.name)}</a>
      <span class="svc-pools" title="pools ${esc(s.pools.join(', '))}: ${active} of ${total} members active">${esc(s.pools.join(', '))} · ${active}/${total}</span>
      <span class="svc-status">${label[s.status] ?? esc(s.status)}</span>
    </li>`;
  }).join('') || '<li class="muted">no services configured</li>';
  if (lastHtml.get(root) !== html) { root.innerHTML = html; lastHtml.set(root, html); }
}
