// How a test starts Breakerbox's own command or a helper script in a child process. The tests run
// compiled (dist/test, after `tsc`), so a child runs the compiled JavaScript too: no loader to start.
// A test run from source (`node --import tsx --test test/x.test.ts`) starts its children from source.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/paths.js';

const fromSource = import.meta.url.endsWith('.ts');
const TSX = () => pathToFileURL(join(packageRoot(), 'node_modules/tsx/dist/esm/index.mjs')).href;

/** The node arguments that run `breakerbox`: `spawn(process.execPath, [...cli(), 'run', file])`. */
export function cli(): string[] {
  return fromSource ? ['--import', TSX(), join(packageRoot(), 'src/cli.ts')] : [join(packageRoot(), 'dist/src/cli.js')];
}

/** The node arguments that run a helper script next to this one, by its name without extension. */
export function helperScript(name: string): string[] {
  const file = fileURLToPath(new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return fromSource ? ['--import', TSX(), file] : [file];
}
