// One simulated server's workload: a tiny HTTP server on the node's own loopback address that answers
// "200 <node name>\n", so a real load balancer has something to send traffic to. Like the node's SNMP
// agent it follows the node's power: listening while powered, closed (connections cut) while not.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FollowsPower } from './follows-power.js';

export interface NodeHttpOptions {
  name: string;
  host: string;
  port: number;
  log: Logger;
}

export class NodeHttp extends FollowsPower {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly o: NodeHttpOptions) {
    super();
  }

  /** "host:port" the server listens on while the node is up. */
  get address(): string {
    return `${this.o.host}:${this.o.port}`;
  }

  protected get isOpen(): boolean {
    return this.server !== null;
  }

  protected stepFailed(err: unknown): void {
    this.o.log.error({ node: this.o.name, err }, 'simulated node HTTP server could not change state');
  }

  protected open(): Promise<void> {
    const body = `200 ${this.o.name}\n`;
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    return new Promise((resolve, reject) => {
      const fail = (err: NodeJS.ErrnoException) => {
        server.close();
        reject(new Error(`cannot listen for simulated node ${this.o.name} on ${this.address} (HTTP): ${err.code ?? err.message}`));
      };
      server.once('error', fail);
      server.listen({ host: this.o.host, port: this.o.port, exclusive: true }, () => {
        server.off('error', fail);
        server.on('error', (err) => this.o.log.debug({ node: this.o.name, err: err.message }, 'simulated node HTTP server error'));
        this.server = server;
        resolve();
      });
    });
  }

  /** A server that lost power answers nothing: the listener closes and open connections are cut. */
  protected close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
  }
}
