// How much the wall can show in the room a screen gives it: member chips as large as fit their
// pool's card, or, when even small readable chips do not, a heat strip (one small cell per member,
// no label). Pure functions of sizes in CSS pixels, so they are tested in node.

/** Chip label sizes tried, px, largest first: 15 px is the 1920×1080 wall; below 10 px a label is not read. */
export const CHIP_FONT = { max: 15, min: 10, step: 0.5 };
/** Heat cells tried, px, largest first. */
export const HEAT_CELL = { max: 14, min: 3 };

/** A monospace glyph's advance, in em (DejaVu Sans Mono and Liberation Mono: 0.6). */
const MONO_ADVANCE = 0.61;

/**
 * The largest chips that fit `count` labels of up to `chars` characters in a box of `width` × `height`,
 * laid out as CSS grid `repeat(auto-fill, minmax(width, 1fr))` rows of `height` with `gap`:
 * `{ mode: 'chips', font, width, height, gap }`; else `{ mode: 'heat', cell, gap, fits }`, the largest
 * square cells that fit (`fits` false when not even the smallest do).
 */
export function fitChips({ count, chars, width, height }) {
  for (let font = CHIP_FONT.max; font >= CHIP_FONT.min; font -= CHIP_FONT.step) {
    const h = Math.round(font * 2);
    const w = Math.ceil(Math.max(h * 1.5, chars * font * MONO_ADVANCE + font));
    const gap = Math.max(3, Math.round(font / 3));
    if (fits(count, w, h, gap, width, height)) return { mode: 'chips', font, width: w, height: h, gap };
  }
  for (let cell = HEAT_CELL.max; cell >= HEAT_CELL.min; cell--) {
    const gap = cell >= 8 ? 2 : 1;
    if (fits(count, cell, cell, gap, width, height)) return { mode: 'heat', cell, gap, fits: true };
  }
  return { mode: 'heat', cell: HEAT_CELL.min, gap: 1, fits: false };
}

/** Whether `count` items of `w` × `h` with `gap` between fit in `width` × `height`, as auto-fill grid columns. */
export function fits(count, w, h, gap, width, height) {
  if (w > width) return false;
  const cols = Math.floor((width + gap) / (w + gap));
  const rows = Math.ceil(count / cols);
  return rows * h + Math.max(0, rows - 1) * gap <= height;
}

/**
 * Racks drawn in full (a card per rack: PDUs, banks, outlets) or collapsed to rows (a line per rack):
 * full while the full drawing leaves the pools `poolsMin` px of the `room` (the wall's main area's height).
 */
export function rackDensity({ fullHeight, room, poolsMin }) {
  return fullHeight + poolsMin <= room ? 'full' : 'rows';
}
