import { createServer, type Server } from 'node:http';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import type { ApiEvent } from './api-types.js';
import { apiRoutes } from './api-routes.js';
import { detailRoutes } from './detail-routes.js';
import { accessMiddleware, socketAllowRequest, socketMiddleware } from './access.js';
import type { Clock } from '../clock.js';
import { loginRoutes } from './login-routes.js';
import { SessionStore } from './sessions.js';
import { operatorRoutes } from './operator-routes.js';
import type { DrainStore } from '../drain/drain-store.js';
import { simRoutes, type SimControl } from './sim-routes.js';
import { alertRoutes, type AlertsApi } from './alert-routes.js';
import { trapRoutes, type TrapView } from './trap-routes.js';
import type { ReadModel } from './snapshot.js';
import { WallFeed } from './wall-feed.js';
import type { Reloader } from '../reload/reloader.js';

/** socket.io's ping interval and timeout for the walls. */
export const WALL_PING_MS = 2_000;

export interface HttpDeps {
  readModel: ReadModel;
  reloader: Reloader;
  sim: SimControl | null;
  traps: TrapView | null;
  drainStore: DrainStore;
  alerts: AlertsApi | null;
  wallDir: string;
  log: Logger;
  clock: Clock;
  /** Routes mounted under /api before the catch-all (history, events from storage…). */
  apiExtras?: Router[];
  /** `GET /metrics` in Prometheus text format, when given. */
  metrics?: MetricsEndpoint | null;
  /** Pages mounted at the root before the wall's files, open to all (GET and HEAD of the paths listed): the public status page. */
  pages?: { router: Router; open: readonly string[] }[];
}

export interface MetricsEndpoint {
  contentType: string;
  render(): Promise<string>;
}

export interface HttpServer {
  server: Server;
  url: string;
  port: number;
  /** The walls' live feed: mark what changed; deltas go out per short tick. */
  feed: WallFeed;
  pushEvent(event: ApiEvent): void;
  close(): Promise<void>;
}

/** What needs no credentials: the login itself and the page that asks for it. */
const OPEN = new Set(['POST /api/login', 'POST /api/logout', ...['/login.html', '/login.js', '/wall.css'].flatMap((f) => [`GET ${f}`, `HEAD ${f}`])]);

export async function startHttp(deps: HttpDeps, port: number, host: string): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  const api = () => deps.readModel.config().settings.api;
  const sessions = new SessionStore(deps.clock);
  // Every route, files included, passes the one access check before anything parses its body.
  const open = new Set([...OPEN, ...(deps.pages ?? []).flatMap((p) => p.open.flatMap((f) => [`GET ${f}`, `HEAD ${f}`]))]);
  app.use(accessMiddleware(api, sessions, (req) => open.has(`${req.method} ${req.path}`)));
  app.use(express.json({ limit: '64kb' }));
  // Lists of a large site are megabytes of JSON: compressed for clients that accept it.
  app.use(compression());
  app.use('/api', loginRoutes(api, sessions, deps.log, (session) => {
    for (const socket of io.sockets.sockets.values()) if ((socket.data as { session?: unknown }).session === session) socket.disconnect(true);
  }));
  app.use('/api', apiRoutes(deps.readModel, deps.reloader, deps.drainStore));
  app.use('/api', detailRoutes(deps.readModel, deps.drainStore));
  app.use('/api', operatorRoutes(deps.readModel.controller, deps.drainStore));
  if (deps.alerts) app.use('/api', alertRoutes(deps.readModel, deps.alerts));
  if (deps.sim) app.use('/api/sim', simRoutes(deps.sim, () => feed.poke()));
  if (deps.traps) app.use('/api/traps', trapRoutes(deps.traps));
  for (const router of deps.apiExtras ?? []) app.use('/api', router);
  const metrics = deps.metrics;
  if (metrics) {
    app.get('/metrics', (_req, res, next) => {
      metrics.render().then((text) => res.type(metrics.contentType).send(text), next);
    });
  }
  for (const page of deps.pages ?? []) app.use(page.router);
  app.use(express.static(deps.wallDir, { index: 'index.html', maxAge: 0 }));
  app.use('/api', (_req: Request, res: Response) => { res.status(404).json({ error: 'no such endpoint', code: 'BB_ERR_NOT_FOUND' }); });
  app.use((err: Error & { status?: number; type?: string; code?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) deps.log.error({ err }, 'request failed');
    const code = typeof err.code === 'string' && err.code.startsWith('BB_ERR_') ? err.code : 'BB_ERR_BAD_REQUEST';
    res.status(status).json({ error: status === 500 ? 'internal error' : err.message, code: status === 500 ? 'BB_ERR_INTERNAL' : code });
  });

  const server = createServer(app);
  // A wall must see a server that stopped answering (stopped, paused, cut off) within 5 s, not socket.io's default 45:
  // the server pings every 2 s and a wall that hears no ping for 2 s more closes the connection and shows NO DATA.
  const io = new SocketServer(server, {
    serveClient: true, cors: { origin: false }, allowRequest: socketAllowRequest(api, sessions), pingInterval: WALL_PING_MS, pingTimeout: WALL_PING_MS,
  });
  io.use(socketMiddleware(api, sessions));
  // Built only for walls that are watching: one that connects gets a snapshot, then deltas.
  const feed = new WallFeed(io, deps.readModel, deps.clock);
  io.on('connection', (socket) => feed.connect(socket));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    server,
    port: boundPort,
    url: `http://${shownHost}:${boundPort}`,
    feed,
    pushEvent: (event) => feed.event(event),
    close: async () => {
      feed.stop();
      await new Promise<void>((resolve) => { void io.close(() => resolve()); });
      server.closeAllConnections?.();
    },
  };
}
