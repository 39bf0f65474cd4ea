// Starts every simulated controller of one cluster on a shared runtime.
import { startDaemonSetController } from './daemonsets.ts';
import { startDeploymentController } from './deployments.ts';
import { startEndpointsController } from './endpoints.ts';
import { startJobController } from './jobs.ts';
import { startNamespaceController } from './namespaces.ts';
import { NodePool, startKubelet } from './pods.ts';
import { startReplicaSetController } from './replicasets.ts';
import type { ControllerRuntime } from './runtime.ts';
import { startStatefulSetController } from './statefulsets.ts';

export function startControllers(rt: ControllerRuntime, nodeIps: Map<string, string>): void {
  const nodes = new NodePool([...nodeIps.keys()]);
  startNamespaceController(rt);
  startKubelet(rt, nodes, nodeIps);
  startReplicaSetController(rt, nodes);
  startDeploymentController(rt);
  startStatefulSetController(rt, nodes);
  startDaemonSetController(rt, nodes);
  startJobController(rt, nodes);
  startEndpointsController(rt);
}
