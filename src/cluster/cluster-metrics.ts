// A cluster process's own series for GET /metrics, the same on the controller and on a standby:
// its role, epoch and lease, its share of the devices, and the facts it published and adopted.
import type { Registry } from 'prom-client';
import { counter, gauge } from '../metrics/family.js';
import type { ClusterHealth } from './cluster-health.js';

export function registerCluster(r: Registry, health: () => ClusterHealth): void {
  gauge(r, 'breakerbox_cluster_controller', '1 while this process holds the controller lease, 0 while it stands by.', [], (emit) => emit({}, health().role === 'controller' ? 1 : 0));
  gauge(r, 'breakerbox_cluster_epoch', 'The epoch of the controller lease this process acts in (absent while it stands by).', [], (emit) => emit({}, health().epoch));
  gauge(r, 'breakerbox_cluster_lease_left_seconds', 'What is left of the lease as this process counts it (0 while it stands by).', [], (emit) => emit({}, health().leaseLeftMs / 1000));
  gauge(r, 'breakerbox_cluster_polled_devices', 'Devices in this process\'s share: the ones it polls.', [], (emit) => emit({}, health().devices));
  gauge(r, 'breakerbox_cluster_members', 'Processes sharing the devices, as this one last read them.', [], (emit) => emit({}, health().members.length));
  counter(r, 'breakerbox_cluster_facts_published_total', 'Facts of its own polls this process wrote to the cluster database.', [], (emit) => emit({}, health().facts.published));
  counter(r, 'breakerbox_cluster_facts_adopted_total', 'Facts of other processes\' polls this process took into its store (as the controller).', [], (emit) => emit({}, health().facts.adopted));
  counter(r, 'breakerbox_cluster_traps_forwarded_total', 'Traps this process received while standing by and forwarded to the controller.', [], (emit) => emit({}, health().traps.forwarded));
  counter(r, 'breakerbox_cluster_traps_taken_total', 'Traps other processes forwarded that this one took into its pipeline (as the controller).', [], (emit) => emit({}, health().traps.taken));
}
