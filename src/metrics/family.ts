// Metric families whose samples are worked out when Prometheus scrapes, from the live state: nothing
// is updated per event, and a device or pool that is gone is simply not listed any more.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Topology } from '../health/topology.js';

export type Labels = Record<string, string>;
/** One sample; a null (or NaN) value is left out: an unknown is never exported as a number. */
export type Emit = (labels: Labels, value: number | null) => void;

/** Samples from `fill`, set on the metric afresh; with no label and no value, none at all (never a "0" for a value not known). */
function collectFrom(metric: Gauge | Counter, labelNames: readonly string[], fill: (emit: Emit) => void, put: (labels: Labels, value: number) => void): void {
  metric.reset();
  let any = false;
  fill((labels, value) => {
    if (value === null || Number.isNaN(value)) return;
    any = true;
    put(labels, value);
  });
  if (!any && labelNames.length === 0) metric.remove();
}

/** A gauge filled at each scrape by `fill`. */
export function gauge(registry: Registry, name: string, help: string, labelNames: readonly string[], fill: (emit: Emit) => void): void {
  registry.registerMetric(new Gauge({
    name, help, labelNames, registers: [],
    collect() { collectFrom(this, labelNames, fill, (labels, value) => this.set(labels, value)); },
  }));
}

/**
 * A counter read from a source that already counts (since it started): set to the source's total at
 * each scrape. A source that starts again from zero (a device removed and added back) is a counter
 * reset, which rate() and increase() handle.
 */
export function counter(registry: Registry, name: string, help: string, labelNames: readonly string[], fill: (emit: Emit) => void): void {
  registry.registerMetric(new Counter({
    name, help, labelNames, registers: [],
    collect() { collectFrom(this, labelNames, fill, (labels, value) => this.inc(labels, value)); },
  }));
}

export function placeOf(topology: Topology, rack: string): { site: string; row: string; rack: string } {
  return topology.place(rack) ?? { site: '', row: '', rack };
}
