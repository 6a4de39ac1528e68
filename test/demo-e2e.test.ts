// The Dallas demo end to end: real SNMP agents, real poller, real HTTP API, real membership file.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import type { ApiEvent, ApiNode, ApiPdu, ApiPool } from '../src/http/api-types.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { freeUdpPort } from './helpers/ports.js';

const SINGLE = Array.from({ length: 20 }, (_, i) => `scan-0${57 + i}`); // scan-057..scan-076
const DUAL_SAME_BANK = ['scan-077', 'scan-078', 'scan-079', 'scan-080'];

describe('Dallas demo', () => {
  let app: App;
  let stateDir: string;
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${app.url}${path}`, { ...init, headers: { 'content-type': 'application/json' } });
    assert.ok(res.ok, `${init?.method ?? 'GET'} ${path} → ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  };
  const scanners = async () => (await api<ApiPool[]>('/api/pools')).find((p) => p.name === 'scanners')!;
  const drainedNames = async () => (await scanners()).members.filter((m) => m.state === 'drained').map((m) => m.node).sort();
  const membersFile = async () => (await readFile(join(stateDir, 'var/pools/scanners.members'), 'utf8')).split('\n').filter(Boolean);

  before(async () => {
    const demo = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort(), holdDown: '6s' });
    stateDir = demo.stateDir;
    app = await startApp({ config: demo.config, stateDir, logLevel: 'silent' });
    await waitFor('every node polled normal', async () => (await api<ApiNode[]>('/api/nodes')).every((n) => n.power === 'normal' && n.reachable === true), 60_000);
  });
  after(async () => { await app?.stop(); });

  it('serves health and starts with every scanner active in the membership file', async () => {
    const health = await api<{ status: string }>('/api/health');
    assert.equal(health.status, 'ok');
    await waitFor('membership file written', async () => (await membersFile()).length === 80);
    assert.deepEqual(await drainedNames(), []);
  });

  it('the simulator answers repeated polls from its kept answers, and says how many', async () => {
    const stats = async () => (await api<{ answers: { hits: number; misses: number } }>('/api/sim/stats')).answers;
    const first = await stats();
    assert.ok(first.misses > 0, 'every first answer is made afresh');
    await waitFor('a later poll answered from the kept answers', async () => (await stats()).hits > first.hits, 30_000);
  });

  it('a bank trip drains exactly its single-corded nodes; dual-corded ones stay active, degraded', async () => {
    const since = (await api<ApiEvent[]>('/api/events')).at(-1)?.id ?? 0;
    const fault = await api<{ id: string }>('/api/sim/faults', { method: 'POST', body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) });
    assert.ok(fault.id);

    await waitFor('20 drained', async () => (await drainedNames()).length === 20);
    assert.deepEqual(await drainedNames(), SINGLE);
    const pool = await scanners();
    for (const node of DUAL_SAME_BANK) {
      const member = pool.members.find((m) => m.node === node)!;
      assert.equal(member.state, 'active', node);
      assert.equal(member.power, 'degraded', node);
    }
    const nodes = await api<ApiNode[]>('/api/nodes');
    for (const node of DUAL_SAME_BANK) assert.equal(nodes.find((n) => n.name === node)!.power, 'degraded');
    assert.ok(nodes.filter((n) => n.power === 'normal').length >= 60);

    const file = await waitFor('the membership file written', async () => { const f = await membersFile(); return f.length === 60 && f; });
    for (const node of SINGLE) assert.ok(!file.includes(node), `${node} still in the membership file`);
    for (const node of DUAL_SAME_BANK) assert.ok(file.includes(node));
    const json = JSON.parse(await readFile(join(stateDir, 'var/pools/scanners.json'), 'utf8')) as { members: { node: string; state: string; reason: string }[] };
    assert.equal(json.members.find((m) => m.node === 'scan-060')?.state, 'drained');
    assert.match(json.members.find((m) => m.node === 'scan-060')!.reason, /bank 1 breaker tripped on dal3-r07-a/);

    const drain = (await api<ApiEvent[]>(`/api/events?since=${since}`)).find((e) => e.type === 'drain');
    assert.ok(drain?.chain, 'a drain event with a chain');
    assert.match(drain.chain.cause, /bank 1 breaker tripped on dal3-r07-a/);
    assert.match(drain.chain.impact, /scan-057\.\.scan-076/);
    assert.match(drain.chain.action, /drained 20 of 80 from pool scanners/);

    const pdu = (await api<{ name: string; banks: { index: number; breaker: string }[] }[]>('/api/pdus')).find((p) => p.name === 'dal3-r07-a')!;
    assert.equal(pdu.banks.find((b) => b.index === 1)?.breaker, 'tripped');
    assert.equal(pdu.banks.find((b) => b.index === 2)?.breaker, 'ok');
  });

  it('after the fault clears, a reload past the hold-down re-admits them', async () => {
    await api('/api/sim/faults', { method: 'DELETE' });
    await waitFor('nodes answer again', async () => (await api<ApiNode[]>('/api/nodes')).filter((n) => SINGLE.includes(n.name)).every((n) => n.reachable && n.power === 'normal'));
    // A reload re-admits only nodes that have answered for the whole hold-down, and says why it keeps the others.
    const early = await api<{ at: number; outcome: string; pools: { readmitted: string[]; kept: { node: string; why: string }[] }[] }>('/api/reload', { method: 'POST' });
    const asked = early.at; // on the service's own clock, taken after the re-admission
    const nodes = new Map((await api<ApiNode[]>('/api/nodes')).map((n) => [n.name, n]));
    const result = early.pools.find(() => true)!;
    for (const node of result.readmitted) {
      const since = nodes.get(node)!.reachableSince!;
      // (A node that missed a poll since has a newer reachableSince: nothing to check against.)
      if (since <= asked) assert.ok(asked - since >= 6_000, `${node} re-admitted ${asked - since} ms into its 6 s hold-down`);
    }
    for (const kept of result.kept) assert.match(kept.why, /hold-down|not answering/);
    assert.equal(result.readmitted.length + result.kept.length, 20);

    // Past the hold-down they all come back (a reload again if a slow machine made one miss a poll).
    let last = '';
    await waitFor('all re-admitted', async () => {
      last = (await api<{ outcome: string }>('/api/reload', { method: 'POST' })).outcome;
      return (await drainedNames()).length === 0;
    }, 30_000, 1_000).catch((err: Error) => { throw new Error(`${err.message}; the last reload said: ${last}`); });
    await waitFor('the membership file complete', async () => (await membersFile()).length === 80);
  });

  it('a PDU whose management card dies while power stays on drains nothing', async () => {
    const since = (await api<ApiEvent[]>('/api/events')).at(-1)?.id ?? 0;
    await api('/api/sim/faults', { method: 'POST', body: JSON.stringify({ kind: 'pdu-unreachable', pdu: 'dal3-r07-a' }) });
    await waitFor('the PDU seen unreachable', async () => (await api<{ name: string; reachable: boolean | null }[]>('/api/pdus')).find((p) => p.name === 'dal3-r07-a')!.reachable === false);
    // Three more polls of it (and so of its nodes, polled in the same rounds), each reconciled.
    const polls = new Set<number>();
    await waitFor('three more polls of the PDU', async () => {
      const at = (await api<ApiPdu[]>('/api/pdus')).find((p) => p.name === 'dal3-r07-a')!.lastPollAt;
      if (at) polls.add(at);
      return polls.size > 3;
    }, 30_000, 100);
    assert.deepEqual(await drainedNames(), []);
    const nodes = await api<ApiNode[]>('/api/nodes');
    for (const node of SINGLE) {
      const n = nodes.find((x) => x.name === node)!;
      assert.equal(n.reachable, true, `${node} still answers`);
      assert.notEqual(n.power, 'lost', `${node} must not be called lost`);
    }
    const events = await api<ApiEvent[]>(`/api/events?since=${since}`);
    assert.ok(events.some((e) => e.type === 'pdu-unreachable' && e.subject === 'dal3-r07-a'));
    assert.ok(!events.some((e) => e.type === 'drain'));
    assert.equal((await membersFile()).length, 80);
    await api('/api/sim/faults', { method: 'DELETE' });
  });

  it('an inlet loss (PDU and its single-fed nodes silent together) is a power loss and drains', async () => {
    await api('/api/sim/faults', { method: 'POST', body: JSON.stringify({ kind: 'inlet-loss', pdu: 'dal3-r07-a' }) });
    await waitFor('20 drained after inlet loss', async () => (await drainedNames()).length === 20);
    assert.deepEqual(await drainedNames(), SINGLE);
    const pdu = (await api<{ name: string; dark: boolean }[]>('/api/pdus')).find((p) => p.name === 'dal3-r07-a')!;
    assert.equal(pdu.dark, true);
    await api('/api/sim/faults', { method: 'DELETE' });
  });
});
