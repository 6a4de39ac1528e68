// Every profile file is registered, and names are unique: adding a vendor cannot be half done.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { profiles } from '../src/profiles/index.js';
import type { Profile } from '../src/profiles/profile.js';

const INFRASTRUCTURE = new Set(['index', 'profile', 'decode', 'read-device', 'detect']);
const isProfile = (x: unknown): x is Profile =>
  typeof x === 'object' && x !== null && 'name' in x && 'vendor' in x && 'detect' in x && 'identity' in x;

describe('profile registry', () => {
  it('registers every profile defined in src/profiles', async () => {
    // The profiles as this test runs them: compiled (dist/src/profiles) or from source under tsx.
    const index = fileURLToPath(import.meta.resolve('../src/profiles/index.js'));
    const dir = dirname(index);
    const ext = extname(index);
    const files = readdirSync(dir).filter((f) => f.endsWith(ext) && !INFRASTRUCTURE.has(basename(f, ext)));
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
