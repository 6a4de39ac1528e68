import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { configSchema, type Config } from './schema.js';
import { checkReferences } from './references.js';

/**
 * Largest configuration file read. A real site's config is well under 1 MiB; reading and parsing
 * costs about 2 s of CPU per MiB, so a bigger file is refused before it is read. The environment
 * variable BREAKERBOX_MAX_CONFIG_BYTES raises (or lowers) the limit.
 */
export const DEFAULT_MAX_CONFIG_BYTES = 8 * 1024 * 1024;
/** YAML aliases expanded at most this often (yaml's maxAliasCount): a "billion laughs" file is refused, not expanded. */
export const MAX_YAML_ALIASES = 100;
/** At most this many problems are listed; the rest are counted. */
const MAX_PROBLEMS = 50;

/** One problem in a configuration file, located for a human: file, line, key path. */
export interface ConfigProblem {
  file: string;
  line: number | null;
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly problems: ConfigProblem[],
    readonly code: 'BB_ERR_CONFIG' | 'BB_ERR_CONFIG_TOO_LARGE' | 'BB_ERR_CONFIG_ALIASES' | 'BB_ERR_CONFIG_TIMEOUT' = 'BB_ERR_CONFIG',
  ) {
    const shown = problems.slice(0, MAX_PROBLEMS).map(formatProblem);
    if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more problems`);
    super(shown.join('\n'));
    this.name = 'ConfigError';
  }
}

/** The size limit in force: BREAKERBOX_MAX_CONFIG_BYTES when set, else 8 MiB. */
export function maxConfigBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BREAKERBOX_MAX_CONFIG_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_MAX_CONFIG_BYTES;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new ConfigError([{ file: 'BREAKERBOX_MAX_CONFIG_BYTES', line: null, path: '', message: `"${raw.slice(0, 40)}" is not a positive number of bytes` }]);
  }
  return n;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === null ? p.file : `${p.file}:${p.line}`;
  return `${where}: ${p.path || '(top level)'}: ${p.message}`;
}

/** "pools[0].members[3]" from ["pools", 0, "members", 3]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Reads and validates a config file (blocking: see load-in-worker.ts for reloads). Throws only ConfigError. */
export function loadConfigFile(file: string, maxBytes: number = maxConfigBytes()): Config {
  return parseConfigText(readConfigText(file, maxBytes), file);
}

/** The file's text, refused unread when larger than `maxBytes` (also a pipe or device that never ends). */
export function readConfigText(file: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new ConfigError([{ file, line: null, path: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  try {
    const tooLarge = (size: number | null) => new ConfigError([{
      file, line: null, path: '',
      message: `the file is ${size === null ? 'larger than' : `${formatBytes(size)}, more than`} the limit of ${formatBytes(maxBytes)} (BREAKERBOX_MAX_CONFIG_BYTES sets another)`,
    }], 'BB_ERR_CONFIG_TOO_LARGE');
    const { size, isFile } = statOf(fd);
    if (isFile && size > maxBytes) throw tooLarge(size);
    // Read at most one byte past the limit, whatever the file claims to be.
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes, isFile ? size : maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw tooLarge(null);
      if (length === buffer.length) break;
    }
    return buffer.toString('utf8', 0, length);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([{ file, line: null, path: '', message: `cannot read: ${(err as Error).message}` }]);
  } finally {
    closeSync(fd);
  }
}

function statOf(fd: number): { size: number; isFile: boolean } {
  const st = fstatSync(fd);
  return { size: st.size, isFile: st.isFile() };
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** Parses and validates YAML text; every problem names the file, the line and the key path. Throws only ConfigError. */
export function parseConfigText(text: string, file: string): Config {
  try {
    return parseAndValidate(text, file);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // A parser or validator failure on hostile input (e.g. nesting deep enough to exhaust the stack) is still a refused file.
    throw new ConfigError([{ file, line: null, path: '', message: `cannot be read as a configuration: ${(err as Error).message ?? String(err)}` }]);
  }
}

function parseAndValidate(text: string, file: string): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({
      file,
      line: lineCounter.linePos(e.pos[0]).line,
      path: '',
      message: e.message.split('\n')[0] ?? e.message,
    })));
  }
  const lineOf = (path: readonly PropertyKey[]) => locate(doc, lineCounter, path);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new ConfigError([{
      file, line: firstAliasLine(doc, lineCounter), path: '',
      message: `its aliases expand more than ${MAX_YAML_ALIASES} times (an alias bomb?): write the values out, or use fewer aliases`,
    }], 'BB_ERR_CONFIG_ALIASES');
  }
  const parsed = configSchema.safeParse(data ?? {});
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({
      file,
      line: lineOf(issue.path),
      path: formatPath(issue.path),
      message: issue.message,
    })));
  }
  const problems = [...checkReferences(parsed.data), ...checkTimezone(parsed.data)].map((r) => ({
    file, line: lineOf(r.path), path: formatPath(r.path), message: r.message,
  }));
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

/** node-cron throws on an unknown zone only when the schedule starts: refuse it here, with its line. */
function checkTimezone(config: Config): { path: (string | number)[]; message: string }[] {
  const zone = config.settings.reload.timezone;
  if (zone === undefined) return [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return [];
  } catch {
    return [{ path: ['settings', 'reload', 'timezone'], message: `"${zone}" is not a time zone (e.g. "UTC", "America/Chicago")` }];
  }
}

function firstAliasLine(doc: Document, counter: LineCounter): number | null {
  let line: number | null = null;
  visit(doc, {
    Alias(_key, node) {
      if (node.range) line = counter.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}

/** Line of the deepest node that exists along the path (a missing key points at its parent). */
function locate(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return null;
}
