// The shape of a `breakerbox` subcommand and what is worked out from it: the command line parsed
// strictly against the command's own options, `breakerbox --help`, `breakerbox CMD --help`, and the
// one-line usage errors. A command cannot exist without its usage, options' help and an example.
import { parseArgs } from 'node:util';

export type Values = Record<string, string | boolean | undefined>;

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in the help (string options): `--pool POOL`. */
  value?: string;
  help: string;
}

export interface Command {
  name: string;
  /** Its operands as the help writes them: `NODE`, `[CONFIG]` (bracketed: optional). */
  operands?: string;
  /** The options that matter, as the usage line writes them: `--pool POOL --reason TEXT`. */
  synopsis?: string;
  /** One line for the command list. */
  summary: string;
  /** More of what it does, for its own help. */
  details?: string[];
  options: Record<string, OptionSpec>;
  /** Whole command lines, `breakerbox …`: at least one. */
  examples: string[];
  run(operands: string[], values: Values): Promise<number>;
}

/** A command line that cannot run: one line, with where to look (`breakerbox --help`, or the command's). */
export class UsageError extends Error {
  constructor(message: string, readonly hint = 'breakerbox --help') {
    super(message);
  }

  line(): string {
    return `breakerbox: ${this.message} (see ${this.hint})`;
  }
}

export const EXIT_USAGE = 64;

export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'this help' };

export type Parsed =
  | { help: true; command: Command | null }
  | { help: false; command: Command; operands: string[]; values: Values };

/** `breakerbox CMD …`, or `breakerbox [options]` for `fallback`; `help [CMD]`, `--help` and `-h` ask for help. */
export function parseCommandLine(commands: readonly Command[], argv: readonly string[], fallback = 'run'): Parsed {
  const find = (name: string) => {
    const command = commands.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return command;
  };
  const [first, ...rest] = argv;
  const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');
  if (first === 'help') {
    if (rest.length > 1) throw new UsageError(`help takes one command, not "${rest.join(' ')}"`);
    return { help: true, command: rest[0] === undefined ? null : find(rest[0]) };
  }
  const named = first !== undefined && !first.startsWith('-');
  if (!named && wantsHelp(argv)) return { help: true, command: null };
  const command = find(named ? first : fallback);
  const args = named ? rest : [...argv];
  if (wantsHelp(args)) return { help: true, command };

  const hint = `breakerbox ${command.name} --help`;
  let parsed: { values: Values; positionals: string[] };
  try {
    const options = Object.fromEntries(Object.entries({ ...command.options, help: HELP_OPTION }).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(parseProblem(err, command.name), hint);
  }
  const wanted = (command.operands ?? '').split(' ').filter(Boolean);
  const required = wanted.filter((o) => !o.startsWith('['));
  if (parsed.positionals.length < required.length) throw new UsageError(`${command.name} needs ${required.slice(parsed.positionals.length).join(' ')}`, hint);
  if (parsed.positionals.length > wanted.length) throw new UsageError(`${command.name}: unexpected argument "${parsed.positionals[wanted.length]}"`, hint);
  return { help: false, command, operands: parsed.positionals, values: parsed.values };
}

/** node:util's parse errors, said in one short line. */
function parseProblem(err: unknown, command: string): string {
  const message = (err as Error).message ?? String(err);
  const option = /'(?:-\w, )?(-[-\w]+)/.exec(message)?.[1] ?? '';
  const code = (err as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option} for ${command}`;
  if (/argument missing|ambiguous/.test(message)) return `option ${option} needs a value`;
  if (/does not take an argument/.test(message)) return `option ${option} takes no value`;
  return message.split('. ')[0]!;
}

export function usageLine(c: Command): string {
  return [c.name, c.operands, c.synopsis].filter(Boolean).join(' ');
}

/** `breakerbox --help`: every command with its one-line summary. */
export function overview(commands: readonly Command[], footer: string[] = []): string {
  const heads = commands.map((c) => [c.name, c.operands].filter(Boolean).join(' '));
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return [
    'Usage: breakerbox <command> [options]   (no command: run)',
    '',
    'Commands:',
    ...commands.map((c, i) => `  ${heads[i]!.padEnd(width)}${c.summary}`),
    '',
    'breakerbox <command> --help (or breakerbox help <command>): its options and an example.',
    ...footer,
  ].join('\n');
}

/** `breakerbox CMD --help`: usage, what it does, every option, examples. */
export function commandHelp(c: Command): string {
  const options = Object.entries({ ...c.options, help: HELP_OPTION }).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return [flag, o.help] as const;
  });
  const width = Math.max(...options.map(([flag]) => flag.length)) + 2;
  return [
    `Usage: breakerbox ${usageLine(c)}`,
    '',
    c.summary,
    ...(c.details ?? []),
    '',
    'Options:',
    ...options.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`),
    '',
    c.examples.length === 1 ? 'Example:' : 'Examples:',
    ...c.examples.map((e) => `  ${e}`),
  ].join('\n');
}
