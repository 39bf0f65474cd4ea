// The CRD gate of deployment planning (docs/crd-safety.md, "The gate"): before any cluster is touched,
// the target version's CRDs are recorded in the registry and checked against every target
// cluster. A breaking change puts the deployment back to PENDING_APPROVAL behind a
// CRD_CHANGE approval (only an ADMIN may give it) that carries the report, and notifies;
// otherwise the report and its warnings are kept on the deployment and the rollout starts.
// After an approval the check runs again: it passes when everything breaking was in the
// approved report, and asks again when something new breaks (objects created meanwhile).
import { environmentRank } from '../domain/model.ts';
import type { Deployment, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { KubeClients } from '../kube/client-registry.ts';
import { isCrd, type KubeObject } from '../kube/types.ts';
import { enqueueApprovalNotifications, type NotificationSettings } from '../notifications/index.ts';
import { checkCrdCompatibility, clusterToCheck, type CrdReport } from './crd-check.ts';
import { recordCrds } from './crd-registry.ts';
import { blockingClusters, coveredBy, summaryOf, warningsOf } from './crd-verdicts.ts';
import { installedReleases } from '../persistence/releases.ts';
import type { CrdPlanningGate, Transition } from '../rollout/ports.ts';
import type { DeploymentStore } from './deployment-store.ts';

export interface CrdGateDeps {
  prisma: PrismaClient;
  kube: KubeClients;
  store: DeploymentStore;
  notifications: NotificationSettings;
  /** Called after an approval and its notifications were committed (the dispatcher's wake()). */
  notificationsEnqueued(): void;
}

const json = (v: unknown) => v as Prisma.InputJsonValue;

export class CrdGate implements CrdPlanningGate {
  constructor(private readonly deps: CrdGateDeps) {}

  async beforeRollout(d: Deployment, target: { objects: readonly KubeObject[] }, signal: AbortSignal): Promise<boolean> {
    const { prisma } = this.deps;
    await recordCrds(prisma, d.operatorName, d.targetVersion, target.objects);
    const targetCrds = target.objects.filter(isCrd);
    if (targetCrds.length === 0) return true;

    const clusters = await prisma.cluster.findMany({ where: { name: { in: d.targetClusters } }, select: { id: true, name: true, environment: true } });
    const releases = new Map((await installedReleases(prisma, { operatorId: d.operatorId })).map((r) => [r.clusterId, r]));
    const report = await checkCrdCompatibility(this.deps, {
      operatorName: d.operatorName,
      targetVersion: d.targetVersion,
      targetCrds,
      clusters: clusters.map((c) => clusterToCheck(c.name, releases.get(c.id))),
      signal,
    });
    const warnings = warningsOf(report);
    const blocking = blockingClusters(report);
    if (blocking.length === 0) return this.proceed(d, report, warnings, `CRD check passed: ${summaryOf(report)}`);

    const approvals = await prisma.approval.findMany({ where: { deploymentId: d.id, kind: 'CRD_CHANGE', status: 'APPROVED' }, orderBy: { decidedAt: 'desc' } });
    const approval = approvals.find((a) => coveredBy(report, a.details));
    if (approval) return this.proceed(d, report, warnings, `CRD check: breaking change approved by ${approval.decidedBy} (${summaryOf(report)})`);

    const environment = blocking
      .map((v) => clusters.find((c) => c.name === v.clusterName)?.environment)
      .filter((e): e is string => !!e)
      .sort((a, b) => environmentRank(b) - environmentRank(a))[0];
    await this.whileStillPlanning(d, async (tx) => {
      const created = await tx.approval.create({
        data: {
          kind: 'CRD_CHANGE',
          status: 'PENDING',
          deploymentId: d.id,
          environment: environment ?? null,
          requestedBy: d.initiatedBy,
          details: json(report),
        },
      });
      await enqueueApprovalNotifications(tx, created, this.deps.notifications);
      const where = blocking.map((c) => c.clusterName).join(', ');
      return {
        deployment: { status: 'PENDING_APPROVAL', approvalStatus: 'PENDING', crdReport: json(report), warnings },
        events: [
          {
            status: 'PENDING_APPROVAL',
            message: `breaking CRD change in ${where}: ${summaryOf(report)}; no cluster was touched; waiting for an ADMIN to approve (approval ${created.id})`,
            progress: 0,
          },
        ],
      };
    });
    this.deps.notificationsEnqueued();
    return false;
  }

  async beforeCluster(d: Deployment, clusterName: string, target: { objects: readonly KubeObject[] }, signal: AbortSignal): Promise<string | undefined> {
    const planned = (d.crdReport as CrdReport | null)?.clusters?.find((c) => c.clusterName === clusterName);
    if (planned?.reachable !== false) return undefined;
    const targetCrds = target.objects.filter(isCrd);
    const cluster = await this.deps.prisma.cluster.findUnique({ where: { name: clusterName }, select: { id: true } });
    if (!cluster || targetCrds.length === 0) return undefined;
    const release = (await installedReleases(this.deps.prisma, { operatorId: d.operatorId, clusterId: cluster.id }))[0];
    const report = await checkCrdCompatibility(this.deps, {
      operatorName: d.operatorName,
      targetVersion: d.targetVersion,
      targetCrds,
      clusters: [clusterToCheck(clusterName, release)],
      signal,
    });
    const verdict = report.clusters[0];
    if (!verdict?.reachable) return `CRD check: ${clusterName} still cannot be read (${verdict?.errors.join('; ') ?? 'no answer'}); not applied`;
    if (blockingClusters(report).length === 0) return undefined;
    const approvals = await this.deps.prisma.approval.findMany({ where: { deploymentId: d.id, kind: 'CRD_CHANGE', status: 'APPROVED' } });
    if (approvals.some((a) => coveredBy(report, a.details))) return undefined;
    return `CRD check (${clusterName} was not readable during planning): breaking change not approved: ${summaryOf(report)}; not applied — deploy again to have it approved`;
  }

  private async proceed(d: Deployment, report: CrdReport, warnings: string[], message: string): Promise<boolean> {
    return this.whileStillPlanning(d, async () => ({
      deployment: { crdReport: json(report), warnings },
      events: [{ status: 'PLANNING', message: `${message}${warnings.length ? `; ${warnings.length} warning(s) on the deployment` : ''}`, progress: 0 }],
    }));
  }

  /** Commits `decide`'s transition only if the deployment is still PLANNING and not being cancelled. */
  private async whileStillPlanning(d: Deployment, decide: (tx: Prisma.TransactionClient) => Promise<Transition>): Promise<boolean> {
    let applied = false;
    await this.deps.store.commit(d.id, {}, async (tx) => {
      const now = await tx.deployment.findUniqueOrThrow({ where: { id: d.id }, select: { status: true, requestedAction: true } });
      if (now.status !== 'PLANNING' || now.requestedAction === 'CANCEL') return {};
      applied = true;
      return decide(tx);
    });
    return applied;
  }
}
