import pino, { type Logger } from 'pino';

/** Paths that may hold secrets anywhere in a logged object: communities, v3 keys, tokens. */
export const REDACT_PATHS = [
  'community', '*.community', '*.*.community', '*.*.*.community',
  'authKey', '*.authKey', '*.*.authKey', '*.*.*.authKey',
  'privKey', '*.privKey', '*.*.privKey', '*.*.*.privKey',
  'token', '*.token', 'authorization', '*.authorization', '*.headers.authorization',
  'snmp', '*.snmp', '*.*.snmp',
  'communities', '*.communities', '*.*.communities', '*.*.*.communities',
  'users', '*.users', '*.*.users',
  'secret', '*.secret', '*.*.secret', '*.*.*.secret',
  'tokens', '*.tokens', '*.*.tokens',
  'password', '*.password', '*.*.password', '*.*.*.password',
];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** json: one JSON object a line, for machines; pretty: one readable line a record, for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** The format asked for (`--log-format`, else $LOG_FORMAT), else pretty on a terminal and JSON anywhere else. */
export function chooseLogFormat(asked: string | undefined = process.env.LOG_FORMAT, isTTY: boolean = process.stdout.isTTY === true): LogFormat {
  if (asked === undefined || asked === '') return isTTY ? 'pretty' : 'json';
  if ((LOG_FORMATS as readonly string[]).includes(asked)) return asked as LogFormat;
  throw new Error(`log format "${asked}": json or pretty`);
}

/**
 * A logger whose records are redacted before they are written, in either format: the pretty one
 * is made from the JSON line pino has already redacted. With a `destination`, JSON unless
 * `format` says otherwise; without one, stdout in the format `chooseLogFormat` picks.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream, format?: LogFormat): Logger {
  const chosen = format ?? (destination ? 'json' : chooseLogFormat());
  const options = { level, base: { service: 'breakerbox' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (chosen === 'json') return pino(options, destination);
  const out = destination ?? process.stdout;
  const color = !destination && process.stdout.isTTY === true && !process.env.NO_COLOR;
  return pino(options, { write: (line: string) => { out.write(prettyLine(line, { color })); } });
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLORS: Record<number, string> = { 10: '90', 20: '90', 30: '36', 40: '33', 50: '31', 60: '41;97' };
/** Shown in the line's head, or said by every record: not repeated as key=value. */
const HEAD_KEYS = new Set(['level', 'time', 'msg', 'module', 'service', 'pid', 'hostname']);

/**
 * One pino JSON line as a person reads it: `14:08:49.123 WARN  [poller] message key=value …`.
 * A line that is not JSON is passed through; a multi-line message keeps its lines, indented.
 */
export function prettyLine(json: string, options: { color?: boolean } = {}): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = typeof record.level === 'number' ? record.level : 30;
  const name = (LEVEL_NAMES[level] ?? String(record.level)).padEnd(5);
  const head = [
    typeof record.time === 'number' ? clockTime(record.time) : null,
    options.color ? `\x1b[${LEVEL_COLORS[level] ?? '0'}m${name}\x1b[0m` : name,
    typeof record.module === 'string' ? `[${record.module}]` : null,
    typeof record.msg === 'string' ? record.msg.replace(/\n/g, '\n    ') : null,
  ].filter((part) => part !== null);
  const pairs = Object.entries(record).filter(([key]) => !HEAD_KEYS.has(key)).map(([key, value]) => `${key}=${shown(value)}`);
  return `${[...head, ...pairs].join(' ')}\n`;
}

/** Local wall-clock time with milliseconds: the date is the terminal's today. */
function clockTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** A value as key=value shows it: bare when unambiguous, else quoted JSON; an error by its message. */
function shown(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  const error = value as { message?: unknown; stack?: unknown } | null;
  if (typeof error === 'object' && error !== null && typeof error.message === 'string' && typeof error.stack === 'string') return JSON.stringify(error.message);
  return JSON.stringify(value) ?? String(value);
}
