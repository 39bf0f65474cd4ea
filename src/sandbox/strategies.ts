// Per-kind behaviour of built-in resources on write, as the real registry strategies do
// it: defaults the API server fills in, and the checks that make it answer 422.
import type { KubeObject } from '../kube/types.ts';
import type { StatusCause } from './errors.ts';
import { formatLabelSelector, labelSelectorMatches } from './selectors.ts';

export interface Strategy {
  /** Fill in server defaults (create and update). */
  defaults?(obj: KubeObject, old: KubeObject | undefined): void;
  /** Kind-specific validation; causes make the write a 422 Invalid. */
  validate?(obj: KubeObject, old: KubeObject | undefined): StatusCause[];
}

const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', message: 'Required value', field });
const immutable = (field: string, value: unknown): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: field is immutable`,
  field,
});

function defaultContainers(containers: any[] | undefined): void {
  for (const c of containers ?? []) {
    const image = String(c.image ?? '');
    c.imagePullPolicy ??= image.endsWith(':latest') || !image.includes(':') ? 'Always' : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  }
}

/** Pod spec defaults the API server applies to pods and pod templates. */
function defaultPodSpec(spec: any): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
}

function validatePodSpec(spec: any, field: string): StatusCause[] {
  if (!spec || !Array.isArray(spec.containers) || spec.containers.length === 0) return [required(`${field}.containers`)];
  const causes: StatusCause[] = [];
  spec.containers.forEach((c: any, i: number) => {
    if (!c?.name) causes.push(required(`${field}.containers[${i}].name`));
    if (!c?.image) causes.push(required(`${field}.containers[${i}].image`));
  });
  return causes;
}

/** Workloads: selector required, must select the template's labels, immutable after creation. */
function validateWorkload(obj: KubeObject, old: KubeObject | undefined): StatusCause[] {
  const spec = obj.spec ?? {};
  const causes: StatusCause[] = [];
  if (!spec.selector) causes.push(required('spec.selector'));
  else if (!labelSelectorMatches(spec.selector, spec.template?.metadata?.labels)) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(spec.template?.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\``,
      field: 'spec.template.metadata.labels',
    });
  }
  if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(spec.selector)) {
    causes.push(immutable('spec.selector', formatLabelSelector(spec.selector)));
  }
  causes.push(...validatePodSpec(spec.template?.spec, 'spec.template.spec'));
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0`, field: 'spec.replicas' });
  }
  return causes;
}

// 10.96.0.1 is the `kubernetes` Service's; allocations start above the first few addresses.
let nextClusterIp = 10;
function allocateClusterIp(): string {
  const n = nextClusterIp++;
  return `10.96.${(n >> 8) & 255}.${n & 255}`;
}

export const STRATEGIES: Record<string, Strategy> = {
  Namespace: {
    defaults(ns) {
      ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name! };
      ns.spec = { finalizers: ['kubernetes'], ...ns.spec };
      ns.status ??= { phase: 'Active' };
    },
  },
  Service: {
    defaults(svc, old) {
      const spec = (svc.spec ??= {});
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      if (spec.type !== 'ExternalName') {
        spec.clusterIP ??= old?.spec?.clusterIP ?? allocateClusterIp();
        spec.clusterIPs ??= old?.spec?.clusterIPs ?? [spec.clusterIP];
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
        spec.internalTrafficPolicy ??= 'Cluster';
      }
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      svc.status ??= { loadBalancer: {} };
    },
    validate(svc, old) {
      const causes: StatusCause[] = [];
      if (svc.spec?.type !== 'ExternalName' && !(svc.spec?.ports?.length > 0) && svc.spec?.clusterIP !== 'None') causes.push(required('spec.ports'));
      if (old?.spec?.clusterIP && svc.spec?.clusterIP !== old.spec.clusterIP) causes.push(immutable('spec.clusterIP', svc.spec?.clusterIP));
      return causes;
    },
  },
  Secret: {
    defaults(secret) {
      secret.type ??= 'Opaque';
      if (secret.stringData && typeof secret.stringData === 'object') {
        const data: Record<string, string> = { ...(secret.data as Record<string, string> | undefined) };
        for (const [k, v] of Object.entries(secret.stringData as Record<string, string>)) data[k] = Buffer.from(String(v)).toString('base64');
        secret.data = data;
        delete secret.stringData;
      }
    },
  },
  Pod: {
    defaults(pod) {
      defaultPodSpec(pod.spec);
      if (pod.spec) pod.spec.serviceAccountName ??= 'default';
      pod.status ??= { phase: 'Pending', qosClass: 'BestEffort' };
    },
    validate: (pod) => validatePodSpec(pod.spec, 'spec'),
  },
  Deployment: {
    defaults(d) {
      const spec = (d.spec ??= {});
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate' };
      if (spec.strategy.type === 'RollingUpdate') spec.strategy.rollingUpdate ??= { maxSurge: '25%', maxUnavailable: '25%' };
      defaultPodSpec(spec.template?.spec);
    },
    validate: validateWorkload,
  },
  ReplicaSet: {
    defaults(rs) {
      rs.spec ??= {};
      rs.spec.replicas ??= 1;
      defaultPodSpec(rs.spec.template?.spec);
    },
    validate: validateWorkload,
  },
  StatefulSet: {
    defaults(s) {
      const spec = (s.spec ??= {});
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      defaultPodSpec(spec.template?.spec);
    },
    validate: validateWorkload,
  },
  DaemonSet: {
    defaults(ds) {
      const spec = (ds.spec ??= {});
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      defaultPodSpec(spec.template?.spec);
    },
    validate: validateWorkload,
  },
  Job: {
    defaults(job) {
      const spec = (job.spec ??= {});
      spec.completions ??= 1;
      spec.parallelism ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      const uid = job.metadata.uid!;
      const labels = {
        'controller-uid': uid,
        'batch.kubernetes.io/controller-uid': uid,
        'job-name': job.metadata.name!,
        'batch.kubernetes.io/job-name': job.metadata.name!,
      };
      spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      spec.template ??= {};
      spec.template.metadata = { ...spec.template.metadata, labels: { ...labels, ...spec.template.metadata?.labels } };
      if (spec.template.spec) spec.template.spec.restartPolicy ??= 'Never';
      defaultPodSpec(spec.template.spec);
    },
    validate(job, old) {
      const causes = validatePodSpec(job.spec?.template?.spec, 'spec.template.spec');
      if (old && JSON.stringify(old.spec?.template) !== JSON.stringify(job.spec?.template)) causes.push(immutable('spec.template', '…'));
      return causes;
    },
  },
};
