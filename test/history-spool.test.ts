// The history spool on disk: order, its bound, a reopen, a line cut short by a crash.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Spool } from '../src/history/spool.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'bb-spool-'));
  dirs.push(d);
  return d;
};
const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `phase,pdu=p1 current_a=${from + i} ${from + i}`);

async function drain(spool: Spool): Promise<string[]> {
  const out: string[] = [];
  while (await spool.replayOne(async (ls) => { out.push(...ls); })) { /* next segment */ }
  return out;
}

describe('history spool', () => {
  it('gives lines back in the order they came, across segments and a reopen', async () => {
    const dir = fresh();
    const first = await Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1_000 });
    for (let i = 0; i < 10; i++) await first.append(lines(i * 20, 20));
    assert.ok(readdirSync(dir).length > 3, 'several segments');
    assert.equal(first.stats().lines, 200);
    const second = await Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1_000 });
    await second.append(lines(200, 5));
    assert.deepEqual(await drain(second), lines(0, 205));
    assert.equal(second.stats().lines, 0);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('keeps a failed replay for the next try', async () => {
    const spool = await Spool.open({ dir: fresh(), maxBytes: 1 << 20 });
    await spool.append(lines(0, 3));
    await assert.rejects(spool.replayOne(async () => { throw new Error('InfluxDB is away'); }));
    assert.equal(spool.stats().lines, 3);
    assert.deepEqual(await drain(spool), lines(0, 3));
  });

  it('drops the oldest segments past its bound, and counts their lines', async () => {
    const spool = await Spool.open({ dir: fresh(), maxBytes: 5_000, segmentBytes: 1_000 });
    for (let i = 0; i < 50; i++) await spool.append(lines(i * 10, 10));
    const s = spool.stats();
    assert.ok(s.bytes <= 5_000 + 1_000, `within the bound (${s.bytes})`);
    assert.ok(s.dropped > 0);
    assert.equal(s.dropped + s.lines, 500, 'every line is either kept or counted');
    const kept = await drain(spool);
    assert.deepEqual(kept, lines(500 - kept.length, kept.length), 'the newest are kept, in order');
  });

  it('counts a line cut short by a crash and gives back the whole ones', async () => {
    const dir = fresh();
    const first = await Spool.open({ dir, maxBytes: 1 << 20 });
    await first.append(lines(0, 3));
    appendFileSync(join(dir, readdirSync(dir)[0]!), 'phase,pdu=p1 curr');
    const second = await Spool.open({ dir, maxBytes: 1 << 20 });
    await second.append(lines(3, 2));
    assert.deepEqual(await drain(second), lines(0, 5));
    assert.equal(second.stats().dropped, 1);
  });
});
