// Reads, parses and validates a config file in a worker thread (see load-in-worker.ts): a large
// file costs seconds of CPU that must not stall polls, traps and the wall on the main thread.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ConfigError, loadConfigFile, type ConfigProblem } from './load-config.js';
import type { Config } from './schema.js';

export const PARSE_WORKER_KIND = 'breakerbox-config-parse';

export interface ParseRequest {
  kind: typeof PARSE_WORKER_KIND;
  file: string;
  maxBytes: number;
}

/** What the worker posts back: plain data, structured-cloned once. */
export type ParseReply =
  | { ok: true; config: Config }
  | { ok: false; problems: ConfigProblem[]; code: ConfigError['code'] };

export function parseInThisThread(request: ParseRequest): ParseReply {
  try {
    return { ok: true, config: loadConfigFile(request.file, request.maxBytes) };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, problems: err.problems, code: err.code };
    return { ok: false, code: 'BB_ERR_CONFIG', problems: [{ file: request.file, line: null, path: '', message: `cannot be read: ${(err as Error).message}` }] };
  }
}

if (!isMainThread && parentPort && (workerData as { kind?: unknown } | null)?.kind === PARSE_WORKER_KIND) {
  parentPort.postMessage(parseInThisThread(workerData as ParseRequest));
}
