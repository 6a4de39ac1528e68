// How the wall sizes what it shows to its screen (dashboards/wall/density.js), run in node as the wall
// runs it: chips as large as fit their card, a heat strip when even small ones do not, racks collapsed
// to rows when drawn in full they would leave the pools too little room.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHIP_FONT, fitChips, fits, rackDensity } from '../dashboards/wall/density.js';

describe('wall density', () => {
  it('fits: as CSS grid auto-fill columns, rows of cells with gaps between', () => {
    // 10 px cells with 2 px gaps in 58 px: (58 + 2) / 12 = 5 columns; 13 cells are 3 rows = 3·10 + 2·2 = 34 px.
    assert.equal(fits(13, 10, 10, 2, 58, 34), true);
    assert.equal(fits(13, 10, 10, 2, 58, 33), false);
    assert.equal(fits(13, 10, 10, 2, 57, 34), false, '4 columns: 13 cells take 4 rows');
    assert.equal(fits(1, 30, 10, 2, 29, 100), false, 'a cell wider than the box never fits');
  });

  it('the demo on a TV: 80 scanners as chips at full size', () => {
    const fit = fitChips({ count: 80, chars: 3, width: 900, height: 240 });
    assert.deepEqual(fit, { mode: 'chips', font: CHIP_FONT.max, width: 45, height: 30, gap: 5 });
  });

  it('the demo on a laptop: smaller chips, the largest that fit, never below a readable size', () => {
    const box = { width: 560, height: 150 };
    const fit = fitChips({ count: 80, chars: 3, ...box });
    assert.equal(fit.mode, 'chips');
    if (fit.mode !== 'chips') return;
    assert.ok(fit.font < CHIP_FONT.max && fit.font >= CHIP_FONT.min, `font ${fit.font}`);
    assert.ok(fits(80, fit.width, fit.height, fit.gap, box.width, box.height));
    const larger = fitChips({ count: 80, chars: 3, width: box.width, height: box.height + 400 });
    assert.ok(larger.mode === 'chips' && larger.font > fit.font, 'more room, larger chips');
  });

  it('longer labels make wider chips', () => {
    const short = fitChips({ count: 4, chars: 3, width: 900, height: 300 });
    const long = fitChips({ count: 4, chars: 8, width: 900, height: 300 });
    assert.ok(short.mode === 'chips' && long.mode === 'chips' && long.width > short.width);
  });

  it('200 members in a pool card of a 100-rack site on a TV: a heat strip that fits', () => {
    const fit = fitChips({ count: 200, chars: 8, width: 290, height: 75 });
    assert.equal(fit.mode, 'heat');
    if (fit.mode !== 'heat') return;
    assert.equal(fit.fits, true);
    assert.ok(fits(200, fit.cell, fit.cell, fit.gap, 290, 75));
    assert.equal(fits(200, fit.cell + 1, fit.cell + 1, fit.cell + 1 >= 8 ? 2 : 1, 290, 75), false, 'the largest cells that fit');
  });

  it('a box too small for even the smallest cells says so', () => {
    assert.deepEqual(fitChips({ count: 2_000, chars: 8, width: 40, height: 20 }), { mode: 'heat', cell: 3, gap: 1, fits: false });
  });

  it('racks stay in full while the pools keep their room, and collapse to rows when they would not', () => {
    // The demo on a 1366×768 laptop: two rows of four racks, about 380 px of a 650 px main area.
    assert.equal(rackDensity({ fullHeight: 380, room: 650, poolsMin: 190 }), 'full');
    assert.equal(rackDensity({ fullHeight: 460, room: 650, poolsMin: 190 }), 'full', 'exactly enough');
    assert.equal(rackDensity({ fullHeight: 461, room: 650, poolsMin: 190 }), 'rows');
    // 100 racks on a TV: ten rows of ten racks, about 2,000 px drawn in full, in 950.
    assert.equal(rackDensity({ fullHeight: 2_000, room: 950, poolsMin: 190 }), 'rows');
  });
});
