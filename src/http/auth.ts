import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export interface ApiAuthSettings {
  tokens: { name: string; token: string }[];
  protectReads: boolean;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** Who is asking, once authenticated: the token's name, or "local" for an untokened loopback caller. */
export function caller(res: Response): string {
  return (res.locals.caller as string | undefined) ?? 'anonymous';
}

/**
 * Changes need a bearer token when any is configured, else they are accepted from loopback only;
 * reads stay open unless protectReads. Tokens are compared in constant time and never logged.
 */
export function apiAuth(settings: () => ApiAuthSettings) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const { tokens, protectReads } = settings();
    const change = req.method !== 'GET' && req.method !== 'HEAD';
    const header = req.get('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : null;
    const match = presented === null ? undefined : tokens.find((t) => same(t.token, presented));
    if (match) {
      res.locals.caller = match.name;
      return next();
    }
    if (presented !== null) {
      res.status(401).json({ error: 'unknown token', code: 'BB_ERR_UNAUTHORIZED' });
      return;
    }
    if (!change && !protectReads) return next();
    if (tokens.length === 0 && LOOPBACK.test(req.socket.remoteAddress ?? '')) {
      res.locals.caller = 'local';
      return next();
    }
    res.status(401).json({ error: change ? 'changes need a bearer token (Authorization: Bearer …)' : 'reads need a bearer token', code: 'BB_ERR_UNAUTHORIZED' });
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
