/**
 * One copy of each short string that readings repeat ("ok", "on", "normal", "Outlet 7"). A reading
 * cloned from the poll worker brings a fresh copy of every string it holds, and the state store
 * keeps each device's latest reading: at 1,000 PDUs, 150,000 copies of "ok" alone. Strings longer
 * than `maxLength` pass as they are, and the table stops growing at `maxEntries`, so a device that
 * sends a new serial number at every poll costs nothing.
 */
export class Interner {
  private readonly table = new Map<string, string>();

  constructor(private readonly maxLength = 32, private readonly maxEntries = 4_096) {}

  /** `value` with its short strings replaced by their one copy, in place (plain objects and arrays only). */
  walk<T>(value: T): T {
    if (typeof value === 'string') return this.string(value) as T;
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.walk(value[i]);
    } else if (Object.getPrototypeOf(value) === Object.prototype) {
      const o = value as Record<string, unknown>;
      for (const k in o) o[k] = this.walk(o[k]);
    }
    return value;
  }

  get size(): number {
    return this.table.size;
  }

  private string(s: string): string {
    if (s.length > this.maxLength) return s;
    const known = this.table.get(s);
    if (known !== undefined) return known;
    if (this.table.size < this.maxEntries) this.table.set(s, s);
    return s;
  }
}
