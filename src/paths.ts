import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (where package.json is), from source or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the breakerbox package root');
    dir = up;
  }
  return dir;
}

export const demoConfigPath = (): string => join(packageRoot(), 'examples', 'dallas-3.yaml');
export const wallDir = (): string => join(packageRoot(), 'dashboards', 'wall');
