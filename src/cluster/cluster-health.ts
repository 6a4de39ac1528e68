/** A process's place in a cluster, as its /api/health says it. */
export interface ClusterHealth {
  /** This process's name in the cluster. */
  name: string;
  /** controller: holds the lease, decides and acts; standby: serves its health, waits to take over. */
  role: 'controller' | 'standby';
  /** The lease's epoch this process acts in (null while standing by). */
  epoch: number | null;
  leaseMs: number;
  /** The lease left here, ms (0 while standing by). */
  leaseLeftMs: number;
  /** The devices this process polls: its share among the live processes. */
  devices: number;
  /** The processes sharing the devices, as last read. */
  members: readonly string[];
  /** Facts of its own polls written to the database, and others' taken into its store. */
  facts: { published: number; adopted: number };
  /** Traps received here and forwarded (standing by), and forwarded ones taken into the pipeline (as the controller). */
  traps: { forwarded: number; taken: number };
  /** The controller as the database names it now, when known. */
  controller: { name: string; url: string | null; epoch: number } | null;
}
