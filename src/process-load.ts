// What Breakerbox itself costs, for /api/health and the scale bench: memory now, and CPU and
// event-loop lag over the last complete window (30 s by default).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ProcessLoad {
  rssBytes: number;
  heapUsedBytes: number;
  /** Over the last complete window (the current one until the first completes). */
  windowSeconds: number;
  /** Share of one core, in percent (200: two cores busy). */
  cpuPercent: number;
  eventLoopLagMs: { p50: number; p99: number; max: number };
}

interface Window { seconds: number; cpuPercent: number; lag: ProcessLoad['eventLoopLagMs'] }

export class ProcessMonitor {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private startedAt = performance.now();
  private cpuAtStart = process.cpuUsage();
  private last: Window | null = null;

  constructor(windowMs = 30_000) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => { this.last = this.current(); this.reset(); }, windowMs);
    this.timer.unref();
  }

  load(): ProcessLoad {
    const w = this.last ?? this.current();
    const mem = process.memoryUsage();
    return { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, windowSeconds: w.seconds, cpuPercent: w.cpuPercent, eventLoopLagMs: w.lag };
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private current(): Window {
    const elapsedMs = Math.max(1, performance.now() - this.startedAt);
    const cpu = process.cpuUsage(this.cpuAtStart);
    const h = this.histogram;
    // The histogram counts delays in ns, including the resolution it samples at.
    const lag = (ns: number) => (h.count === 0 ? 0 : Math.max(0, Number((ns / 1e6 - 10).toFixed(1))));
    return {
      seconds: Number((elapsedMs / 1000).toFixed(1)),
      cpuPercent: Number(((100 * (cpu.user + cpu.system)) / 1000 / elapsedMs).toFixed(1)),
      lag: { p50: lag(h.percentile(50)), p99: lag(h.percentile(99)), max: lag(h.max) },
    };
  }

  private reset(): void {
    this.histogram.reset();
    this.startedAt = performance.now();
    this.cpuAtStart = process.cpuUsage();
  }
}
