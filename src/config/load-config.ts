import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { configSchema, type Config } from './schema.js';
import { checkReferences } from './references.js';

/** One problem in a configuration file, located for a human: file, line, key path. */
export interface ConfigProblem {
  file: string;
  line: number | null;
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly code = 'BB_ERR_CONFIG';
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
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

export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, line: null, path: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseConfigText(text, file);
}

/** Parses and validates YAML text; every problem names the file, the line and the key path. */
export function parseConfigText(text: string, file: string): Config {
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
  const parsed = configSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({
      file,
      line: lineOf(issue.path),
      path: formatPath(issue.path),
      message: issue.message,
    })));
  }
  const problems = checkReferences(parsed.data).map((r) => ({
    file, line: lineOf(r.path), path: formatPath(r.path), message: r.message,
  }));
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

/** Line of the deepest node that exists along the path (a missing key points at its parent). */
function locate(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return null;
}
