// One simulated server's workload: a tiny HTTP server on the node's own loopback address that answers
// "200 <node name>\n", so a real load balancer has something to send traffic to. Like the node's SNMP
// agent it follows the node's power: listening while powered, closed (connections cut) while not.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

export interface NodeHttpOptions {
  name: string;
  host: string;
  port: number;
  log: Logger;
}

export class NodeHttp {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private alive = true;
  private running = false;
  /** Open/close steps run one at a time, in order; this is the tail of that queue. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: NodeHttpOptions) {}

  /** "host:port" the server listens on while the node is up. */
  get address(): string {
    return `${this.o.host}:${this.o.port}`;
  }

  /** Level-triggered, like SnmpDevice.setAlive: the socket follows it while running. */
  setAlive(alive: boolean): void {
    this.alive = alive;
    if (this.running) this.enqueue();
  }

  /** Listens if the node is alive; rejects naming the address if the bind fails. */
  async start(): Promise<void> {
    this.running = true;
    const step = this.chain.then(() => this.sync());
    this.chain = step.catch(() => {});
    await step;
  }

  /** Resolves once the socket has followed every change so far; never rejects. */
  settled(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.enqueue();
    await this.chain;
  }

  private enqueue(): void {
    this.chain = this.chain.then(() => this.sync()).catch((err: unknown) => {
      this.o.log.error({ node: this.o.name, err }, 'simulated node HTTP server could not change state');
    });
  }

  private async sync(): Promise<void> {
    const want = this.running && this.alive;
    if (want && !this.server) await this.open();
    else if (!want && this.server) await this.close();
  }

  private open(): Promise<void> {
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
  private close(): Promise<void> {
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
