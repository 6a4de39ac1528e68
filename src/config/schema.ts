import { z } from 'zod';
import { alertsSchema } from '../alerts/rules.js';
import { maintenanceSchema } from '../maintenance/windows.js';
import { parseIpv4Cidr } from '../traps/cidr.js';
import { duration } from './duration.js';

export { duration };

const name = z.string().min(1).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');

/** host or host:port; the port defaults to 161. */
const address = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'an address such as "10.1.2.3" or "10.1.2.3:1161"');

/** An SNMPv3 user's security: the level decides which protocols and keys must be given. */
const v3Security = {
  user: z.string().min(1),
  level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']).default('authPriv'),
  authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).optional(),
  authKey: z.string().min(8).optional(),
  privProtocol: z.enum(['des', 'aes', 'aes256b', 'aes256r']).optional(),
  privKey: z.string().min(8).optional(),
};

function keysForLevel(u: { level: string; authProtocol?: string | undefined; authKey?: string | undefined; privProtocol?: string | undefined; privKey?: string | undefined }, ctx: z.RefinementCtx): void {
  const need = (key: 'authProtocol' | 'authKey' | 'privProtocol' | 'privKey') => {
    if (!u[key]) ctx.addIssue({ code: 'custom', path: [key], message: `level ${u.level} needs ${key}` });
  };
  if (u.level !== 'noAuthNoPriv') { need('authProtocol'); need('authKey'); }
  if (u.level === 'authPriv') { need('privProtocol'); need('privKey'); }
}

export const snmpCredentials = z.discriminatedUnion('version', [
  z.object({ version: z.literal('2c'), community: z.string().min(1) }).strict(),
  z.object({ version: z.literal('1'), community: z.string().min(1) }).strict(),
  z.object({ version: z.literal('3'), ...v3Security, context: z.string().optional() }).strict().superRefine(keysForLevel),
]);

export const pduSchema = z.object({
  name,
  rack: name,
  feed: z.enum(['A', 'B']).optional(),
  address,
  snmp: snmpCredentials.default({ version: '2c', community: 'public' }),
  profile: z.string().default('auto'),
  /** Size of the strip, used to check the cabling and to build the simulator. */
  outlets: z.number().int().min(1).max(96),
  banks: z.number().int().min(1).max(12).default(1),
  phases: z.number().int().min(1).max(3).default(1),
  model: z.string().optional(),
  pollInterval: duration.optional(),
  /** The UPS (another device in this list) that feeds this one. */
  upstream: name.optional(),
  /** Nameplate ratings, A, for what the device does not report (most report no phase or inlet rating): N-1 headroom is measured against them. */
  rating: z.object({ bank: z.number().positive().max(1_000).optional(), phase: z.number().positive().max(1_000).optional(), inlet: z.number().positive().max(1_000).optional() }).strict().optional(),
  /** The phase of each bank, in bank order, where it is not bank 1 on phase 1, bank 2 on phase 2… round-robin. */
  bankPhases: z.array(z.number().int().min(1).max(3)).optional(),
}).strict();

export const psuSchema = z.object({
  pdu: name,
  outlet: z.number().int().min(1),
}).strict();

export const nodeSchema = z.object({
  name,
  rack: name,
  address,
  snmp: snmpCredentials.default({ version: '2c', community: 'public' }),
  kind: z.enum(['server', 'storage']).default('server'),
  psus: z.array(psuSchema).min(1),
  /** Simulator only: amps each PSU draws when it carries the whole load. */
  amps: z.number().positive().optional(),
  pollInterval: duration.optional(),
}).strict();

export const backendSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('file'),
    /** Directory; the pool's files are POOL.members (active names) and POOL.json (states). */
    dir: z.string().min(1),
  }).strict(),
  z.object({
    type: z.literal('haproxy'),
    /** The runtime API: a unix socket path, or host:port of a TCP stats socket (level admin). */
    socket: z.string().min(1),
    /** The HAProxy backend (proxy) name; default: the pool's name. */
    backend: z.string().min(1).optional(),
    /** Server name per node, where it differs from the node's name. */
    servers: z.record(z.string(), z.string().min(1)).default({}),
    timeout: duration.default(2_000),
  }).strict(),
  z.object({
    type: z.literal('webhook'),
    url: z.string().url(),
    /** HMAC-SHA256 key: the body is signed in the X-Breakerbox-Signature header. */
    secret: z.string().min(16).optional(),
    timeout: duration.default(5_000),
    retries: z.number().int().min(0).max(10).default(3),
  }).strict(),
]);

export const poolSchema = z.object({
  name,
  members: z.array(name).min(1),
  backend: backendSchema,
  drain: z.object({
    /** Power states that drain a member; power "lost" always does. "ups-battery": its UPS is on battery with less than upsRuntimeBelow left. */
    on: z.array(z.enum(['lost', 'degraded', 'ups-battery'])).default(['lost']),
    upsRuntimeBelow: duration.default(600_000),
    /** A member must be in a draining state this long before it is drained (a flapping outlet drains once, not ten times). */
    debounce: duration.default(0),
    /** Largest fraction of the pool Breakerbox may hold drained at once. */
    maxDrainedFraction: z.number().min(0).max(1).default(0.5),
    /** Never drain below this many healthy active members, nor below this fraction of the pool. */
    minHealthy: z.object({ count: z.number().int().min(0).default(0), fraction: z.number().min(0).max(1).default(0) }).strict().default({ count: 0, fraction: 0 }),
    /** At most this many drains per minute in this pool (0: no limit). */
    maxDrainsPerMinute: z.number().int().min(0).default(0),
  }).strict().default({ on: ['lost'], upsRuntimeBelow: 600_000, debounce: 0, maxDrainedFraction: 0.5, minHealthy: { count: 0, fraction: 0 }, maxDrainsPerMinute: 0 }),
  /** Decide and show, but touch no backend (overrides settings.mode for this pool). */
  shadow: z.boolean().optional(),
}).strict();

export const serviceSchema = z.object({
  name: z.string().min(1),
  pools: z.array(name).min(1),
}).strict();

export const siteSchema = z.object({
  name: z.string().min(1),
  rows: z.array(z.object({
    name: z.string().min(1),
    racks: z.array(name).min(1),
  }).strict()).min(1),
}).strict();

/** An IPv4 address or CIDR block, read as the trap receiver reads it; the message quotes the bad value. */
const cidr = z.string().superRefine((text, ctx) => {
  const block = parseIpv4Cidr(text);
  if (typeof block === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, message: block });
});

export const trapUserSchema = z.object(v3Security).strict().superRefine(keysForLevel);

export const trapsSchema = z.object({
  enabled: z.boolean().default(true),
  address: z.string().default('0.0.0.0'),
  /** 0: a free port the system picks. */
  port: z.number().int().min(0).max(65535).default(162),
  /** v1/v2c communities accepted. */
  communities: z.array(z.string().min(1)).default([]),
  /** v3 users accepted (their keys authenticate and decrypt). */
  users: z.array(trapUserSchema).default([]),
  /** Only these sources, when set. */
  allow: z.array(cidr).optional(),
  /** Relays and proxies whose traps may name the device they forward for (v1 agent-addr, snmpTrapAddress.0); anyone else's trap is the sender's own. */
  relays: z.array(cidr).optional(),
  /** Traps per second one source may send before the rest are dropped and counted. */
  perSourceRate: z.number().positive().default(500),
  /** Where to find vendor MIBs, to name unclassified traps (the project's mibs/ is always read). */
  mibDirs: z.array(z.string()).default([]),
  /** Receive buffer for bursts, bytes. */
  receiveBuffer: z.number().int().min(65_536).default(8 * 1024 * 1024),
}).strict();

/** InfluxDB 1.x, or 2.x through its 1.x-compatible API: where history goes when set. */
const influxSchema = z.object({
  url: z.string().refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol) && new URL(u).username === '', 'an http(s) URL such as "http://127.0.0.1:8086" (credentials go in username and password)').default('http://127.0.0.1:8086'),
  database: name.default('breakerbox'),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  /** Raw points, 1-minute and 1-hour means and maxima (continuous queries), each kept this long. */
  retention: z.object({ raw: duration.default(14 * 86_400_000), minute: duration.default(90 * 86_400_000), hour: duration.default(730 * 86_400_000) }).strict()
    .refine((r) => r.raw >= 3_600_000 && r.minute >= r.raw && r.hour >= r.minute, 'raw at least 1h, minute at least raw, hour at least minute')
    .default({ raw: 14 * 86_400_000, minute: 90 * 86_400_000, hour: 730 * 86_400_000 }),
}).strict();

const historySchema = z.object({
  /** null: history lives in the embedded store only. */
  influxdb: influxSchema.nullable().default(null),
  /** Points per write request, and the longest a point waits in memory before one. */
  batchSize: z.number().int().min(100).max(50_000).default(10_000),
  flushInterval: duration.default(1_000),
  /** Points InfluxDB could not take yet wait here (relative: to the state directory); past maxBytes the oldest are dropped and counted. */
  spool: z.object({ dir: z.string().min(1).default('var/history-spool'), maxBytes: z.number().int().min(1_048_576).default(512 * 1_048_576) }).strict()
    .default({ dir: 'var/history-spool', maxBytes: 512 * 1_048_576 }),
  /** Without InfluxDB: 1-minute values of everything, hourly ones of devices, inlets, phases, banks, sensors, UPSes and pools; the event journal in both set-ups. */
  embedded: z.object({
    database: z.string().min(1).default('var/history.db'),
    minuteRetention: duration.refine((v) => v >= 48 * 3_600_000, 'at least 48h').default(3 * 86_400_000),
    hourRetention: duration.refine((v) => v >= 90 * 86_400_000, 'at least 90d').default(400 * 86_400_000),
    eventRetention: duration.refine((v) => v >= 86_400_000, 'at least 1d').default(400 * 86_400_000),
  }).strict().default({ database: 'var/history.db', minuteRetention: 3 * 86_400_000, hourRetention: 400 * 86_400_000, eventRetention: 400 * 86_400_000 }),
}).strict();

export const settingsSchema = z.object({
  pollInterval: duration.default(30_000),
  /** A device's facts older than this many poll intervals are stale, hence unknown. */
  staleAfterPolls: z.number().min(1).default(3),
  snmpTimeout: duration.default(2_000),
  snmpRetries: z.number().int().min(0).max(5).default(1),
  pollConcurrency: z.number().int().min(1).max(1024).default(32),
  /** The whole poll of one device must end within this; null: 3 × timeout × (retries + 1) capped at the poll interval, but never under timeout × (retries + 2). */
  pollDeadline: duration.nullable().default(null),
  /** Rows per walked table of a device; tables sized by a PDU's outlets, banks or phases get 16 per unit (at least 64), within this. */
  maxRowsPerTable: z.number().int().min(16).max(20_000).default(1_000),
  /** Bytes per value; a device sending a longer one is misbehaving (real agents send strings of a few hundred). */
  maxValueBytes: z.number().int().min(64).max(65_536).default(1_024),
  reload: z.object({
    schedule: z.string().default('0 * * * *'),
    timezone: z.string().optional(),
    /** A drained node must have answered this long before it is re-admitted. */
    holdDown: duration.default(300_000),
  }).strict().default({ schedule: '0 * * * *', holdDown: 300_000 }),
  http: z.object({
    port: z.number().int().min(0).max(65535).default(8080),
    host: z.string().default('0.0.0.0'),
  }).strict().default({ port: 8080, host: '0.0.0.0' }),
  simulate: z.boolean().default(false),
  /** Simulator only: each simulated node also serves HTTP ("200 <name>") on its own address at this port while powered; null: none. */
  simulatorHttpPort: z.number().int().min(1).max(65535).nullable().default(null),
  traps: trapsSchema.default(trapsSchema.parse({})),
  /** live: drain for real; shadow: decide, record and show, touch no backend. */
  mode: z.enum(['live', 'shadow']).default('live'),
  /** Where drain records, holds and the audit trail live (relative: to the state directory). */
  database: z.string().default('var/breakerbox.db'),
  /**
   * Several processes on one PostgreSQL (src/cluster/): the one holding the controller lease decides
   * and acts, the others stand by and take over when it goes. null: one process on SQLite (database).
   */
  cluster: z.object({
    /** postgres://user@host:port/database; give the password as PGPASSWORD or in ~/.pgpass, not here. */
    database: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
    /** How long the controller's lease lasts unrenewed: a standby takes over within twice this after the controller dies. */
    lease: duration.refine((ms) => ms >= 1_000, 'at least 1s').default(15_000),
    /** This process's name in the cluster (default: host:pid). */
    name: z.string().min(1).optional(),
    /** The URL the other processes give for this one (default: from the address it listens on). */
    url: z.string().url().optional(),
  }).strict().nullable().default(null),
  /** GET /metrics: Prometheus text format, behind the same access check as the API. */
  metrics: z.object({
    /** Serve GET /metrics at all (read at start). */
    enabled: z.boolean().default(true),
    /** Per-outlet series: 3 per outlet (144 on a 48-outlet PDU); read at each scrape, so a reload applies it. */
    outlets: z.boolean().default(false),
  }).strict().default({ enabled: true, outlets: false }),
  /** Power history and the event journal (see src/history/). */
  history: historySchema.default(historySchema.parse({})),
  /** Several PDUs of one row or site failing at once while their nodes answer is the monitoring path breaking: freeze drains there. */
  /** Alert rules (see src/alerts/rules.ts): per rule, what differs from its default; flapping. */
  alerts: alertsSchema.default(alertsSchema.parse({})),
  massFailure: z.object({ minPdus: z.number().int().min(1).default(2), fraction: z.number().min(0).max(1).default(0.5) }).strict().default({ minPdus: 2, fraction: 0.5 }),
  /** N-1 headroom and phase balance (src/capacity/): the continuous-load derating of a rating, the share of the derated limit that warns, the phase imbalance (%) that asks for moves. */
  capacity: z.object({
    derating: z.number().gt(0).max(1).default(0.8),
    warning: z.number().gt(0).max(1).default(0.9),
    imbalance: z.number().gt(0).max(100).default(10),
  }).strict().default({ derating: 0.8, warning: 0.9, imbalance: 10 }),
  api: z.object({
    /** Bearer tokens for changes (hold, release, drain, reload, faults); without any, changes are accepted from loopback only. */
    tokens: z.array(z.object({ name: z.string().min(1), token: z.string().min(16) }).strict()).default([]),
    /** Require a token (or a wall login) for reads too: the API, the wall's files and its live connection. */
    protectReads: z.boolean().default(false),
    /** Names this service answers to ("host" or "host:port"); a request with any other Host is refused (DNS rebinding). */
    hosts: z.array(z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, 'a host name, optionally with a port, such as "noc.example.com" or "[::1]:8080"').transform((h) => h.toLowerCase()))
      .min(1).default(['localhost', '127.0.0.1', '[::1]']),
    /** Origins besides the service's own that may make changes, e.g. "https://noc.example.com" in front of a reverse proxy. */
    origins: z.array(z.string()
      .refine((o) => URL.canParse(o) && /^https?:$/.test(new URL(o).protocol) && new URL(o).href === `${new URL(o).origin}/`, 'an origin such as "https://noc.example.com" (scheme, host, optional port; no path)').transform((o) => new URL(o).origin)).default([]),
    /** How long a wall login (session cookie) lasts. */
    sessionLifetime: duration.default(12 * 3_600_000),
  }).strict().default({ tokens: [], protectReads: false, hosts: ['localhost', '127.0.0.1', '[::1]'], origins: [], sessionLifetime: 12 * 3_600_000 }),
}).strict();

export const configSchema = z.object({
  sites: z.array(siteSchema).min(1),
  pdus: z.array(pduSchema).default([]),
  nodes: z.array(nodeSchema).default([]),
  pools: z.array(poolSchema).default([]),
  services: z.array(serviceSchema).default([]),
  /** Maintenance windows (see src/maintenance/windows.ts): one-off or recurring, over a scope; optionally drained ahead. */
  maintenance: z.array(maintenanceSchema).default([]),
  settings: settingsSchema.default(settingsSchema.parse({})),
}).strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type PduConfig = Config['pdus'][number];
export type NodeConfig = Config['nodes'][number];
export type PoolConfig = Config['pools'][number];
export type BackendConfig = PoolConfig['backend'];
export type ServiceConfig = Config['services'][number];
export type Settings = Config['settings'];
export type SnmpCredentials = z.infer<typeof snmpCredentials>;
export type TrapSettings = Settings['traps'];
export type TrapUser = TrapSettings['users'][number];
