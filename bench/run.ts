// npm run bench [-- --trials N] [--polls N] [--walk-polls N] [--trap-trials N] [--trap-rates R1,R2,…] [--trap-step-ms MS] [--trap-receivers breakerbox,snmptrapd,snmptrapd-stock,node-dgram] [--wall-clients N] [--scale-sizes 16,126,500,1000] [--profile-polls N] [--cluster-kills N] [--only fault-to-drain|pdu-poll-cpu|profiles|headroom|what-if|traps|reconcile|wall|history|scale|cluster]: prints figures measured on this machine, in this run.
import { parseArgs } from 'node:util';
import { faultToDrain } from './fault-to-drain.js';
import { formatPduPollCpu, pduPollCpu } from './pdu-poll-cpu.js';
import { formatProfilesPoll, profilesPoll } from './profiles-poll.js';
import { formatHeadroom, headroomBench } from './headroom.js';
import { formatWhatIfBench, whatIfBench } from './what-if.js';
import { formatReconcile, reconcileBench } from './reconcile.js';
import { formatScale, scaleBench } from './scale.js';
import { clusterBench, formatCluster } from './cluster.js';
import { formatHistory, historyBench } from './history.js';
import { formatWallFanout, wallFanout } from './wall-fanout.js';
import { DEFAULT_RATES, formatTrapLatency, formatTrapThroughput, RECEIVERS, trapLatency, trapThroughput, type ReceiverName } from './traps.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '8' },
    polls: { type: 'string', default: '300' },
    'walk-polls': { type: 'string' },
    'profile-polls': { type: 'string', default: '40' },
    'trap-trials': { type: 'string', default: '50' },
    'trap-rates': { type: 'string' },
    'trap-step-ms': { type: 'string', default: '2000' },
    'trap-receivers': { type: 'string', default: RECEIVERS.join(',') },
    'wall-clients': { type: 'string', default: '200' },
    'scale-sizes': { type: 'string', default: '16,126,500,1000' },
    'cluster-kills': { type: 'string', default: '20' },
    only: { type: 'string' },
  },
});
const trials = Number(values.trials);
const polls = Number(values.polls);
const walkPolls = Number(values['walk-polls'] ?? polls);
const trapTrials = Number(values['trap-trials']);
// --trap-rates '' skips the throughput part, --trap-trials 0 the latency part.
const trapRates = values['trap-rates'] !== undefined ? values['trap-rates'].split(',').filter(Boolean).map(Number) : DEFAULT_RATES;
const trapStepMs = Number(values['trap-step-ms']);
const trapReceivers = values['trap-receivers'].split(',').filter(Boolean) as ReceiverName[];
if (trapReceivers.some((r) => !RECEIVERS.includes(r))) throw new Error(`--trap-receivers: some of ${RECEIVERS.join(', ')}`);
const benches = ['fault-to-drain', 'pdu-poll-cpu', 'profiles', 'headroom', 'what-if', 'traps', 'reconcile', 'wall', 'history', 'scale', 'cluster'];
if (values.only && !benches.includes(values.only)) throw new Error(`--only: one of ${benches.join(', ')}`);
const wanted = (name: string) => !values.only || values.only === name;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

console.log(`Breakerbox benchmarks (node ${process.version}, ${trials} trials)\n`);
if (wanted('fault-to-drain')) {
  for (const traps of [false, true]) {
    const r = await faultToDrain(trials, { traps });
    const mean = r.samplesMs.reduce((a, b) => a + b, 0) / r.samplesMs.length;
    if (traps) console.log('');
    console.log(`fault → drained in the membership file (demo: 16 PDUs, 84 nodes, bank trip of 20 nodes), ${traps ? 'as the demo runs: the PDU announces the trip by trap' : 'traps off: the poll path alone'}`);
    console.log(`  poll interval      ${ms(r.pollIntervalMs)}`);
    console.log(`  min / p50 / max    ${ms(Math.min(...r.samplesMs))} / ${ms(quantile(r.samplesMs, 0.5))} / ${ms(Math.max(...r.samplesMs))}`);
    console.log(`  mean               ${ms(mean)} = ${(mean / r.pollIntervalMs).toFixed(2)} × poll interval${traps ? '' : ' (a fault waits for the next poll: ≈ 0.5 × on average, up to 1 ×)'}`);
    console.log(`  samples            ${r.samplesMs.map((x) => x.toFixed(0)).join(', ')}`);
    console.log(`  fault → page at a webhook receiver: min / p50 / max ${ms(Math.min(...r.pageSamplesMs))} / ${ms(quantile(r.pageSamplesMs, 0.5))} / ${ms(Math.max(...r.pageSamplesMs))} (alerts look 250 ms after power health changes; a story is paged 0.5 s after it fired)`);
  }
}

if (wanted('pdu-poll-cpu')) {
  if (wanted('fault-to-drain')) console.log('');
  console.log(formatPduPollCpu(await pduPollCpu(polls, 30, 10, walkPolls)));
}

if (wanted('profiles')) {
  if (!values.only) console.log('');
  console.log(formatProfilesPoll(await profilesPoll(Number(values['profile-polls']))));
}

if (wanted('headroom')) {
  if (!values.only) console.log('');
  console.log(formatHeadroom(headroomBench(1_000, 2_000)));
}

if (wanted('what-if')) {
  if (!values.only) console.log('');
  console.log(formatWhatIfBench(await whatIfBench(Math.max(10, trials))));
}

if (wanted('traps')) {
  if (!values.only) console.log('');
  if (trapTrials > 0) {
    console.log(formatTrapLatency(await trapLatency(trapTrials, 'in-process')));
    console.log('');
    console.log(formatTrapLatency(await trapLatency(trapTrials, 'own-process')));
  }
  if (trapRates.length > 0) {
    if (trapTrials > 0) console.log('');
    console.log('trap throughput, step by step:');
    console.log(formatTrapThroughput(await trapThroughput({ rates: trapRates, stepMs: trapStepMs, receivers: trapReceivers, log: (line) => console.log(line) })));
  }
}

if (wanted('reconcile')) {
  if (!values.only) console.log('');
  console.log(formatReconcile(await reconcileBench()));
}

if (wanted('wall')) {
  if (!values.only) console.log('');
  console.log(formatWallFanout(await wallFanout(Number(values['wall-clients']), Math.max(3, Math.min(trials, 10)))));
}

if (wanted('history')) {
  if (!values.only) console.log('');
  console.log(formatHistory(await historyBench()));
}

if (wanted('scale')) {
  if (!values.only) console.log('');
  const sizes = values['scale-sizes'].split(',').map(Number);
  const clients = Number(values['wall-clients']);
  console.log(formatScale(await scaleBench({ sizes, clients, trials: Math.max(5, Math.min(trials, 20)), log: (line) => console.error(line) }), clients));
}

if (wanted('cluster')) {
  if (!values.only) console.log('');
  console.log(formatCluster(await clusterBench({ kills: Number(values['cluster-kills']), facts: 200 })));
}
