// What a fresh cluster already holds: the system namespaces, the `kubernetes` Service,
// and Ready Nodes with capacity and version info.
import type { KubeObject } from '../../kube/types.ts';
import type { KubeApi } from '../api.ts';
import type { ResourceRegistry } from '../resources.ts';

export interface BootstrapOptions {
  clusterName: string;
  nodeCount: number;
  kubernetesVersion: string;
}

function nodeNames(o: BootstrapOptions): string[] {
  return Array.from({ length: o.nodeCount }, (_, i) => `${o.clusterName}-node-${i + 1}`);
}

function node(name: string, ip: string, version: string): KubeObject {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const capacity = { cpu: '4', memory: '16393916Ki', pods: '110', 'ephemeral-storage': '102626232Ki' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
      },
    },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: version,
        kubeProxyVersion: version,
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-sandbox',
        containerRuntimeVersion: 'containerd://1.7.18',
        architecture: 'amd64',
        operatingSystem: 'linux',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    },
  };
}

/** Seeds the cluster; returns node name → InternalIP. */
export function bootstrapCluster(api: KubeApi, registry: ResourceRegistry, o: BootstrapOptions): Map<string, string> {
  const rt = (group: string, resource: string) => registry.lookup(group, 'v1', resource)!;
  const system = { manager: 'kube-apiserver' };
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    api.create(rt('', 'namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, system);
  }
  api.create(
    rt('', 'services'),
    'default',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
    },
    system,
  );
  const ips = new Map<string, string>();
  nodeNames(o).forEach((name, i) => {
    const ip = `172.18.0.${i + 2}`;
    ips.set(name, ip);
    // Nodes register themselves with their status, so they are written whole, not through create (which drops status).
    const created = api.create(rt('', 'nodes'), undefined, node(name, ip, o.kubernetesVersion), { manager: 'kubelet' });
    api.update(
      rt('', 'nodes'),
      undefined,
      name,
      { ...created, status: node(name, ip, o.kubernetesVersion).status },
      { manager: 'kubelet', subresource: 'status' },
    );
  });
  return ips;
}
