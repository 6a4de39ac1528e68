import { Router } from 'express';
import type { Logger } from 'pino';
import type { Settings } from '../config/schema.js';
import { matchToken } from './access.js';
import { SESSION_COOKIE, sessionFromCookie, type SessionStore } from './sessions.js';

/**
 * The wall's login: a token in, an HttpOnly SameSite=Strict cookie out that holds a random session id
 * (the token itself never goes back to the browser). `ended` closes the live connections of a logout.
 */
export function loginRoutes(settings: () => Settings['api'], sessions: SessionStore, log: Logger, ended: (session: string) => void): Router {
  const r = Router();
  r.post('/login', (req, res) => {
    const token = (req.body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !token.trim()) {
      res.status(400).json({ error: 'send {"token": "…"}', code: 'BB_ERR_BAD_REQUEST' });
      return;
    }
    const s = settings();
    const match = matchToken(s.tokens, token.trim());
    if (!match) {
      log.warn({ from: req.socket.remoteAddress }, 'login refused: unknown token');
      res.status(401).json({ error: s.tokens.length ? 'unknown token' : 'no tokens are configured (settings.api.tokens): there is nothing to log in with', code: 'BB_ERR_UNAUTHORIZED' });
      return;
    }
    const session = sessions.create(match, s.sessionLifetime);
    log.info({ who: match.name }, 'wall login');
    res.cookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'strict', path: '/', maxAge: s.sessionLifetime });
    res.json({ name: match.name, expiresAt: session.expiresAt });
  });
  r.post('/logout', (req, res) => {
    const id = sessionFromCookie(req.headers.cookie);
    if (id !== undefined && sessions.revoke(id)) ended(id);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/' });
    res.json({ loggedOut: true });
  });
  return r;
}
