// The per-source token bucket in fake time: a second's worth in a burst, refilled by the injected
// clock and never past one second's worth, one bucket per source, and bounded memory under a
// flood of sources.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../src/clock.js';
import { PerSourceRateLimit } from '../src/traps/access.js';

const takes = (limit: PerSourceRateLimit, source: string, n: number) => Array.from({ length: n }, () => limit.take(source)).filter(Boolean).length;

describe('per-source trap rate', () => {
  const rows: { rate: number; burst: number; wait: number; after: number; passBurst: number; passAfter: number }[] = [
    { rate: 10, burst: 15, wait: 0, after: 1, passBurst: 10, passAfter: 0 },
    { rate: 10, burst: 15, wait: 99, after: 1, passBurst: 10, passAfter: 0 },
    { rate: 10, burst: 15, wait: 100, after: 2, passBurst: 10, passAfter: 1 },
    { rate: 10, burst: 15, wait: 1_000, after: 20, passBurst: 10, passAfter: 10 },
    { rate: 10, burst: 15, wait: 3_600_000, after: 20, passBurst: 10, passAfter: 10 },
    // Below 1/s: one at once, then one every 1/rate seconds.
    { rate: 0.5, burst: 3, wait: 1_999, after: 1, passBurst: 1, passAfter: 0 },
    { rate: 0.5, burst: 3, wait: 2_000, after: 3, passBurst: 1, passAfter: 1 },
    { rate: 1, burst: 3, wait: 1_000, after: 3, passBurst: 1, passAfter: 1 },
  ];
  for (const r of rows) {
    it(`at ${r.rate}/s: a burst of ${r.burst} passes ${r.passBurst}; ${r.wait} ms later, ${r.passAfter} of ${r.after}`, () => {
      const clock = new FakeClock();
      const limit = new PerSourceRateLimit(r.rate, clock);
      assert.equal(takes(limit, '10.0.0.1', r.burst), r.passBurst);
      clock.advance(r.wait);
      assert.equal(takes(limit, '10.0.0.1', r.after), r.passAfter);
    });
  }

  it('each source has its own bucket', () => {
    const clock = new FakeClock();
    const limit = new PerSourceRateLimit(2, clock);
    assert.equal(takes(limit, '10.0.0.1', 5), 2);
    assert.equal(takes(limit, '10.0.0.2', 5), 2);
  });

  it('time that goes backwards never adds tokens', () => {
    let now = 1_000_000;
    const limit = new PerSourceRateLimit(2, { now: () => now });
    assert.equal(takes(limit, 'a', 3), 2);
    now -= 10_000;
    assert.equal(takes(limit, 'a', 1), 0);
    now += 500;
    assert.equal(takes(limit, 'a', 1), 0, 'still behind the last take');
  });

  it('a flood of sources does not grow without bound: past the cap, buckets start afresh', () => {
    const clock = new FakeClock();
    const limit = new PerSourceRateLimit(1, clock, 100);
    assert.equal(takes(limit, 'first', 2), 1);
    for (let i = 0; i < 100; i++) limit.take(`10.0.${i >> 8}.${i & 255}`);
    assert.equal(takes(limit, 'first', 1), 1, 'its bucket was forgotten with the rest');
  });
});
