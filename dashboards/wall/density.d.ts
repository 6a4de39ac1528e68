// Types for the tests that run the wall's density logic (density.js) in node.
export type ChipFit =
  | { mode: 'chips'; font: number; width: number; height: number; gap: number }
  | { mode: 'heat'; cell: number; gap: number; fits: boolean };

export const CHIP_FONT: { max: number; min: number; step: number };
export const HEAT_CELL: { max: number; min: number };
export function fitChips(o: { count: number; chars: number; width: number; height: number }): ChipFit;
export function fits(count: number, w: number, h: number, gap: number, width: number, height: number): boolean;
export function rackDensity(o: { fullHeight: number; room: number; poolsMin: number }): 'full' | 'rows';
