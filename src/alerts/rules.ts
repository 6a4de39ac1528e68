// The alert rules: built in, each with a severity and a `for` duration, overridable per rule in the
// config (settings.alerts.rules.<rule>). Rules are data; what each one looks at is in conditions.ts.
import { z } from 'zod';
import { duration } from '../config/duration.js';

export type Severity = 'critical' | 'warning' | 'info';

/** Severities in order: a receiver gets alerts at least as severe as its `minSeverity`. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 3, warning: 2, info: 1 };

export const RULE_NAMES = [
  'node-power-lost', 'node-power-degraded', 'breaker-tripped', 'load-high', 'pdu-unreachable', 'node-unreachable',
  'ups-on-battery', 'ups-runtime-low', 'ats-redundancy-lost', 'drain-blocked', 'monitoring-fault', 'backend-failing', 'polls-stale',
  'headroom-low', 'single-point-of-failure',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface Rule {
  enabled: boolean;
  severity: Severity;
  /** The condition must hold this long before the alert fires (ms). */
  for: number;
  /** load-high: % of rating that raises it; ups-runtime-low: seconds of runtime below which it is raised. */
  threshold?: number;
  /** The level that clears it again (hysteresis): below it for load-high, above it for ups-runtime-low. */
  clear?: number;
}

export const DEFAULT_RULES: Readonly<Record<RuleName, Rule>> = {
  'node-power-lost': { enabled: true, severity: 'critical', for: 0 },
  'node-power-degraded': { enabled: true, severity: 'warning', for: 60_000 },
  'breaker-tripped': { enabled: true, severity: 'critical', for: 0 },
  'load-high': { enabled: true, severity: 'warning', for: 60_000, threshold: 80, clear: 75 },
  'pdu-unreachable': { enabled: true, severity: 'critical', for: 60_000 },
  'node-unreachable': { enabled: true, severity: 'warning', for: 120_000 },
  'ups-on-battery': { enabled: true, severity: 'critical', for: 0 },
  'ups-runtime-low': { enabled: true, severity: 'critical', for: 0, threshold: 600, clear: 900 },
  'ats-redundancy-lost': { enabled: true, severity: 'warning', for: 30_000 },
  'drain-blocked': { enabled: true, severity: 'critical', for: 0 },
  'monitoring-fault': { enabled: true, severity: 'critical', for: 0 },
  'backend-failing': { enabled: true, severity: 'critical', for: 30_000 },
  'polls-stale': { enabled: true, severity: 'critical', for: 0 },
  // A plan's alert, not a fault's: the N-1 load must stand a while (critical when past the derated limit).
  'headroom-low': { enabled: true, severity: 'warning', for: 300_000 },
  // The cabling's weak spots are a standing fact (check-config --audit, GET /api/capacity/audit): off unless asked for.
  'single-point-of-failure': { enabled: false, severity: 'info', for: 0 },
};

const ruleOverride = z.object({
  enabled: z.boolean().optional(),
  severity: z.enum(['critical', 'warning', 'info']).optional(),
  for: duration.optional(),
  threshold: z.number().positive().optional(),
  clear: z.number().positive().optional(),
}).strict();

const receiverName = z.string().min(1).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');
const receiverCommon = {
  name: receiverName,
  /** The least severe alert sent to this receiver. */
  minSeverity: z.enum(['critical', 'warning', 'info']).default('warning'),
  /** Only stories whose root alert is in this place (every given field must match); none: the whole site. */
  scope: z.object({ site: z.string().min(1).optional(), row: z.string().min(1).optional(), rack: z.string().min(1).optional(), pdu: z.string().min(1).optional(), pool: z.string().min(1).optional() }).strict().optional(),
  /** A story still firing, not acknowledged, is paged again this often; none: once. */
  repeat: duration.optional(),
  timeout: duration.default(5_000),
};
const httpUrl = z.string().url().refine((u) => /^https?:$/.test(new URL(u).protocol), 'an http:// or https:// address');

/** The engine ID v3 traps come from unless one is set, in RFC 3411's form: 80 00 7e d9 (enterprise 32473, see mibs/BREAKERBOX-MIB), 04 (text), "breakerbox". */
export const SNMP_ENGINE_ID = '80007ed904627265616b6572626f78';

/** An SNMPv3 user for notifications to an NMS: the level decides which protocols and keys must be given. */
const snmpUser = z.object({
  name: z.string().min(1),
  level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']).default('authPriv'),
  authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).optional(),
  authKey: z.string().min(8).optional(),
  privProtocol: z.enum(['des', 'aes', 'aes256b', 'aes256r']).optional(),
  privKey: z.string().min(8).optional(),
  /** Breakerbox's own engine ID (hex), which a trap is sent from: the NMS keys the user by it (snmptrapd: createUser -e). An inform uses the NMS's. */
  engineID: z.string().regex(/^(0x)?([0-9A-Fa-f]{2}){5,32}$/, '5 to 32 octets in hex').default(SNMP_ENGINE_ID),
}).strict().superRefine((u, ctx) => {
  const need = (key: 'authProtocol' | 'authKey' | 'privProtocol' | 'privKey') => {
    if (!u[key]) ctx.addIssue({ code: 'custom', path: [key], message: `level ${u.level} needs ${key}` });
  };
  if (u.level !== 'noAuthNoPriv') { need('authProtocol'); need('authKey'); }
  if (u.level === 'authPriv') { need('privProtocol'); need('privKey'); }
});

/** Where pages go. The URLs, keys and secrets here are never logged: a receiver is named by its name. */
export const receiverSchema = z.discriminatedUnion('type', [
  /** JSON, HMAC-SHA256 signed in X-Breakerbox-Signature when `secret` is set (as the drain webhook). */
  z.object({ type: z.literal('webhook'), url: httpUrl, secret: z.string().min(16).optional(), ...receiverCommon }).strict(),
  /** A Slack-compatible incoming webhook. */
  z.object({ type: z.literal('slack'), url: httpUrl, ...receiverCommon }).strict(),
  /** Prometheus Alertmanager's v2 API (its base address, e.g. http://alertmanager:9093/): labels from the topology. */
  z.object({ type: z.literal('alertmanager'), url: httpUrl, ...receiverCommon }).strict(),
  /** E-mail over SMTP: the title as subject (it fits a phone), the story as plain text and HTML. */
  z.object({
    type: z.literal('email'),
    smtp: z.object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(587),
      /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      user: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
    }).strict(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    ...receiverCommon,
  }).strict(),
  /** SNMP notifications to an NMS, as described by mibs/BREAKERBOX-MIB: informs (acknowledged, so retried) or traps. */
  z.object({
    type: z.literal('snmp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(162),
    mode: z.enum(['trap', 'inform']).default('inform'),
    version: z.enum(['2c', '3']),
    community: z.string().min(1).optional(),
    user: snmpUser.optional(),
    ...receiverCommon,
  }).strict().superRefine((r, ctx) => {
    if (r.version === '2c' && !r.community) ctx.addIssue({ code: 'custom', path: ['community'], message: 'version 2c needs community' });
    if (r.version === '2c' && r.user) ctx.addIssue({ code: 'custom', path: ['user'], message: 'version 2c takes a community, not a user' });
    if (r.version === '3' && !r.user) ctx.addIssue({ code: 'custom', path: ['user'], message: 'version 3 needs user' });
    if (r.version === '3' && r.community) ctx.addIssue({ code: 'custom', path: ['community'], message: 'version 3 takes a user, not a community' });
  }),
  /** PagerDuty Events API v2. */
  z.object({ type: z.literal('pagerduty'), routingKey: z.string().min(1), url: httpUrl.default('https://events.pagerduty.com/v2/enqueue'), ...receiverCommon }).strict(),
]);
export type ReceiverConfig = z.infer<typeof receiverSchema>;

export const alertsSchema = z.object({
  receivers: z.array(receiverSchema).default([]),
  /** The wall's public address, for the link in every page (e.g. "https://noc.example.com/"). */
  wallUrl: httpUrl.optional(),
  /** Per rule, what differs from its built-in default. */
  rules: z.partialRecord(z.enum(RULE_NAMES), ruleOverride).default({}),
  /** An alert that changes state more than `changes` times within `window` is flapping: it notifies once until it settles. */
  flapping: z.object({ changes: z.number().int().min(2).default(4), window: duration.default(600_000) }).strict().default({ changes: 4, window: 600_000 }),
}).strict().superRefine((alerts, ctx) => {
  const names = new Set<string>();
  alerts.receivers.forEach((r, i) => {
    if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['receivers', i, 'name'], message: `receiver ${r.name} is named twice` });
    names.add(r.name);
  });
  for (const [name, o] of Object.entries(alerts.rules)) {
    const rule = { ...DEFAULT_RULES[name as RuleName], ...o };
    if (DEFAULT_RULES[name as RuleName].threshold === undefined && (o?.threshold !== undefined || o?.clear !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['rules', name], message: `${name} has no threshold to set` });
    } else if (rule.threshold !== undefined && rule.clear !== undefined) {
      const raisesAbove = name === 'load-high';
      if (raisesAbove ? rule.clear > rule.threshold : rule.clear < rule.threshold) {
        ctx.addIssue({ code: 'custom', path: ['rules', name, 'clear'], message: `clear (${rule.clear}) must be ${raisesAbove ? 'at or below' : 'at or above'} threshold (${rule.threshold}), or the alert could never clear` });
      }
    }
  }
});

export type AlertSettings = z.infer<typeof alertsSchema>;

/** Every rule as in force: its default with the config's overrides. */
export function resolveRules(settings: AlertSettings | undefined): Record<RuleName, Rule> {
  const out = {} as Record<RuleName, Rule>;
  for (const name of RULE_NAMES) out[name] = { ...DEFAULT_RULES[name], ...settings?.rules[name] };
  return out;
}
