// The one place that decides who may do what, for every HTTP request (API and wall files) and every
// socket.io handshake: Host, Origin, JSON-only changes, then a bearer token, the login cookie or loopback.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Socket } from 'socket.io';
import type { Settings } from '../config/schema.js';
import type { ErrorCode } from '../errors.js';
import { sessionFromCookie, type NamedToken, type SessionStore } from './sessions.js';

export type AccessSettings = Pick<Settings['api'], 'tokens' | 'protectReads' | 'hosts' | 'origins'>;

/** What the seam looks at; built from an HTTP request or a socket.io handshake. */
export interface AccessRequest {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  referer: string | undefined;
  fetchSite: string | undefined;
  contentType: string | undefined;
  hasBody: boolean;
  bearer: string | undefined;
  session: string | undefined;
  remoteAddress: string | undefined;
  /** The live connection: a read, but a page of another origin must not open it either. */
  socket: boolean;
  /** Login, logout and the login page: no credentials needed (Host, Origin and JSON still apply). */
  open: boolean;
}

export type Verdict =
  | { ok: true; caller: string; session: string | null }
  | { ok: false; status: number; code: ErrorCode; error: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;
const JSON_TYPE = /^application\/json\s*(;|$)/i;

export function decide(r: AccessRequest, s: AccessSettings, sessions: Pick<SessionStore, 'lookup'>): Verdict {
  if (!hostAllowed(r.host, s.hosts)) {
    return refuse(421, 'BB_ERR_BAD_HOST', `Host "${(r.host ?? '').slice(0, 100)}" is not a name this service answers to: add it to settings.api.hosts`);
  }
  const change = !SAFE_METHODS.has(r.method);
  const from = originOf(r, s.origins);
  if ((change || r.socket) && from === 'cross') {
    return refuse(403, 'BB_ERR_BAD_ORIGIN', `${r.socket ? 'the live connection' : 'changes'} may not come from a page of another origin (${(r.origin ?? r.referer ?? r.fetchSite ?? '').slice(0, 100)}): allowed are this service's own and settings.api.origins`);
  }
  if (change && (r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH' || r.hasBody) && !JSON_TYPE.test(r.contentType ?? '')) {
    return refuse(415, 'BB_ERR_NOT_JSON', 'changes are accepted as JSON only (Content-Type: application/json)');
  }
  if (r.bearer !== undefined) {
    const match = matchToken(s.tokens, r.bearer);
    return match ? { ok: true, caller: match.name, session: null } : refuse(401, 'BB_ERR_UNAUTHORIZED', 'unknown token');
  }
  const name = r.session === undefined ? null : sessions.lookup(r.session, s.tokens);
  if (name !== null) {
    // A cookie rides along with any request the browser makes: a change must show it comes from the wall's page.
    if (change && from === 'none') return refuse(403, 'BB_ERR_BAD_ORIGIN', 'a change made with the login cookie must come from the wall (no Origin given)');
    return { ok: true, caller: name, session: r.session ?? null };
  }
  if (r.open || (!change && !s.protectReads)) return { ok: true, caller: 'anonymous', session: null };
  if (s.tokens.length === 0 && LOOPBACK.test(r.remoteAddress ?? '')) return { ok: true, caller: 'local', session: null };
  return refuse(401, 'BB_ERR_UNAUTHORIZED', change
    ? 'changes need a bearer token (Authorization: Bearer …) or a wall login'
    : 'reads need a bearer token or a wall login (POST /api/login)');
}

/** The configured token a presented one matches, compared in constant time; tokens are never logged. */
export function matchToken(tokens: readonly NamedToken[], presented: string): NamedToken | undefined {
  const p = Buffer.from(presented);
  return tokens.find((t) => {
    const x = Buffer.from(t.token);
    return x.length === p.length && timingSafeEqual(x, p);
  });
}

/** Who is asking, once let through: the token's name, "local" for an untokened loopback caller, else "anonymous". */
export function caller(res: Response): string {
  return (res.locals.caller as string | undefined) ?? 'anonymous';
}

/** Express middleware for every route; a refused page load goes to the login page instead of a JSON error. */
export function accessMiddleware(settings: () => AccessSettings, sessions: SessionStore, isOpen: (req: Request) => boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const v = decide(fromHttp(req, isOpen(req)), settings(), sessions);
    if (v.ok) {
      res.locals.caller = v.caller;
      return next();
    }
    if (v.code === 'BB_ERR_UNAUTHORIZED' && (req.method === 'GET' || req.method === 'HEAD') && /(^\/$|\.html$)/.test(req.path)) {
      res.redirect(302, `/login.html?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.status(v.status).json({ error: v.error, code: v.code });
  };
}

/** engine.io's allowRequest: Host and Origin, before any socket exists (credentials come with the connect packet). */
export function socketAllowRequest(settings: () => AccessSettings, sessions: SessionStore) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void => {
    const v = decide({ ...fromHttp(req, true), socket: true }, settings(), sessions);
    callback(v.ok ? null : `${v.code}: ${v.error}`, v.ok);
  };
}

/** socket.io middleware: the full decision, with the token from `auth: {token}` or the login cookie. */
export function socketMiddleware(settings: () => AccessSettings, sessions: SessionStore) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    const h = socket.handshake;
    const token = (h.auth as { token?: unknown } | undefined)?.token;
    const v = decide({
      ...fromHttp(socket.request, false), socket: true, method: 'GET',
      bearer: typeof token === 'string' && token ? token : bearerOf(h.headers.authorization),
    }, settings(), sessions);
    if (v.ok) {
      socket.data = { caller: v.caller, session: v.session };
      return next();
    }
    next(Object.assign(new Error(v.error), { data: { code: v.code, status: v.status } }));
  };
}

/** What the seam needs from an HTTP request (or a socket.io handshake's). */
export function fromHttp(req: IncomingMessage, open: boolean): AccessRequest {
  const h = req.headers;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    host: h.host,
    origin: one(h.origin),
    referer: h.referer,
    fetchSite: one(h['sec-fetch-site']),
    contentType: h['content-type'],
    hasBody: (h['content-length'] !== undefined && h['content-length'] !== '0') || h['transfer-encoding'] !== undefined,
    bearer: bearerOf(h.authorization),
    session: sessionFromCookie(h.cookie),
    remoteAddress: req.socket.remoteAddress,
    socket: false,
    open,
  };
}

function bearerOf(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

function refuse(status: number, code: ErrorCode, error: string): Verdict {
  return { ok: false, status, code, error };
}

/** "name" or "name:port", lower case; IPv6 in brackets. */
function splitHost(host: string): { name: string; port: string | null } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.toLowerCase());
  return m ? { name: m[1]!, port: m[2] ?? null } : { name: '', port: null };
}

function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (!host) return false;
  const h = splitHost(host);
  return allowed.some((entry) => {
    const a = splitHost(entry);
    return a.name === h.name && (a.port === null || a.port === h.port);
  });
}

/**
 * Where a request says it comes from: the page's Origin, else its Referer, else Sec-Fetch-Site.
 * "none": no browser evidence at all (curl, the CLI).
 */
function originOf(r: AccessRequest, listed: readonly string[]): 'same' | 'listed' | 'cross' | 'none' {
  const claimed = r.origin ?? r.referer;
  if (claimed !== undefined) {
    if (!URL.canParse(claimed)) return 'cross';
    const url = new URL(claimed);
    if (listed.includes(url.origin)) return 'listed';
    const defaultPort = url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : null;
    const host = splitHost(r.host ?? '');
    const own = host.port === null || host.port === defaultPort ? host.name : `${host.name}:${host.port}`;
    return defaultPort !== null && url.host === own ? 'same' : 'cross';
  }
  if (r.fetchSite === undefined || r.fetchSite === 'none') return 'none';
  return r.fetchSite === 'same-origin' ? 'same' : 'cross';
}
