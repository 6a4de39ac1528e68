// A child process running `breakerbox demo --size N` as a test needs it: the generated site, simulated,
// on free ports with a state folder of its own, so its first polls of thousands of devices run on the
// other core beside the test's own work. argv[2]: PDUs. Prints one JSON line {url} once it serves;
// stops, and removes its folder, on SIGTERM.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../src/app.js';
import { largeSiteConfig } from '../../src/demo/large-site.js';
import { freeUdpPort } from './ports.js';

const pdus = Number(process.argv[2]);
const stateDir = await mkdtemp(join(tmpdir(), 'breakerbox-large-site-'));
const config = largeSiteConfig({ pdus, stateDir, agentPort: await freeUdpPort(), trapPort: await freeUdpPort(), httpPort: 0 });
const app = await startApp({ config, stateDir, logLevel: process.env.LOG_LEVEL ?? 'silent', simulate: true, port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: app.url })}\n`);
process.once('SIGTERM', () => {
  void app.stop().finally(() => rm(stateDir, { recursive: true, force: true })).finally(() => process.exit(0));
});
