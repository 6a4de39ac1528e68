// The simulator's fault panel (demo mode only): inject a fault, list and clear active ones.
import { call } from './api.js';
import { clockTime, esc, ranges } from './format.js';

/** Which fields each fault kind needs, in the order the form shows them. */
const FIELDS = {
  'bank-trip': ['pdu', 'bank'],
  'outlet-off': ['pdu', 'outlet'],
  'inlet-loss': ['pdu'],
  'pdu-unreachable': ['pdu'],
  'node-down': ['node'],
};

/** "bank-trip · dal3-r07-a · bank 1" from a fault spec. */
export function describeFault(spec) {
  const parts = [spec.kind];
  if (spec.pdu) parts.push(spec.pdu);
  if (spec.bank != null) parts.push(`bank ${spec.bank}`);
  if (spec.outlet != null) parts.push(`outlet ${spec.outlet}`);
  if (spec.node) parts.push(spec.node);
  for (const [k, v] of Object.entries(spec)) {
    if (!['kind', 'pdu', 'bank', 'outlet', 'node'].includes(k)) parts.push(`${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  }
  return parts.join(' · ');
}

export function createFaultPanel(panel) {
  const $ = (id) => panel.querySelector(`#${id}`);
  const form = $('fault-form');
  const kind = $('fault-kind');
  const pduSel = $('fault-pdu');
  const bankSel = $('fault-bank');
  const outletSel = $('fault-outlet');
  const nodeSel = $('fault-node');
  const list = $('fault-list');
  const clearAll = $('fault-clear-all');
  const status = $('fault-status');
  let snap = null;
  let pduKey = '';
  let nodeKey = '';
  let detailKey = '';
  let faultsKey = '';
  let statusTimer = null;

  function say(text, level = 'info') {
    status.textContent = text;
    status.dataset.level = level;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => { status.textContent = ''; }, 8000);
  }

  function fillSelect(sel, options) {
    const keep = sel.value;
    sel.innerHTML = options.map((o) => `<option value="${esc(o.value)}">${esc(o.label)}</option>`).join('');
    if (options.some((o) => String(o.value) === keep)) sel.value = keep;
  }

  function showFields() {
    const need = FIELDS[kind.value] ?? [];
    for (const label of panel.querySelectorAll('label[data-field]')) label.hidden = !need.includes(label.dataset.field);
  }

  /** Bank and outlet choices follow the chosen PDU. */
  function fillDetails() {
    const pdu = snap?.pdus.find((p) => p.name === pduSel.value);
    const key = pdu ? JSON.stringify([pdu.name, pdu.banks.map((b) => b.index), pdu.outlets.map((o) => [o.index, o.feeds?.node])]) : '';
    if (key === detailKey) return;
    detailKey = key;
    fillSelect(bankSel, (pdu?.banks ?? []).map((b) => {
      const outs = pdu.outlets.filter((o) => o.bank === b.index);
      const fed = outs.filter((o) => o.feeds).length;
      return { value: b.index, label: `bank ${b.index} · outlets ${ranges(outs.map((o) => o.index))} · ${fed} fed` };
    }));
    fillSelect(outletSel, (pdu?.outlets ?? []).map((o) => ({ value: o.index, label: `${o.index}${o.feeds ? ` · ${o.feeds.node} psu ${o.feeds.psu}` : ' · unused'}` })));
  }

  function renderFaults() {
    const faults = snap?.sim.faults ?? [];
    const key = JSON.stringify(faults);
    if (key === faultsKey) return;
    faultsKey = key;
    list.innerHTML = faults.length
      ? faults.map((f) => `<li data-testid="fault-${esc(f.id)}" data-fault="${esc(f.id)}">
          <span class="fault-desc">${esc(describeFault(f.spec))}</span>
          <span class="fault-since mono">${esc(clockTime(f.since))}</span>
          <button type="button" data-clear="${esc(f.id)}" data-testid="fault-clear-${esc(f.id)}" title="DELETE /api/sim/faults/${esc(f.id)}">Clear</button>
        </li>`).join('')
      : '<li class="muted none">no active faults</li>';
    clearAll.disabled = faults.length === 0;
    panel.classList.toggle('has-faults', faults.length > 0);
  }

  kind.addEventListener('change', showFields);
  pduSel.addEventListener('change', fillDetails);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { kind: kind.value };
    for (const field of FIELDS[kind.value] ?? []) {
      const sel = { pdu: pduSel, bank: bankSel, outlet: outletSel, node: nodeSel }[field];
      if (!sel.value) { say(`choose a ${field}`, 'error'); return; }
      body[field] = field === 'bank' || field === 'outlet' ? Number(sel.value) : sel.value;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const res = await call('POST', '/api/sim/faults', body);
      say(`injected ${describeFault(body)}${res?.id ? ` (${res.id})` : ''}`);
    } catch (err) {
      say(`inject failed: ${err.message}`, 'error');
    } finally {
      button.disabled = false;
    }
  });

  list.addEventListener('click', async (e) => {
    const id = e.target.closest('button[data-clear]')?.dataset.clear;
    if (!id) return;
    e.target.disabled = true;
    try {
      await call('DELETE', `/api/sim/faults/${encodeURIComponent(id)}`);
      say(`cleared ${id}`);
    } catch (err) {
      e.target.disabled = false;
      say(`clear failed: ${err.message}`, 'error');
    }
  });

  clearAll.addEventListener('click', async () => {
    clearAll.disabled = true;
    try {
      await call('DELETE', '/api/sim/faults');
      say('cleared all faults');
    } catch (err) {
      clearAll.disabled = false;
      say(`clear all failed: ${err.message}`, 'error');
    }
  });

  showFields();

  return {
    update(next) {
      snap = next;
      panel.hidden = !next.sim?.enabled;
      if (panel.hidden) return;
      const pk = JSON.stringify(next.pdus.map((p) => p.name));
      if (pk !== pduKey) {
        pduKey = pk;
        fillSelect(pduSel, next.pdus.map((p) => ({ value: p.name, label: p.name })));
      }
      const nk = JSON.stringify(next.nodes.map((n) => n.name));
      if (nk !== nodeKey) {
        nodeKey = nk;
        fillSelect(nodeSel, next.nodes.map((n) => ({ value: n.name, label: n.name })));
      }
      fillDetails();
      renderFaults();
    },
  };
}

export { call };
