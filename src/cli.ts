#!/usr/bin/env node
// The `breakerbox` command. Its subcommands, with their help, are the table in cli-commands.ts;
// here only how a failure ends the process: one line, a distinct exit code, never a stack trace.
import { EXIT_USAGE, UsageError } from './cli-help.js';
import { main } from './cli-commands.js';
import { ConfigError } from './config/load-config.js';
import { EXIT_HELD, heldMessage } from './held.js';

/** What a command that threw prints, and its exit code. */
function failure(err: unknown): number {
  if (err instanceof UsageError) {
    console.error(err.line());
    return EXIT_USAGE;
  }
  // Another Breakerbox holds a port or the database: what, by whom, what to do.
  const held = heldMessage(err);
  if (held) {
    console.error(held);
    return EXIT_HELD;
  }
  if (err instanceof ConfigError) {
    console.error(err.message);
    return 2;
  }
  // One line, never a stack trace: set LOG_LEVEL=debug to see where it came from.
  console.error(`breakerbox: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(err);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => process.exit(failure(err)),
);
