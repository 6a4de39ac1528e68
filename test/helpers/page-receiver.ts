// An HTTP receiver of pages on a free loopback port, keeping what it got; paths in `failing` answer 503.
import { createServer, type Server } from 'node:http';

export interface Received { path: string; headers: Record<string, string | string[] | undefined>; body: string; at: number }

export class PageReceiver {
  readonly got: Received[] = [];
  readonly failing = new Set<string>();
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        if (this.failing.has(req.url ?? '')) {
          res.writeHead(503).end();
          return;
        }
        this.got.push({ path: req.url ?? '', headers: req.headers, body, at: Date.now() });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success"}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    this.server?.closeAllConnections();
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string): Received[] {
    return this.got.filter((r) => r.path === path);
  }
}
