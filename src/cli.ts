#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { alertsCommand } from './alerts/alerts-cli.js';
import express from 'express';
import { startApp } from './app.js';
import { ConfigError, loadConfigFile } from './config/load-config.js';
import { DatabaseLockedError } from './drain/drain-store.js';
import type { Config } from './config/schema.js';
import {
  DEFAULT_FRONTEND_PORT, DEFAULT_NODE_HTTP_PORT, HAPROXY_INSTALL_HINT, findHaproxy, poolServers, startLocalHaproxy, withLocalHaproxy,
} from './demo/local-haproxy.js';
import { largeSiteConfig, parseSize } from './demo/large-site.js';
import { simRoutes } from './http/sim-routes.js';
import { createLogger } from './log.js';
import { demoConfigPath } from './paths.js';
import { credentialsFromFlags, probe, PROBE_NO_PROFILE } from './probe/probe.js';
import { operatorCommand } from './operator-cli.js';
import { SimFaultError, Simulator } from './sim/simulator.js';
import { shardOf } from './sim/shard.js';

const USAGE = `Usage: breakerbox <command> [options]

Commands:
  run [CONFIG]          Monitor and drain. Without CONFIG: the Dallas 3 demo, simulated.
  demo                  Same as "run" with the demo data center.
                        --size large|medium|N: a generated site of N PDUs (large:
                        1000) and ten servers per PDU, simulated.
                        --haproxy: route the "scanners" pool through a local HAProxy
                        (frontend http://127.0.0.1:8090/, --haproxy-port N): each
                        simulated scanner serves HTTP; drains set its server to maint.
  drain NODE --pool P --reason R       Take NODE out of pool P by hand (re-admitted at a reload).
  hold NODE --pool P [--mode out|in] --reason R
                        Pin NODE out of (or in) pool P: Breakerbox never changes it.
  release NODE --pool P [--reason R]   Remove an operator's hold.
  reload [--reason R]   Reload now.
  alerts [--state S]    Active alerts (S: pending,firing,resolved,muted).
  ack ID --reason R     Acknowledge alert ID: muted, and the receivers it paged are told.
  silence --match K=V[,K=V] --for 2h --reason R
                        Mute alerts matching every K=V (rule, subject, site, row,
                        rack, pdu, node, pool) for a while; unsilence ID ends it.
  silences              The silences in force.
  maintenance           The maintenance windows: in force, then the next of each.
                        These talk to a running Breakerbox: --url (default
                        $BREAKERBOX_URL or http://127.0.0.1:8080), --token (or
                        $BREAKERBOX_TOKEN).
  sim [CONFIG]          Only the simulated PDUs and nodes of CONFIG (default: the demo),
                        with their fault switches on --port (default 8081).
                        --shard I/N: only the I-th of N shares of its power domains
                        (run N of them, on N ports, to spread a large site over processes).
  check-config FILE     Validate FILE; exit 2 with file:line and key path on a problem.
                        Files over 8 MiB are refused unread ($BREAKERBOX_MAX_CONFIG_BYTES
                        sets another limit); YAML aliases expand at most 100 times.
  probe HOST[:PORT]     Detect a PDU/UPS/ATS and print its normalized reading.
                        --community C (default public), --v1, or v3: --user U
                        [--level L] [--auth-protocol sha256 --auth-key K]
                        [--priv-protocol aes --priv-key K] [--context C];
                        --profile NAME (default: detect), --json. Exit 3: it
                        answers but no vendor profile matched (what its system
                        group says is printed).

Options:
  --port N              HTTP port (default: settings.http.port, or $PORT)
  --log-level LEVEL     pino level (default: info, or $LOG_LEVEL)
  -h, --help            This help.

Signals: SIGHUP reloads now (re-reads CONFIG, re-admits drained nodes whose power is back).`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      port: { type: 'string' }, 'log-level': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      community: { type: 'string' }, v1: { type: 'boolean' }, user: { type: 'string' }, level: { type: 'string' },
      'auth-protocol': { type: 'string' }, 'auth-key': { type: 'string' }, 'priv-protocol': { type: 'string' }, 'priv-key': { type: 'string' },
      context: { type: 'string' }, profile: { type: 'string' }, json: { type: 'boolean' }, timeout: { type: 'string' },
      url: { type: 'string' }, token: { type: 'string' }, pool: { type: 'string' }, mode: { type: 'string' }, reason: { type: 'string' },
      state: { type: 'string' }, match: { type: 'string' }, for: { type: 'string' },
      haproxy: { type: 'boolean' }, 'haproxy-port': { type: 'string' }, size: { type: 'string' }, shard: { type: 'string' },
    },
  });
  const [command = 'run', file] = positionals;
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const log = createLogger(values['log-level']);
  const port = values.port ?? process.env.PORT;
  /** A running Breakerbox, for the commands that talk to one. */
  const service = { url: values.url ?? process.env.BREAKERBOX_URL ?? 'http://127.0.0.1:8080', token: values.token ?? process.env.BREAKERBOX_TOKEN };

  switch (command) {
    case 'check-config': {
      if (!file) return usage('check-config needs a FILE');
      const config = loadConfigFile(file);
      console.log(`${file}: ok (${config.pdus.length} PDUs, ${config.nodes.length} nodes, ${config.pools.length} pools, ${config.services.length} services)`);
      return 0;
    }
    case 'probe': {
      if (!file) return usage('probe needs HOST[:PORT]');
      const { output, code } = await probe({
        target: file, credentials: credentialsFromFlags(values), json: values.json ?? false,
        ...(values.profile ? { profile: values.profile } : {}), ...(values.timeout ? { timeoutMs: Number(values.timeout) } : {}),
        progress: (what) => { if (process.stderr.isTTY) process.stderr.write(`${what}\n`); },
      });
      // What a device without a profile says of itself is the answer, not an error.
      (code === 0 || code === PROBE_NO_PROFILE ? console.log : console.error)(output);
      return code;
    }
    case 'drain':
    case 'hold':
    case 'release':
    case 'reload': {
      const { output, code } = await operatorCommand(command, file, { ...service, pool: values.pool, mode: values.mode, reason: values.reason });
      (code === 0 ? console.log : console.error)(output);
      return code;
    }
    case 'alerts':
    case 'ack':
    case 'silence':
    case 'silences':
    case 'unsilence':
    case 'maintenance': {
      const { output, code } = await alertsCommand(command, file, { ...service, reason: values.reason, state: values.state, match: values.match, for: values.for });
      (code === 0 ? console.log : console.error)(output);
      return code;
    }
    case 'run':
    case 'demo': {
      const configPath = command === 'demo' ? demoConfigPath() : file ?? demoConfigPath();
      if (values.size !== undefined && command !== 'demo') return usage('--size goes with "demo"');
      if (values.size !== undefined && values.haproxy) return usage('--size and --haproxy: one or the other');
      if (values.haproxy || values['haproxy-port'] !== undefined) {
        if (command === 'run' && file) return usage('--haproxy runs the demo data center only: "breakerbox demo --haproxy"');
        if (!values.haproxy) return usage('--haproxy-port goes with --haproxy');
        return demoWithHaproxy(configPath, values['haproxy-port'], port, log);
      }
      let size: number | null = null;
      try {
        size = values.size === undefined ? null : parseSize(values.size);
      } catch (err) {
        return usage((err as Error).message);
      }
      const config = size === null ? loadConfigFile(configPath) : largeSiteConfig({ pdus: size, stateDir: `var/scale-${size}` });
      const app = await startApp({ config, ...(size === null ? { configPath } : {}), log, ...(port ? { port: Number(port) } : {}) });
      console.log(`Breakerbox is watching ${config.pdus.length} PDUs and ${config.nodes.length} nodes${config.settings.simulate ? ' (simulated)' : ''}. Wall: ${app.url}/`);
      process.on('SIGHUP', () => { void app.reloader.reloadNow('signal'); });
      await untilSignalled();
      await app.stop();
      return 0;
    }
    case 'sim': {
      let config: Config = loadConfigFile(file ?? demoConfigPath());
      if (values.shard !== undefined) {
        const m = /^(\d+)\/(\d+)$/.exec(values.shard);
        if (!m) return usage(`--shard wants I/N (e.g. 2/4), not "${values.shard}"`);
        config = shardOf(config, Number(m[1]) - 1, Number(m[2]));
      }
      const sim = new Simulator(config, { log: log.child({ module: 'sim' }) });
      await sim.start();
      const app = express().use(express.json()).use('/api/sim', simRoutes({
        injectFault: (s) => sim.injectFault(s), clearFault: (id) => sim.clearFault(id), clearAllFaults: () => sim.clearAllFaults(),
        faults: () => sim.faults(), isFaultError: (e) => e instanceof SimFaultError, answerStats: () => sim.answerStats(),
      }, () => {}));
      const server = app.listen(Number(port ?? 8081), '127.0.0.1');
      console.log(`Simulating ${config.pdus.length} PDUs and ${config.nodes.length} nodes. Faults: POST http://127.0.0.1:${port ?? 8081}/api/sim/faults`);
      await untilSignalled();
      server.close();
      await sim.stop();
      return 0;
    }
    default:
      return usage(`unknown command "${command}"`);
  }
}

/**
 * The demo with its "scanners" pool behind a real, local HAProxy: the simulated nodes serve HTTP, the
 * pool's backend becomes that HAProxy's runtime API, and HAProxy is stopped whatever happens.
 */
async function demoWithHaproxy(configPath: string, frontendPortFlag: string | undefined, port: string | undefined, log: ReturnType<typeof createLogger>): Promise<number> {
  const frontendPort = frontendPortFlag === undefined ? DEFAULT_FRONTEND_PORT : Number(frontendPortFlag);
  if (!Number.isInteger(frontendPort) || frontendPort < 1 || frontendPort > 65_535) return usage(`--haproxy-port: not a port: ${frontendPortFlag}`);
  const bin = findHaproxy();
  if (!bin) {
    console.error(`breakerbox: demo --haproxy needs HAProxy.\n${HAPROXY_INSTALL_HINT}`);
    return 69; // EX_UNAVAILABLE
  }
  const demo = loadConfigFile(configPath);
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
    const app = await startApp({ config, log, ...(port ? { port: Number(port) } : {}) });
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

function usage(problem: string): number {
  console.error(`breakerbox: ${problem}\n\n${USAGE}`);
  return 64;
}

function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    // One process per database: a second one says so in one line and stops.
    if (err instanceof DatabaseLockedError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.exit(usage(err.message));
    }
    // One line, never a stack trace: set LOG_LEVEL=debug to see where it came from.
    console.error(`breakerbox: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(err);
    process.exit(1);
  },
);
