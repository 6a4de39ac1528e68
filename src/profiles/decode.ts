import type { Quality } from '../model.js';
import { vendorOf } from '../snmp/enterprises.js';
import type { ValueSpec } from './profile.js';

export type Decoded =
  | { quality: 'ok'; value: number | string }
  | { quality: Exclude<Quality, 'ok'>; value: null };

const UNKNOWN: Decoded = { quality: 'unknown', value: null };
const IMPLAUSIBLE: Decoded = { quality: 'implausible', value: null };

/** Strings a device sends instead of a value. */
const PLACEHOLDER_TEXT = new Set(['', '<private>', 'notsupported', 'n/a', 'unknown']);

/**
 * Turns one raw SNMP value into a trusted value or a reason not to trust it. Never throws.
 * `extraScale` carries per-row scaling a device reports elsewhere (Raritan's decimal digits).
 */
export function decodeValue(raw: unknown, spec: ValueSpec, extraScale = 1): Decoded {
  if (raw === undefined || raw === null) return UNKNOWN;
  switch (spec.type) {
    case 'string': {
      const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : null;
      if (text === null) return IMPLAUSIBLE;
      // eslint-disable-next-line no-control-regex
      const clean = text.replace(/[\u0000-\u001f\ufffd]+/g, ' ').trim();
      return PLACEHOLDER_TEXT.has(clean.toLowerCase()) ? UNKNOWN : { quality: 'ok', value: clean };
    }
    case 'enum': {
      const n = toNumber(raw);
      if (n === null) return IMPLAUSIBLE;
      const label = spec.map[n];
      return label === undefined ? UNKNOWN : { quality: 'ok', value: label };
    }
    case 'enterprise': {
      if (typeof raw !== 'string') return IMPLAUSIBLE;
      const vendor = vendorOf(raw.replace(/^\./, ''));
      return vendor === null ? UNKNOWN : { quality: 'ok', value: vendor };
    }
    case 'pointer': {
      if (typeof raw !== 'string') return IMPLAUSIBLE;
      const oid = raw.replace(/^\./, '');
      if (!oid.startsWith(`${spec.under}.`)) return UNKNOWN; // points elsewhere (or the null pointer 0.0)
      const n = Number(oid.slice(spec.under.length + 1).split('.').at(-1));
      return Number.isInteger(n) ? { quality: 'ok', value: n } : IMPLAUSIBLE;
    }
    case 'number': {
      if (spec.fromText && (Buffer.isBuffer(raw) || typeof raw === 'string')) return decodeValue(leadingNumber(raw), { ...spec, fromText: false }, extraScale);
      const n = toNumber(raw);
      if (n === null) return IMPLAUSIBLE;
      if (spec.sentinels?.includes(n)) return UNKNOWN;
      const value = round(n * (spec.scale ?? 1) * extraScale + (spec.offset ?? 0));
      if (spec.min !== undefined && value < spec.min) return IMPLAUSIBLE;
      if (spec.max !== undefined && value > spec.max) return IMPLAUSIBLE;
      return { quality: 'ok', value };
    }
  }
}

/** "16A" → 16; text without a leading number → undefined (unknown) when it is a placeholder, else a Buffer (implausible). */
function leadingNumber(raw: Buffer | string): number | Buffer | undefined {
  const text = (Buffer.isBuffer(raw) ? raw.toString('utf8') : raw).trim();
  const match = /^-?\d+(\.\d+)?/.exec(text);
  if (match) return Number(match[0]);
  return PLACEHOLDER_TEXT.has(text.toLowerCase()) ? undefined : Buffer.from(text);
}

/** Integers, Gauges, Counters and TimeTicks arrive as numbers, Counter64 as a bigint; anything else is the wrong type. */
function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'bigint') return Number(raw);
  return null;
}

/** Removes binary noise from scaled decimals (2.8000000000000003 → 2.8). */
function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
