// Every profile file is registered, and names are unique: adding a vendor cannot be half done.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { profiles } from '../src/profiles/index.js';
import type { Profile } from '../src/profiles/profile.js';
import { packageRoot } from '../src/paths.js';

const INFRASTRUCTURE = new Set(['index.ts', 'profile.ts', 'decode.ts', 'read-device.ts', 'detect.ts']);
const isProfile = (x: unknown): x is Profile =>
  typeof x === 'object' && x !== null && 'name' in x && 'vendor' in x && 'detect' in x && 'identity' in x;

describe('profile registry', () => {
  it('registers every profile defined in src/profiles', async () => {
    const dir = join(packageRoot(), 'src', 'profiles');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !INFRASTRUCTURE.has(f));
    assert.ok(files.length >= 1);
    for (const file of files) {
      const module = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
      const defined = Object.values(module).filter(isProfile);
      for (const profile of defined) assert.ok(profiles.includes(profile), `${file}: profile "${profile.name}" is not registered in src/profiles/index.ts`);
    }
  });

  it('profile names are unique, and each says which MIB it was written from', () => {
    const names = profiles.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of profiles) assert.ok(p.mibs.length > 0, `${p.name}: mibs`);
  });
});
