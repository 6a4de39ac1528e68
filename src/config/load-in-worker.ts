// The reload's way to read a config: off the main thread, bounded in time and memory, so a large
// or hostile file can neither stall the running monitor nor take it down.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads.js';
import { ConfigError, maxConfigBytes } from './load-config.js';
import { PARSE_WORKER_KIND, type ParseReply, type ParseRequest } from './parse-worker.js';
import type { Config } from './schema.js';

/** Longer than an 8 MiB file takes on a busy machine; a parse that runs past it is stopped. */
export const DEFAULT_PARSE_TIMEOUT_MS = 60_000;
/** Heap for the worker: an 8 MiB file needs a few hundred MB parsed; more is refused, not fatal. */
const WORKER_HEAP_MB = 1_024;

export interface LoadInWorkerOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

/** Reads and validates `file` in a worker thread. Rejects only with ConfigError (timeout and a dead worker included). */
export async function loadConfigInWorker(file: string, options: LoadInWorkerOptions = {}): Promise<Config> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  const request: ParseRequest = { kind: PARSE_WORKER_KIND, file, maxBytes: options.maxBytes ?? maxConfigBytes() };
  const refused = (message: string, code: ConfigError['code'] = 'BB_ERR_CONFIG') => new ConfigError([{ file, line: null, path: '', message }], code);
  let worker: Worker;
  try {
    worker = startParseWorker(request);
  } catch (err) {
    throw refused(`cannot start the config reader: ${(err as Error).message}`);
  }
  const reply = await new Promise<ParseReply | ConfigError>((resolve) => {
    let settled = false;
    const settle = (value: ParseReply | ConfigError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => settle(refused(`not read within ${Math.round(timeoutMs / 1000)} s: too large or too complex`, 'BB_ERR_CONFIG_TIMEOUT')), timeoutMs);
    worker.once('message', (m: ParseReply) => settle(m));
    worker.once('error', (err) => settle(refused(/ERR_WORKER_OUT_OF_MEMORY/.test(String((err as { code?: string }).code))
      ? 'reading it needs more memory than a configuration may (is it a configuration?)'
      : `the config reader failed: ${err.message}`)));
    worker.once('exit', (code) => settle(refused(`the config reader stopped (exit ${code}) before answering`)));
  });
  void worker.terminate();
  if (reply instanceof ConfigError) throw reply;
  if (!reply.ok) throw new ConfigError(reply.problems, reply.code);
  return reply.config;
}

function startParseWorker(workerData: ParseRequest): Worker {
  return startWorker(import.meta.url, 'parse-worker', { workerData, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
}
