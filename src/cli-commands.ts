// Every `breakerbox` subcommand, one entry each: its usage, help, options, an example and what it
// runs. `breakerbox --help`, `breakerbox CMD --help`, the strict parsing of each command's options
// and the README's command list (checked by test/cli-help.test.ts) all come from this table: a new
// subcommand is one more entry here.
import express from 'express';
import type { Logger } from 'pino';
import { alertsCommand } from './alerts/alerts-cli.js';
import { startApp } from './app.js';
import { ClusterProcess, EXIT_LEASE_LOST } from './cluster/cluster.js';
import { clusterStatus } from './cluster/cluster-status.js';
import { commandHelp, overview, parseCommandLine, UsageError, type Command, type OptionSpec, type Values } from './cli-help.js';
import { loadConfigFile } from './config/load-config.js';
import type { Config } from './config/schema.js';
import {
  DEFAULT_FRONTEND_PORT, DEFAULT_NODE_HTTP_PORT, HAPROXY_INSTALL_HINT, findHaproxy, poolServers, startLocalHaproxy, withLocalHaproxy,
} from './demo/local-haproxy.js';
import { largeSiteConfig, parseSize } from './demo/large-site.js';
import { isAddressInUse, PortInUseError } from './held.js';
import { simRoutes } from './http/sim-routes.js';
import { chooseLogFormat, createLogger, LOG_LEVELS } from './log.js';
import { operatorCommand } from './operator-cli.js';
import { demoConfigPath } from './paths.js';
import { credentialsFromFlags, probe, PROBE_NO_PROFILE } from './probe/probe.js';
import { shardOf } from './sim/shard.js';
import { SimFaultError, Simulator } from './sim/simulator.js';
import { statusCommand, type StatusCommand } from './status/status-cli.js';
import { auditCommand } from './capacity/audit-cli.js';
import { whatIfCommand } from './capacity/what-if-cli.js';

// ---- options shared by several commands ----------------------------------------------------

const LOG_OPTIONS: Record<string, OptionSpec> = {
  'log-level': { type: 'string', value: 'LEVEL', help: `${LOG_LEVELS.join(', ')} (default: info, or $LOG_LEVEL)` },
  'log-format': { type: 'string', value: 'FORMAT', help: 'json or pretty (default: $LOG_FORMAT, else pretty on a terminal and json otherwise)' },
};

const HTTP_PORT: Record<string, OptionSpec> = {
  port: { type: 'string', value: 'N', help: 'HTTP port of the API and the wall (default: settings.http.port, or $PORT)' },
};

/** For the commands that talk to a running Breakerbox. */
const SERVICE_OPTIONS: Record<string, OptionSpec> = {
  url: { type: 'string', value: 'URL', help: 'the running Breakerbox (default: $BREAKERBOX_URL or http://127.0.0.1:8080)' },
  token: { type: 'string', value: 'TOKEN', help: 'an API token of settings.api.tokens (default: $BREAKERBOX_TOKEN)' },
};

const REASON: OptionSpec = { type: 'string', value: 'TEXT', help: 'why: it goes in the audit trail' };
const POOL: OptionSpec = { type: 'string', value: 'POOL', help: 'the pool' };

// ---- the commands --------------------------------------------------------------------------

export const COMMANDS: Command[] = [
  {
    name: 'run', operands: '[CONFIG]', synopsis: '[--port N] [--cluster URL]',
    summary: 'Monitor and drain. Without CONFIG: the Dallas 3 demo, simulated.',
    details: [
      'SIGHUP reloads now: re-reads CONFIG and re-admits drained nodes whose power is back.',
      'With settings.cluster (or --cluster): one process of a cluster on PostgreSQL; it stands by until it',
      `holds the controller lease, and exits ${EXIT_LEASE_LOST} if it loses it (start it again: it stands by).`,
    ],
    options: { ...HTTP_PORT, cluster: { type: 'string', value: 'URL', help: 'the cluster\'s PostgreSQL (postgres://…), as settings.cluster.database' }, ...LOG_OPTIONS },
    examples: ['breakerbox run /etc/breakerbox/dallas-3.yaml', 'breakerbox run --port 9090 --log-format json', 'breakerbox run /etc/breakerbox/site.yaml --cluster postgres://breakerbox@db1/breakerbox'],
    run: ([file], values) => runMonitor(file ?? demoConfigPath(), values),
  },
  {
    name: 'demo', synopsis: '[--size large|medium|N] [--haproxy [--haproxy-port N]]',
    summary: 'Same as "run" with the demo data center (simulated).',
    details: [
      '--size large|medium|N: a generated site of N PDUs (large: 1000, medium: 126) and ten servers',
      'per PDU, its state under var/scale-N/. --haproxy: the "scanners" pool behind a local HAProxy',
      '(frontend http://127.0.0.1:8090/): each simulated scanner serves HTTP; drains set its server to maint.',
    ],
    options: {
      ...HTTP_PORT,
      size: { type: 'string', value: 'SIZE', help: 'large, medium or an even number of PDUs from 2 to 2000' },
      haproxy: { type: 'boolean', help: 'route the "scanners" pool through a local HAProxy (needs haproxy installed)' },
      'haproxy-port': { type: 'string', value: 'N', help: `the HAProxy frontend's port (default ${DEFAULT_FRONTEND_PORT})` },
      ...LOG_OPTIONS,
    },
    examples: ['breakerbox demo', 'breakerbox demo --size large', 'breakerbox demo --haproxy --haproxy-port 8090'],
    run: (_operands, values) => runDemo(values),
  },
  {
    name: 'cluster', operands: 'status [CONFIG]', synopsis: '[--cluster URL]',
    summary: 'The cluster as its PostgreSQL has it: the controller, its epoch and lease, every process.',
    details: ['The database is settings.cluster.database of CONFIG, or --cluster. Exit 0 with a controller, 3 without one, 1 when the database cannot be read.'],
    options: { cluster: { type: 'string', value: 'URL', help: 'the cluster\'s PostgreSQL (postgres://…), instead of CONFIG\'s' } },
    examples: ['breakerbox cluster status /etc/breakerbox/site.yaml', 'breakerbox cluster status --cluster postgres://breakerbox@db1/breakerbox'],
    run: async ([what, file], values) => {
      if (what !== 'status') throw new UsageError(what === undefined ? 'cluster: say what (status)' : `cluster ${what}: unknown (status)`, 'breakerbox cluster --help');
      const database = text(values, 'cluster');
      const settings = database !== undefined ? { database, lease: 15_000 } : file !== undefined ? loadConfigFile(file).settings.cluster : null;
      if (!settings) throw new UsageError(file === undefined ? 'give CONFIG or --cluster URL' : `${file} has no settings.cluster`, 'breakerbox cluster --help');
      const { output, code } = await clusterStatus(settings, createLogger('silent'));
      (code === 1 ? console.error : console.log)(output);
      return code;
    },
  },
  {
    name: 'check-config', operands: 'FILE',
    summary: 'Validate FILE; exit 2 with file:line and key path on a problem.',
    details: ['Files over 8 MiB are refused unread ($BREAKERBOX_MAX_CONFIG_BYTES sets another limit); YAML aliases expand at most 100 times.'],
    synopsis: '[--audit]',
    options: { audit: { type: 'boolean', help: 'also list the single points of failure; exit 4 when there are any' } },
    examples: ['breakerbox check-config examples/dallas-3.yaml', 'breakerbox check-config site.yaml --audit'],
    run: async ([file], values) => {
      const config = loadConfigFile(file!);
      console.log(`${file}: ok (${config.pdus.length} PDUs, ${config.nodes.length} nodes, ${config.pools.length} pools, ${config.services.length} services)`);
      if (values.audit !== true) return 0;
      const { output, code } = auditCommand(config);
      console.log(output);
      return code;
    },
  },
  {
    name: 'probe', operands: 'HOST[:PORT]', synopsis: '[--community C | --v1 | --user U …] [--profile NAME] [--json]',
    summary: 'Detect a PDU/UPS/ATS and print its normalized reading.',
    details: ['Exit 3: it answers but no vendor profile matched (what its system group says is printed).'],
    options: {
      community: { type: 'string', value: 'C', help: 'SNMPv2c community (default: public)' },
      v1: { type: 'boolean', help: 'SNMPv1 instead of v2c' },
      user: { type: 'string', value: 'U', help: 'SNMPv3 user (then --level, --auth-*, --priv-*, --context)' },
      level: { type: 'string', value: 'L', help: 'noAuthNoPriv, authNoPriv or authPriv (default: from the keys given)' },
      'auth-protocol': { type: 'string', value: 'P', help: 'md5, sha, sha224, sha256, sha384 or sha512' },
      'auth-key': { type: 'string', value: 'K', help: 'the v3 authentication key' },
      'priv-protocol': { type: 'string', value: 'P', help: 'des, aes, aes256b or aes256r' },
      'priv-key': { type: 'string', value: 'K', help: 'the v3 privacy key' },
      context: { type: 'string', value: 'C', help: 'the v3 context' },
      profile: { type: 'string', value: 'NAME', help: 'read with this profile (default: detect)' },
      json: { type: 'boolean', help: 'print JSON' },
      timeout: { type: 'string', value: 'MS', help: 'per-request timeout in milliseconds' },
    },
    examples: ['breakerbox probe 10.1.7.21 --community monitor', 'breakerbox probe 10.1.7.21:161 --user bb --auth-protocol sha256 --auth-key K --priv-protocol aes --priv-key K --json'],
    run: async ([target], values) => {
      const { output, code } = await probe({
        target: target!, credentials: credentialsFromFlags(values), json: values.json === true,
        ...(typeof values.profile === 'string' ? { profile: values.profile } : {}), ...(typeof values.timeout === 'string' ? { timeoutMs: Number(values.timeout) } : {}),
        progress: (what) => { if (process.stderr.isTTY) process.stderr.write(`${what}\n`); },
      });
      // What a device without a profile says of itself is the answer, not an error.
      (code === 0 || code === PROBE_NO_PROFILE ? console.log : console.error)(output);
      return code;
    },
  },
  {
    name: 'sim', operands: '[CONFIG]', synopsis: '[--port N] [--shard I/N]',
    summary: 'Only the simulated devices of CONFIG (default: the demo), with their fault switches.',
    details: ['--shard I/N: only the I-th of N shares of its power domains (run N of them, on N ports, to spread a large site over processes).'],
    options: {
      port: { type: 'string', value: 'N', help: 'port of the fault switches, POST /api/sim/faults (default 8081)' },
      shard: { type: 'string', value: 'I/N', help: 'only the I-th of N shares of the site' },
      ...LOG_OPTIONS,
    },
    examples: ['breakerbox sim site.yaml --port 8082 --shard 1/4'],
    run: ([file], values) => runSimulator(file ?? demoConfigPath(), values),
  },
  {
    name: 'drain', operands: 'NODE', synopsis: '--pool POOL --reason TEXT',
    summary: 'Take NODE out of a pool by hand (re-admitted at a reload).',
    options: { pool: POOL, reason: REASON, ...SERVICE_OPTIONS },
    examples: ['breakerbox drain scan-004 --pool scanners --reason "noisy fan"'],
    run: ([node], values) => operator('drain', node, values),
  },
  {
    name: 'hold', operands: 'NODE', synopsis: '--pool POOL [--mode out|in] --reason TEXT',
    summary: 'Pin NODE out of (or in) a pool: Breakerbox never changes it until released.',
    options: { pool: POOL, mode: { type: 'string', value: 'out|in', help: 'held out of the pool (default) or in it' }, reason: REASON, ...SERVICE_OPTIONS },
    examples: ['breakerbox hold scan-003 --pool scanners --reason "disk swap"'],
    run: ([node], values) => operator('hold', node, values),
  },
  {
    name: 'release', operands: 'NODE', synopsis: '--pool POOL [--reason TEXT]',
    summary: 'Remove an operator\'s hold on NODE.',
    options: { pool: POOL, reason: REASON, ...SERVICE_OPTIONS },
    examples: ['breakerbox release scan-003 --pool scanners'],
    run: ([node], values) => operator('release', node, values),
  },
  {
    name: 'reload', synopsis: '[--reason TEXT]',
    summary: 'Reload now: re-read the config, re-admit drained nodes whose power is back.',
    options: { reason: REASON, ...SERVICE_OPTIONS },
    examples: ['breakerbox reload --reason "breaker reset"'],
    run: (_operands, values) => operator('reload', undefined, values),
  },
  {
    name: 'alerts', synopsis: '[--state S]',
    summary: 'The active alerts.',
    options: { state: { type: 'string', value: 'S', help: 'pending, firing, resolved, muted, comma-separated (default: pending,firing)' }, ...SERVICE_OPTIONS },
    examples: ['breakerbox alerts --state firing,muted'],
    run: (_operands, values) => alerts('alerts', undefined, values),
  },
  {
    name: 'ack', operands: 'ID', synopsis: '--reason TEXT',
    summary: 'Acknowledge alert ID: muted, and the receivers it paged are told.',
    options: { reason: REASON, ...SERVICE_OPTIONS },
    examples: ['breakerbox ack 42 --reason "on it, breaker being reset"'],
    run: ([id], values) => alerts('ack', id, values),
  },
  {
    name: 'silence', synopsis: '--match K=V[,K=V] --for DURATION --reason TEXT',
    summary: 'Mute alerts matching every K=V for a while.',
    details: ['Keys: rule, subject, site, row, rack, pdu, node, pool. "breakerbox unsilence ID" ends it.'],
    options: {
      match: { type: 'string', value: 'K=V[,K=V]', help: 'what to mute: every pair must match' },
      for: { type: 'string', value: 'DURATION', help: 'how long: 30m, 2h, 1d' },
      reason: REASON, ...SERVICE_OPTIONS,
    },
    examples: ['breakerbox silence --match rack=r07,rule=load-high --for 2h --reason "load test"'],
    run: (_operands, values) => alerts('silence', undefined, values),
  },
  {
    name: 'unsilence', operands: 'ID', synopsis: '[--reason TEXT]',
    summary: 'End silence ID.',
    options: { reason: REASON, ...SERVICE_OPTIONS },
    examples: ['breakerbox unsilence 7'],
    run: ([id], values) => alerts('unsilence', id, values),
  },
  {
    name: 'silences',
    summary: 'The silences in force.',
    options: { ...SERVICE_OPTIONS },
    examples: ['breakerbox silences --url http://noc-1:8080'],
    run: (_operands, values) => alerts('silences', undefined, values),
  },
  {
    name: 'maintenance',
    summary: 'The maintenance windows: in force, then the next of each.',
    options: { ...SERVICE_OPTIONS },
    examples: ['breakerbox maintenance'],
    run: (_operands, values) => alerts('maintenance', undefined, values),
  },
  {
    name: 'what-if', synopsis: '--pdu P [--bank N] | --outlet P:N | --ups U | --feed A|B [--site S] [--row R] [--rack K] [--json]',
    summary: 'What a fault would do now: who loses power, what is drained or blocked, what overloads. Changes nothing.',
    details: ['Asks the running Breakerbox (GET /api/what-if), which runs its own power health and drain decisions on the facts the fault would leave.'],
    options: {
      pdu: { type: 'string', value: 'P', help: "the PDU that loses power (with --bank: only that bank's breaker trips)" },
      bank: { type: 'string', value: 'N', help: 'a bank of --pdu' },
      outlet: { type: 'string', value: 'P:N', help: 'one outlet switched off, e.g. dal3-r07-a:3' },
      ups: { type: 'string', value: 'U', help: 'a UPS that stops feeding what hangs from it' },
      feed: { type: 'string', value: 'A|B', help: 'a feed lost: everywhere, or where --site, --row, --rack say' },
      site: { type: 'string', value: 'S', help: 'with --feed: in this site' },
      row: { type: 'string', value: 'R', help: 'with --feed: in this row' },
      rack: { type: 'string', value: 'K', help: 'with --feed: in this rack' },
      json: { type: 'boolean', help: "print the API's answer as it is (JSON)" },
      ...SERVICE_OPTIONS,
    },
    examples: ['breakerbox what-if --pdu dal3-r07-a --bank 1', 'breakerbox what-if --feed A --row "row 2"'],
    run: (_operands, values) => whatIf(values),
  },
  {
    name: 'incidents', synopsis: '[--state S]', summary: 'The status page\'s incidents, drafts included.',
    options: { state: { type: 'string', value: 'S', help: 'draft, published, comma-separated (default: both)' }, ...SERVICE_OPTIONS },
    examples: ['breakerbox incidents --state draft'], run: (_operands, values) => incidents('incidents', undefined, values),
  },
  {
    name: 'incident', operands: 'ID', summary: 'Incident ID: its words, causes, timeline and who changed it.',
    options: { ...SERVICE_OPTIONS }, examples: ['breakerbox incident 3'], run: ([id], values) => incidents('incident', id, values),
  },
  {
    name: 'edit-incident', operands: 'ID', synopsis: '[--title TEXT] [--text TEXT] --reason TEXT', summary: 'Change the title or text of incident ID.',
    details: ['Until an operator edits it, a draft\'s words follow what happens; then they are the operator\'s.'],
    options: { title: { type: 'string', value: 'TEXT', help: 'the new title (one line)' }, text: { type: 'string', value: 'TEXT', help: 'the new text' }, reason: REASON, ...SERVICE_OPTIONS },
    examples: ['breakerbox edit-incident 3 --title "Mail scanning slower" --reason "plainer words"'], run: ([id], values) => incidents('edit-incident', id, values),
  },
  {
    name: 'publish-incident', operands: 'ID', synopsis: '--reason TEXT', summary: 'Put incident ID on the public status page and its feeds.',
    options: { reason: REASON, ...SERVICE_OPTIONS }, examples: ['breakerbox publish-incident 3 --reason "customers asked"'], run: ([id], values) => incidents('publish-incident', id, values),
  },
];

const FOOTER = [
  'The operator commands (drain to maintenance) talk to a running Breakerbox: --url, --token.',
  'Signals: SIGHUP reloads now (re-reads CONFIG, re-admits drained nodes whose power is back).',
];

/** Runs one command line; resolves to the exit code. Usage errors reject with a UsageError. */
export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(COMMANDS, argv);
  if (parsed.help) {
    console.log(parsed.command ? commandHelp(parsed.command) : overview(COMMANDS, FOOTER));
    return 0;
  }
  return parsed.command.run(parsed.operands, parsed.values);
}

// ---- what the commands run -----------------------------------------------------------------

const text = (values: Values, name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);

/** The logger of a long-running command, from --log-level and --log-format (or their variables). */
function logger(command: string, values: Values): Logger {
  const level = text(values, 'log-level') ?? process.env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new UsageError(`log level "${level}": one of ${LOG_LEVELS.join(', ')}`, `breakerbox ${command} --help`);
  try {
    return createLogger(level, undefined, chooseLogFormat(text(values, 'log-format') ?? process.env.LOG_FORMAT));
  } catch (err) {
    throw new UsageError((err as Error).message, `breakerbox ${command} --help`);
  }
}

/** --port (or $PORT for the HTTP port), checked. */
function portOption(command: string, values: Values, env?: string): number | undefined {
  const raw = text(values, 'port') ?? env;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) throw new UsageError(`--port wants a port number (0-65535), not "${raw}"`, `breakerbox ${command} --help`);
  return port;
}

function serviceOf(values: Values) {
  return { url: text(values, 'url') ?? process.env.BREAKERBOX_URL ?? 'http://127.0.0.1:8080', token: text(values, 'token') ?? process.env.BREAKERBOX_TOKEN };
}

/** Prints a talking command's answer: a usage problem (exit 64) with where to look. */
function print(command: string, { output, code }: { output: string; code: number }): number {
  if (code === 0) console.log(output);
  else console.error(code === 64 ? `${output} (see breakerbox ${command} --help)` : output);
  return code;
}

async function operator(command: 'drain' | 'hold' | 'release' | 'reload', node: string | undefined, values: Values): Promise<number> {
  return print(command, await operatorCommand(command, node, { ...serviceOf(values), pool: text(values, 'pool'), mode: text(values, 'mode'), reason: text(values, 'reason') }));
}

async function alerts(command: 'alerts' | 'ack' | 'silence' | 'silences' | 'unsilence' | 'maintenance', arg: string | undefined, values: Values): Promise<number> {
  return print(command, await alertsCommand(command, arg, { ...serviceOf(values), reason: text(values, 'reason'), state: text(values, 'state'), match: text(values, 'match'), for: text(values, 'for') }));
}

async function whatIf(values: Values): Promise<number> {
  const pick = (name: string) => text(values, name);
  return print('what-if', await whatIfCommand({
    ...serviceOf(values), pdu: pick('pdu'), bank: pick('bank'), outlet: pick('outlet'), ups: pick('ups'), feed: pick('feed'), site: pick('site'), row: pick('row'), rack: pick('rack'), json: values.json === true,
  }));
}

async function incidents(command: StatusCommand, arg: string | undefined, values: Values): Promise<number> {
  return print(command, await statusCommand(command, arg, { ...serviceOf(values), reason: text(values, 'reason'), state: text(values, 'state'), title: text(values, 'title'), text: text(values, 'text') }));
}

async function runMonitor(configPath: string, values: Values, command = 'run'): Promise<number> {
  const port = portOption(command, values, process.env.PORT);
  const log = logger(command, values);
  const config = loadConfigFile(configPath);
  const database = text(values, 'cluster');
  if (database !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(database)) throw new UsageError('--cluster wants a postgres:// URL', `breakerbox ${command} --help`);
    config.settings.cluster = { ...(config.settings.cluster ?? { lease: 15_000 }), database };
  }
  if (config.settings.cluster) return runClusterMember(config, configPath, log, port);
  const app = await startApp({ config, configPath, log, ...(port !== undefined ? { port } : {}) });
  return serveUntilSignalled(app, config);
}

/** One process of a cluster: stands by, or controls; a lost lease ends it (ClusterProcess exits). */
async function runClusterMember(config: Config, configPath: string, log: Logger, port: number | undefined): Promise<number> {
  const member = await ClusterProcess.start({
    config, configPath, log, ...(port !== undefined ? { port } : {}),
    onController: (app, epoch) => {
      console.log(`Breakerbox is the cluster's controller (epoch ${epoch}), watching ${config.pdus.length} PDUs and ${config.nodes.length} nodes. Wall: ${app.url}/`);
      process.on('SIGHUP', () => { void app.reloader.reloadNow('signal'); });
    },
  });
  console.log(`Breakerbox ${member.name} joined the cluster at ${member.url}/: standing by until it holds the controller lease.`);
  await untilSignalled();
  await member.stop();
  return 0;
}

async function runDemo(values: Values): Promise<number> {
  const size = text(values, 'size');
  if (size !== undefined && values.haproxy) throw new UsageError('--size and --haproxy: one or the other', 'breakerbox demo --help');
  if (text(values, 'haproxy-port') !== undefined && !values.haproxy) throw new UsageError('--haproxy-port goes with --haproxy', 'breakerbox demo --help');
  if (values.haproxy) return demoWithHaproxy(values);
  if (size === undefined) return runMonitor(demoConfigPath(), values, 'demo');
  let pdus: number;
  try {
    pdus = parseSize(size);
  } catch (err) {
    throw new UsageError((err as Error).message, 'breakerbox demo --help');
  }
  const port = portOption('demo', values, process.env.PORT);
  const log = logger('demo', values);
  const config = largeSiteConfig({ pdus, stateDir: `var/scale-${pdus}` });
  const app = await startApp({ config, log, ...(port !== undefined ? { port } : {}) });
  return serveUntilSignalled(app, config);
}

async function serveUntilSignalled(app: Awaited<ReturnType<typeof startApp>>, config: Config): Promise<number> {
  console.log(`Breakerbox is watching ${config.pdus.length} PDUs and ${config.nodes.length} nodes${config.settings.simulate ? ' (simulated)' : ''}. Wall: ${app.url}/`);
  process.on('SIGHUP', () => { void app.reloader.reloadNow('signal'); });
  await untilSignalled();
  await app.stop();
  return 0;
}

async function runSimulator(file: string, values: Values): Promise<number> {
  const port = portOption('sim', values) ?? 8081;
  const log = logger('sim', values);
  let config: Config = loadConfigFile(file);
  const shard = text(values, 'shard');
  if (shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shard);
    if (!m) throw new UsageError(`--shard wants I/N (e.g. 2/4), not "${shard}"`, 'breakerbox sim --help');
    config = shardOf(config, Number(m[1]) - 1, Number(m[2]));
  }
  const sim = new Simulator(config, { log: log.child({ module: 'sim' }) });
  await sim.start();
  const app = express().use(express.json()).use('/api/sim', simRoutes({
    injectFault: (s) => sim.injectFault(s), clearFault: (id) => sim.clearFault(id), clearAllFaults: () => sim.clearAllFaults(),
    faults: () => sim.faults(), isFaultError: (e) => e instanceof SimFaultError, answerStats: () => sim.answerStats(),
  }, () => {}));
  const server = app.listen(port, '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => { server.once('listening', resolve); server.once('error', reject); });
  } catch (err) {
    await sim.stop();
    throw isAddressInUse(err) ? new PortInUseError('HTTP', 'tcp', '127.0.0.1', port) : err;
  }
  console.log(`Simulating ${config.pdus.length} PDUs and ${config.nodes.length} nodes. Faults: POST http://127.0.0.1:${port}/api/sim/faults`);
  await untilSignalled();
  server.close();
  await sim.stop();
  return 0;
}

/**
 * The demo with its "scanners" pool behind a real, local HAProxy: the simulated nodes serve HTTP, the
 * pool's backend becomes that HAProxy's runtime API, and HAProxy is stopped whatever happens.
 */
async function demoWithHaproxy(values: Values): Promise<number> {
  const frontendFlag = text(values, 'haproxy-port');
  const frontendPort = frontendFlag === undefined ? DEFAULT_FRONTEND_PORT : Number(frontendFlag);
  if (!Number.isInteger(frontendPort) || frontendPort < 1 || frontendPort > 65_535) throw new UsageError(`--haproxy-port: not a port: ${frontendFlag}`, 'breakerbox demo --help');
  const port = portOption('demo', values, process.env.PORT);
  const log = logger('demo', values);
  const bin = findHaproxy();
  if (!bin) {
    console.error(`breakerbox: demo --haproxy needs HAProxy.\n${HAPROXY_INSTALL_HINT}`);
    return 69; // EX_UNAVAILABLE
  }
  const demo = loadConfigFile(demoConfigPath());
  const httpPort = demo.settings.simulatorHttpPort ?? DEFAULT_NODE_HTTP_PORT;
  const pool = 'scanners';
  const servers = poolServers(demo, pool, httpPort);
  // From here on a signal ends the demo cleanly, even one that arrives while things start.
  const signalled = untilSignalled();
  let hx: Awaited<ReturnType<typeof startLocalHaproxy>>;
  try {
    hx = await startLocalHaproxy({ bin, servers, backend: pool, frontendPort, log });
  } catch (err) {
    console.error(`breakerbox: cannot start HAProxy: ${(err as Error).message}`);
    return 1;
  }
  try {
    const config = withLocalHaproxy(demo, { pool, socketPath: hx.socketPath, httpPort });
    // No configPath: a reload re-reading the demo file would put the pool back on its file backend.
    const app = await startApp({ config, log, ...(port !== undefined ? { port } : {}) });
    try {
      console.log(`Breakerbox is watching ${config.pdus.length} PDUs and ${config.nodes.length} nodes (simulated). Wall: ${app.url}/`);
      console.log(`HAProxy (${bin}, pid ${hx.pid()}) serves pool ${pool} at ${hx.frontendUrl} — ${servers.length} servers, runtime API ${hx.socketPath}`);
      console.log(`Try: curl ${hx.frontendUrl} ; then trip bank 1 of dal3-r07-a on the wall and scan-057..scan-076 go to maint.`);
      process.on('SIGHUP', () => { void app.reloader.reloadNow('signal'); });
      await signalled;
    } finally {
      await app.stop();
    }
  } finally {
    await hx.stop();
  }
  return 0;
}

function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
