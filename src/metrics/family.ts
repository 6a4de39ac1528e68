// Metric families whose samples are worked out when Prometheus scrapes, from the live state: nothing
// is updated per event, and a device or pool that is gone is simply not listed any more.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Topology } from '../health/topology.js';

export type Labels = Record<string, string>;
/** One sample; a null (or NaN) value is left out: an unknown is never exported as a number. */
export type Emit = (labels: Labels, value: number | null) => void;

/** A gauge filled at each scrape by `fill`. */
export function gauge(registry: Registry, name: string, help: string, labelNames: readonly string[], fill: (emit: Emit) => void): void {
  registry.registerMetric(new Gauge({
    name, help, labelNames, registers: [],
    collect() {
      this.reset();
      let any = false;
      fill((labels, value) => {
        if (value === null || Number.isNaN(value)) return;
        any = true;
        this.set(labels, value);
      });
      if (!any && labelNames.length === 0) this.remove(); // no "0" for a value not known
    },
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
    collect() {
      this.reset();
      let any = false;
      fill((labels, value) => {
        if (value === null || Number.isNaN(value)) return;
        any = true;
        this.inc(labels, value);
      });
      if (!any && labelNames.length === 0) this.remove();
    },
  }));
}

export interface Place { site: string; row: string; rack: string }

const places = new WeakMap<Topology, Map<string, Place>>();

/** Where a rack stands (site, row), worked out once per topology (a reload builds a new one). */
export function placeOf(topology: Topology, rack: string): Place {
  let byRack = places.get(topology);
  if (!byRack) {
    byRack = new Map();
    for (const site of topology.config.sites) {
      for (const row of site.rows) for (const r of row.racks) byRack.set(r, { site: site.name, row: row.name, rack: r });
    }
    places.set(topology, byRack);
  }
  return byRack.get(rack) ?? { site: '', row: '', rack };
}
