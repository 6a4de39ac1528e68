// The real app polling a healthy recorded PDU (snmpsim) and its nodes next to hostile and broken
// agents (hostile-agent.ts): an endless table of big strings, agents answering just under the
// timeout, one malformed varbind per answer, another community. Every secret is configured where it can be.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { startApp, type App } from '../../src/app.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log.js';
import { startHostileAgents, type AgentSpec, type HostileAgents } from './hostile-agent.js';
import { freeUdpPort } from './ports.js';
import { startSnmpsim, type Snmpsim } from './snmpsim.js';

export const SLOW_AGENTS = 5;
const NODES = [
  { name: 'n-good-1', pdu: 'good', outlet: 1 }, { name: 'n-good-2', pdu: 'good', outlet: 2 },
  { name: 'n-endless', pdu: 'endless', outlet: 1 }, { name: 'n-malformed', pdu: 'malformed', outlet: 1 },
] as const;
export const TIMEOUT_MS = 2_000;

/** Every secret the scenario configures; none may ever be shown. */
export const SECRETS = {
  endless: 'S3cr3t-endless-community',
  slow: 'S3cr3t-slow-community',
  malformed: 'S3cr3t-malformed-community',
  mismatch: 'S3cr3t-mismatch-community',
  v3AuthKey: 'S3cr3t-v3-auth-key',
  v3PrivKey: 'S3cr3t-v3-priv-key',
  trapCommunity: 'S3cr3t-trap-community',
  apiToken: 'S3cr3t-api-token-0123456789',
  webhookSecret: 'S3cr3t-webhook-hmac-key',
  webhookPassword: 'S3cr3tWebhookPassword',
  pageSecret: 'S3cr3t-page-hmac-key-0123',
  slackToken: 'S3cr3tSlackHookToken',
  pagerdutyKey: 'S3cr3t-pagerduty-routing-key',
  smtpPassword: 'S3cr3t-smtp-password',
  nmsCommunity: 'S3cr3t-nms-community',
  nmsAuthKey: 'S3cr3t-nms-auth-key',
  nmsPrivKey: 'S3cr3t-nms-priv-key',
} as const;

async function startHostileGroups(groups: AgentSpec[][]): Promise<HostileAgents> {
  const started: HostileAgents[] = [];
  try {
    for (const g of groups) started.push(await startHostileAgents(g));
  } catch (err) {
    await Promise.all(started.map((x) => x.stop()));
    throw err;
  }
  const owner = new Map(groups.flatMap((g, i) => g.map((x) => [x.name, started[i]!] as const)));
  return { address: (name) => owner.get(name)!.address(name), stop: async () => { await Promise.all(started.map((x) => x.stop())); } };
}

export interface Scenario {
  app: App;
  /** Everything the app logged, as written (pino JSON lines). */
  logText(): string;
  stop(): Promise<void>;
}

export async function startHostileScenario(): Promise<Scenario> {
  const snmpsim: Snmpsim = await startSnmpsim(await freeUdpPort());
  let agents: HostileAgents | null = null;
  let app: App | null = null;
  try {
    const specs: AgentSpec[] = [
      // net-snmp's agent looks rows up one by one: 2,000 rows (15 times the cap) and 300 keep it answering in time.
      { name: 'endless', host: '127.61.0.1', community: SECRETS.endless, mode: 'endless', rows: 2_000 },
      { name: 'many-rows', host: '127.61.0.4', community: SECRETS.endless, mode: 'endless', rows: 300, valueBytes: 8 },
      { name: 'malformed', host: '127.61.0.2', community: SECRETS.malformed, mode: 'malformed' },
      { name: 'mismatch', host: '127.61.0.3', community: SECRETS.mismatch, mode: 'community', answerCommunity: 'not-the-one-asked' },
      ...Array.from({ length: SLOW_AGENTS }, (_, i): AgentSpec => ({ name: `slow-${i + 1}`, host: `127.61.1.${i + 1}`, community: SECRETS.slow, mode: 'slow', delayMs: TIMEOUT_MS - 100 })),
      // The servers' own agents, and one that knows no v3 user (a v3 PDU asking it is refused).
      ...NODES.map((n, i): AgentSpec => ({ name: n.name, host: `127.61.2.${i + 1}`, community: 'public', mode: 'normal' })),
      { name: 'v3', host: '127.61.3.1', community: 'public', mode: 'normal' },
    ];
    // Each busy agent in a process of its own: one stalled event loop must not silence the others.
    const groups = [specs.filter((x) => x.name === 'endless'), specs.filter((x) => x.name === 'many-rows'), specs.filter((x) => x.mode === 'slow'),
      specs.filter((x) => x.mode !== 'slow' && x.mode !== 'endless')];
    agents = await startHostileGroups(groups);
    const a = agents;
    const recorded = `127.0.0.1:${snmpsim.port}`;
    const pdu = (name: string, address: string, snmp: object, profile = 'apc-rpdu2') => ({ name, rack: 'r1', address, outlets: 8, profile, snmp });
    const node = (n: (typeof NODES)[number]) => ({ name: n.name, rack: 'r1', address: a.address(n.name), snmp: { version: '2c', community: 'public' }, psus: [{ pdu: n.pdu, outlet: n.outlet }] });
    const stateDir = mkdtempSync(join(tmpdir(), 'bb-hostile-'));
    mkdirSync(join(stateDir, 'var'), { recursive: true });
    const webhookPort = await freeUdpPort(); // nothing listens there over TCP either: the hook fails
    const raw = {
      sites: [{ name: 'Lab', rows: [{ name: 'row 1', racks: ['r1'] }] }],
      pdus: [
        pdu('good', recorded, { version: '2c', community: 'apc_ap7900b' }, 'auto'),
        pdu('endless', a.address('endless'), { version: '2c', community: SECRETS.endless }),
        pdu('many-rows', a.address('many-rows'), { version: '2c', community: SECRETS.endless }),
        pdu('malformed', a.address('malformed'), { version: '2c', community: SECRETS.malformed }),
        pdu('mismatch', a.address('mismatch'), { version: '2c', community: SECRETS.mismatch }),
        ...specs.filter((s) => s.mode === 'slow').map((s) => pdu(s.name, a.address(s.name), { version: '2c', community: SECRETS.slow })),
        pdu('v3-refused', a.address('v3'), {
          version: '3', user: 'breakerbox', level: 'authPriv', authProtocol: 'sha', authKey: SECRETS.v3AuthKey, privProtocol: 'aes', privKey: SECRETS.v3PrivKey,
        }),
      ],
      nodes: NODES.map(node),
      pools: [
        { name: 'scanners', members: ['n-good-1', 'n-good-2', 'n-endless', 'n-malformed'], backend: { type: 'file', dir: stateDir } },
        { name: 'hooked', members: ['n-good-1'], backend: { type: 'webhook', url: `http://ops:${SECRETS.webhookPassword}@127.0.0.1:${webhookPort}/drain`, secret: SECRETS.webhookSecret, timeout: '500ms', retries: 0 } },
      ],
      settings: {
        pollInterval: '2s', snmpTimeout: `${TIMEOUT_MS}ms`, snmpRetries: 1, pollConcurrency: 4,
        http: { port: 0, host: '127.0.0.1' },
        database: join(stateDir, 'var', 'breakerbox.db'),
        traps: { enabled: true, address: '127.0.0.1', port: await freeUdpPort(), communities: [SECRETS.trapCommunity] },
        api: { tokens: [{ name: 'noc', token: SECRETS.apiToken }] },
        reload: { schedule: '0 0 1 1 *', holdDown: '2s' },
        // Pages for the unreachable PDUs at once, to receivers that are down: their failures are logged and become events.
        alerts: {
          rules: { 'pdu-unreachable': { for: 0 } },
          receivers: [
            { type: 'webhook', name: 'hook', url: `http://127.0.0.1:${webhookPort}/page`, secret: SECRETS.pageSecret },
            { type: 'slack', name: 'slack', url: `http://127.0.0.1:${webhookPort}/services/${SECRETS.slackToken}` },
            { type: 'pagerduty', name: 'pd', url: `http://127.0.0.1:${webhookPort}/v2/enqueue`, routingKey: SECRETS.pagerdutyKey },
            { type: 'email', name: 'mail', smtp: { host: '127.0.0.1', port: webhookPort, user: 'noc', password: SECRETS.smtpPassword }, from: 'bb@example.com', to: ['oncall@example.com'] },
            // SNMP informs to a UDP port nobody answers on: each times out.
            { type: 'snmp', name: 'nms', host: '127.0.0.1', port: webhookPort, version: '2c', community: SECRETS.nmsCommunity, timeout: '1s' },
            { type: 'snmp', name: 'nms-v3', host: '127.0.0.1', port: webhookPort, version: '3', timeout: '1s', user: { name: 'breakerbox', authProtocol: 'sha256', authKey: SECRETS.nmsAuthKey, privProtocol: 'aes', privKey: SECRETS.nmsPrivKey } },
          ],
        },
      },
    };
    let logged = '';
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { logged += chunk.toString(); done(); } });
    app = await startApp({ config: parseConfigText(stringify(raw), 'hostile.yaml'), stateDir, log: createLogger('debug', sink) });
    const started = app;
    return {
      app: started,
      logText: () => logged,
      async stop() {
        await started.stop();
        await agents?.stop();
        await snmpsim.stop();
      },
    };
  } catch (err) {
    await app?.stop();
    await agents?.stop();
    await snmpsim.stop();
    throw err;
  }
}
