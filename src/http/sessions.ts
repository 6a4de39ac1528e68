import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';

/** The wall's login cookie. Its value is a random session id, never the token. */
export const SESSION_COOKIE = 'bb_session';

interface Session { name: string; fingerprint: string; expiresAt: number }

/** A token as configured: a session lives only while a token of its name with the same value does. */
export interface NamedToken { name: string; token: string }

/**
 * Wall logins, in memory: a restart logs everyone out. A session remembers the token's name and a hash
 * of its value, so rotating or removing a token by reload ends the sessions made with it.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly clock: Clock, private readonly max = 1_000) {}

  create(token: NamedToken, lifetimeMs: number): { id: string; expiresAt: number } {
    this.sweep();
    // Bounded: the oldest login goes first (only holders of a valid token can create one).
    while (this.sessions.size >= this.max) this.sessions.delete(this.sessions.keys().next().value as string);
    const id = randomBytes(32).toString('base64url');
    const expiresAt = this.clock.now() + lifetimeMs;
    this.sessions.set(id, { name: token.name, fingerprint: fingerprint(token.token), expiresAt });
    return { id, expiresAt };
  }

  /** The token name behind a live session, or null (unknown, expired, or its token changed). */
  lookup(id: string, tokens: readonly NamedToken[]): string | null {
    const s = this.sessions.get(id);
    if (!s) return null;
    if (s.expiresAt <= this.clock.now() || !tokens.some((t) => t.name === s.name && fingerprint(t.token) === s.fingerprint)) {
      this.sessions.delete(id);
      return null;
    }
    return s.name;
  }

  revoke(id: string): boolean {
    return this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}

function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The session id in a Cookie header, if any. */
export function sessionFromCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
