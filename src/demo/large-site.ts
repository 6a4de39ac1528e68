// A simulated site of any size, for `breakerbox demo --size large|N` and the scale benchmark: N PDUs
// (an A and a B strip of 48 outlets per rack) and ten dual-corded servers per PDU, ten racks to a
// row, one pool per row, a service per five pools. Written as a config text so it is checked like
// any other.
import { stringify } from 'yaml';
import { parseConfigText } from '../config/load-config.js';
import type { Config } from '../config/schema.js';

/** The sizes `--size` knows by name, in PDUs. */
export const NAMED_SIZES: Record<string, number> = { demo: 16, medium: 126, large: 1_000 };
const RACKS_PER_ROW = 10;
const NODES_PER_PDU = 10;
const POOLS_PER_SERVICE = 5;

/** "large" or a number of PDUs (even, 2 to 2,000) → that number; otherwise an error that says what is accepted. */
export function parseSize(size: string): number {
  const n = NAMED_SIZES[size] ?? (/^\d+$/.test(size) ? Number(size) : NaN);
  if (!Number.isInteger(n) || n < 2 || n > 2_000 || n % 2 !== 0) {
    throw new Error(`--size: ${Object.keys(NAMED_SIZES).join(', ')} or an even number of PDUs from 2 to 2000 (got "${size}")`);
  }
  return n;
}

export interface LargeSiteOptions {
  pdus: number;
  /** Ports the simulated agents and the trap receiver use (defaults: 1161 and 1162). */
  agentPort?: number;
  trapPort?: number;
  httpPort?: number;
  stateDir?: string;
}

/** The site's config text (YAML). */
export function largeSiteText(o: LargeSiteOptions): string {
  const agentPort = o.agentPort ?? 1161;
  const racks = o.pdus / 2;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const rackName = (r: number) => `r${pad(r + 1, 3)}`;
  // Loopback addresses: PDUs on 127.3.x.y, servers on 127.4.x.y, 250 to each x.
  const at = (net: number, k: number) => `127.${net}.${Math.floor(k / 250)}.${(k % 250) + 1}:${agentPort}`;
  const rows: { name: string; racks: string[] }[] = [];
  const pdus: object[] = [];
  const nodes: object[] = [];
  const pools: { name: string; members: string[]; backend: object; drain: object }[] = [];
  for (let r = 0; r < racks; r++) {
    const row = Math.floor(r / RACKS_PER_ROW);
    if (!rows[row]) {
      rows[row] = { name: `row ${row + 1}`, racks: [] };
      pools.push({ name: `web-${pad(row + 1, 3)}`, members: [], backend: { type: 'file', dir: `${o.stateDir ?? 'var'}/pools` }, drain: { on: ['lost'], maxDrainedFraction: 0.5 } });
    }
    rows[row]!.racks.push(rackName(r));
    for (const side of ['a', 'b'] as const) {
      pdus.push({ name: `${rackName(r)}-${side}`, rack: rackName(r), feed: side.toUpperCase(), address: at(3, r * 2 + (side === 'a' ? 0 : 1)), outlets: 48, banks: 2, phases: 1, model: 'AP8858' });
    }
    for (let i = 0; i < NODES_PER_PDU * 2; i++) {
      const k = r * NODES_PER_PDU * 2 + i;
      const name = `${rackName(r)}-n${pad(i + 1, 2)}`;
      // Each server on both strips, spread over both banks of each.
      const outlet = i < NODES_PER_PDU ? i + 1 : 24 + (i - NODES_PER_PDU) + 1;
      nodes.push({ name, rack: rackName(r), address: at(4, k), amps: 0.7, pollInterval: '60s', psus: [{ pdu: `${rackName(r)}-a`, outlet }, { pdu: `${rackName(r)}-b`, outlet }] });
      pools[row]!.members.push(name);
    }
  }
  const services = Array.from({ length: Math.ceil(pools.length / POOLS_PER_SERVICE) }, (_, s) => ({
    name: `service ${s + 1}`, pools: pools.slice(s * POOLS_PER_SERVICE, (s + 1) * POOLS_PER_SERVICE).map((p) => p.name),
  }));
  const config = {
    sites: [{ name: `Scale ${o.pdus}`, rows }],
    pdus, nodes, pools, services,
    settings: {
      pollInterval: '30s',
      staleAfterPolls: 3,
      snmpTimeout: '2s',
      snmpRetries: 1,
      pollConcurrency: 64,
      reload: { schedule: '0 * * * *', holdDown: '60s' },
      http: { port: o.httpPort ?? 8080, host: '0.0.0.0' },
      simulate: true,
      traps: { address: '127.0.0.1', port: o.trapPort ?? 1162, communities: ['public'] },
      ...(o.stateDir ? { database: `${o.stateDir}/breakerbox.db` } : {}),
    },
  };
  return `# A simulated site of ${o.pdus} PDUs and ${nodes.length} servers (src/demo/large-site.ts).\n${stringify(config, { lineWidth: 0 })}`;
}

export function largeSiteConfig(o: LargeSiteOptions): Config {
  return parseConfigText(largeSiteText(o), `generated site of ${o.pdus} PDUs`);
}
