/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** INVALID: the target schema rejects the object; DATA_LOSS: a field would be pruned; UNSERVED_VERSION: its API version goes away; NOT_CHECKED: a CEL rule applies that was not evaluated. */
export type AffectedObjectCategory =
  | 'DATA_LOSS'
  | 'INVALID'
  | 'NOT_CHECKED'
  | 'UNSERVED_VERSION';

export type ApprovalKind =
  | 'CRD_CHANGE'
  | 'DEPLOYMENT';

export type ApprovalStatus =
  | 'APPROVED'
  | 'NOT_REQUIRED'
  | 'PENDING'
  | 'REJECTED';

export type BlueGreenConfigInput = {
  /** [true] */
  autoSwitch?: boolean | null | undefined;
  blueNamespace?: string | null | undefined;
  greenNamespace?: string | null | undefined;
  /** ISO-8601 [PT24H]. */
  retentionPeriod?: string | null | undefined;
  /** ISO-8601 [PT5M]. */
  switchMonitoringPeriod?: string | null | undefined;
  /** ISO-8601 [PT10M]. */
  validationPeriod?: string | null | undefined;
};

export type CanaryConfigInput = {
  /** ISO-8601; how long each stage is sampled [PT5M]. */
  evaluationPeriod?: string | null | undefined;
  /** ISO-8601; time between samples [PT30S]. */
  healthCheckInterval?: string | null | undefined;
  /** Added by every further stage [20]. */
  incrementPercentage?: number | null | undefined;
  /** Share of clusters in the first stage [10]. */
  initialPercentage?: number | null | undefined;
  /** Share of healthy samples a stage needs, 0–1 [0.95]. */
  successThreshold?: number | null | undefined;
};

export type ClusterDeploymentStatus =
  | 'COMPLETED'
  | 'DEPLOYING'
  | 'FAILED'
  | 'PENDING'
  | 'ROLLED_BACK'
  | 'ROLLING_BACK'
  | 'SKIPPED'
  | 'VALIDATING';

/** What changed between the live CRD and the target CRD. */
export type CrdChangeType =
  | 'CONSTRAINT_RELAXED'
  | 'CONSTRAINT_TIGHTENED'
  | 'CRD_ADDED'
  | 'CRD_REMOVED'
  | 'DEFAULT_ADDED'
  | 'DEFAULT_CHANGED'
  | 'EMBEDDED_RESOURCE_CHANGED'
  | 'ENUM_VALUE_ADDED'
  | 'ENUM_VALUE_REMOVED'
  | 'FIELD_ADDED'
  | 'FIELD_NEWLY_REQUIRED'
  | 'FIELD_REMOVED'
  | 'FORMAT_CHANGED'
  | 'INT_OR_STRING_REMOVED'
  | 'KIND_CHANGED'
  | 'LIST_TYPE_CHANGED'
  | 'MAP_TYPE_CHANGED'
  | 'PATTERN_CHANGED'
  | 'PRESERVE_UNKNOWN_FIELDS_REMOVED'
  | 'SCOPE_CHANGED'
  | 'STORAGE_VERSION_CHANGED'
  | 'STORED_VERSION_DROPPED'
  | 'TYPE_CHANGED'
  | 'VALIDATION_RULE_ADDED'
  | 'VALIDATION_RULE_REMOVED'
  | 'VALUE_VALIDATION_CHANGED'
  | 'VERSION_ADDED'
  | 'VERSION_DEPRECATED'
  | 'VERSION_NOT_SERVED'
  | 'VERSION_REMOVED';

/** BREAKING needs an ADMIN approval before any cluster is touched; WARNING is shown on the deployment; INFO is informational. */
export type CrdFindingSeverity =
  | 'BREAKING'
  | 'INFO'
  | 'WARNING';

export type CrdStatus =
  | 'ACTIVE'
  | 'DEPRECATED';

export type CreateDeploymentInput = {
  autoRollbackEnabled?: boolean | null | undefined;
  helmValues?: unknown;
  operatorName: string;
  strategy: DeploymentStrategy;
  strategyConfig?: StrategyConfigInput | null | undefined;
  targetClusters: Array<string>;
  targetVersion: string;
};

export type DeploymentStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'DEPLOYING'
  | 'FAILED'
  | 'PENDING_APPROVAL'
  | 'PLANNING'
  | 'ROLLED_BACK'
  | 'ROLLING_BACK'
  | 'VALIDATING';

export type DeploymentStrategy =
  | 'BLUE_GREEN'
  | 'CANARY'
  | 'DIRECT'
  | 'ROLLING';

export type DeprecateCrdInput = {
  /** What users should do instead (≤ 10000 characters, Markdown welcome). */
  migrationGuide?: string | null | undefined;
  /** CRD name (`servicemonitors.monitoring.coreos.com`). */
  name: string;
  /** Why it is deprecated (≤ 2000 characters). */
  reason: string;
};

export type DirectConfigInput = {
  /** Clusters deployed at once [10]. */
  parallelClusters?: number | null | undefined;
  /** Do not wait for the operator to become healthy [false]. */
  skipHealthChecks?: boolean | null | undefined;
};

export type Environment =
  | 'DEVELOPMENT'
  | 'PRODUCTION'
  | 'STAGING';

export type HealthStatus =
  | 'DEGRADED'
  | 'HEALTHY'
  | 'UNHEALTHY'
  | 'UNKNOWN';

export type NotificationChannel =
  | 'EMAIL'
  | 'WEBHOOK';

export type NotificationStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'PENDING'
  | 'SENDING'
  | 'SENT';

export type RegisterClusterInput = {
  description?: string | null | undefined;
  environment: Environment;
  /** The kubeconfig, as raw YAML or base64. Stored encrypted; never returned. */
  kubeconfig: string;
  /** Object of string values. */
  labels?: unknown;
  /** DNS-1123 label, unique. */
  name: string;
  /** Register without contacting the cluster. */
  skipConnectivityCheck?: boolean | null | undefined;
};

export type RegisterOperatorInput = {
  chartName?: string | null | undefined;
  /** Helm repository URL (with chartName). */
  chartRepository?: string | null | undefined;
  /** Semantic version, optional leading v. */
  currentVersion?: string | null | undefined;
  /** Helm values used by every deployment unless overridden. */
  defaultValues?: unknown;
  description?: string | null | undefined;
  labels?: unknown;
  /** http(s):// or file:// URL of a manifest bundle with {version} in it. */
  manifestUrlTemplate?: string | null | undefined;
  /** DNS-1123 label, unique. */
  name: string;
  /** Namespace the operator is installed into (DNS-1123 label). */
  namespace: string;
  /** Versions a manifest-URL source offers (Helm repositories list their own). */
  versions?: Array<string> | null | undefined;
};

export type Role =
  | 'ADMIN'
  | 'ENVIRONMENT_OWNER'
  | 'OPERATOR'
  | 'VIEWER';

export type RollingConfigInput = {
  /** Order of clusters [by environment, then name]. */
  clusterOrder?: Array<string> | null | undefined;
  /** ISO-8601 [PT0S]. */
  pauseBetweenClusters?: string | null | undefined;
  /** ISO-8601; watch each cluster this long after it is healthy [PT5M]. */
  validationPeriod?: string | null | undefined;
};

/** Settings of the chosen strategy; only its own section may be given. */
export type StrategyConfigInput = {
  blueGreen?: BlueGreenConfigInput | null | undefined;
  canary?: CanaryConfigInput | null | undefined;
  direct?: DirectConfigInput | null | undefined;
  rolling?: RollingConfigInput | null | undefined;
};

export type UpdateClusterInput = {
  description?: string | null | undefined;
  environment?: Environment | null | undefined;
  isEnabled?: boolean | null | undefined;
  kubeconfig?: string | null | undefined;
  labels?: unknown;
  skipConnectivityCheck?: boolean | null | undefined;
};

export type UpdateOperatorInput = {
  chartName?: string | null | undefined;
  chartRepository?: string | null | undefined;
  defaultValues?: unknown;
  description?: string | null | undefined;
  labels?: unknown;
  manifestUrlTemplate?: string | null | undefined;
  namespace?: string | null | undefined;
  versions?: Array<string> | null | undefined;
};

export type ClusterFieldsFragment = { name: string, description: string | null, environment: Environment, apiServerUrl: string, tlsVerified: boolean, kubernetesVersion: string | null, nodeCount: number | null, healthStatus: HealthStatus, labels: unknown, isEnabled: boolean, registeredAt: string };

export type RegisterClusterMutationVariables = Exact<{
  input: RegisterClusterInput;
}>;


export type RegisterClusterMutation = { registerCluster: { name: string, description: string | null, environment: Environment, apiServerUrl: string, tlsVerified: boolean, kubernetesVersion: string | null, nodeCount: number | null, healthStatus: HealthStatus, labels: unknown, isEnabled: boolean, registeredAt: string } };

export type UpdateClusterMutationVariables = Exact<{
  name: string;
  input: UpdateClusterInput;
}>;


export type UpdateClusterMutation = { updateCluster: { name: string, description: string | null, environment: Environment, apiServerUrl: string, tlsVerified: boolean, kubernetesVersion: string | null, nodeCount: number | null, healthStatus: HealthStatus, labels: unknown, isEnabled: boolean, registeredAt: string } };

export type DeleteClusterMutationVariables = Exact<{
  name: string;
}>;


export type DeleteClusterMutation = { deleteCluster: boolean };

export type ClusterQueryVariables = Exact<{
  name: string;
}>;


export type ClusterQuery = { cluster: { name: string, description: string | null, environment: Environment, apiServerUrl: string, tlsVerified: boolean, kubernetesVersion: string | null, nodeCount: number | null, healthStatus: HealthStatus, labels: unknown, isEnabled: boolean, registeredAt: string, operators: Array<{ operatorName: string, version: string }> } | null };

export type ClustersQueryVariables = Exact<{
  environment?: Environment | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ClustersQuery = { clusters: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { name: string, environment: Environment } }> } };

export type ClusterUpdatedSubscriptionVariables = Exact<{
  name?: string | null | undefined;
}>;


export type ClusterUpdatedSubscription = { clusterUpdated: { name: string, cluster: { name: string, description: string | null } | null } };

export type CrdReportFieldsFragment = { operatorName: string | null, targetVersion: string | null, checkedAt: string | null, compatible: boolean, requiresApproval: boolean, affectedObjectsTruncated: number, findings: Array<{ crdName: string, version: string, fieldPath: string, changeType: CrdChangeType, severity: CrdFindingSeverity, schemaSeverity: CrdFindingSeverity, oldValue: string | null, newValue: string | null, message: string, clusters: Array<string>, affectedObjectCount: number }>, affectedObjects: Array<{ clusterName: string, kind: string, namespace: string | null, name: string, fieldPath: string, reason: string, category: AffectedObjectCategory, crdName: string, apiVersion: string, changeType: CrdChangeType | null, preexisting: boolean }>, clusters: Array<{ clusterName: string, compatible: boolean, requiresApproval: boolean, complete: boolean, reachable: boolean, objectsScanned: number, objectsBroken: number, breakingFindings: number, warningFindings: number, affectedObjects: number, notCheckedRules: number, errors: Array<string> }>, notChecked: Array<{ clusterName: string, crdName: string, rule: string, objectCount: number }> };

export type ValidateCrdCompatibilityMutationVariables = Exact<{
  operatorName: string;
  targetVersion: string;
  clusters?: Array<string> | string | null | undefined;
}>;


export type ValidateCrdCompatibilityMutation = { validateCrdCompatibility: { operatorName: string | null, targetVersion: string | null, checkedAt: string | null, compatible: boolean, requiresApproval: boolean, affectedObjectsTruncated: number, findings: Array<{ crdName: string, version: string, fieldPath: string, changeType: CrdChangeType, severity: CrdFindingSeverity, schemaSeverity: CrdFindingSeverity, oldValue: string | null, newValue: string | null, message: string, clusters: Array<string>, affectedObjectCount: number }>, affectedObjects: Array<{ clusterName: string, kind: string, namespace: string | null, name: string, fieldPath: string, reason: string, category: AffectedObjectCategory, crdName: string, apiVersion: string, changeType: CrdChangeType | null, preexisting: boolean }>, clusters: Array<{ clusterName: string, compatible: boolean, requiresApproval: boolean, complete: boolean, reachable: boolean, objectsScanned: number, objectsBroken: number, breakingFindings: number, warningFindings: number, affectedObjects: number, notCheckedRules: number, errors: Array<string> }>, notChecked: Array<{ clusterName: string, crdName: string, rule: string, objectCount: number }> } };

export type CrdFieldsFragment = { name: string, group: string, kind: string | null, plural: string | null, scope: string, operatorName: string, latestOperatorVersion: string, operatorVersions: Array<string>, storageVersion: string | null, schemaDigest: string | null, status: CrdStatus, deprecatedAt: string | null, deprecationReason: string | null, migrationGuide: string | null, versions: Array<{ name: string, served: boolean, storage: boolean, deprecated: boolean }>, history: Array<{ operatorName: string, operatorVersion: string, schemaDigest: string | null, storageVersion: string | null, recordedAt: string, versions: Array<{ name: string, served: boolean, storage: boolean }> }> };

export type CrdsQueryVariables = Exact<{
  operatorName?: string | null | undefined;
}>;


export type CrdsQuery = { crds: Array<{ name: string, group: string, kind: string | null, plural: string | null, scope: string, operatorName: string, latestOperatorVersion: string, operatorVersions: Array<string>, storageVersion: string | null, schemaDigest: string | null, status: CrdStatus, deprecatedAt: string | null, deprecationReason: string | null, migrationGuide: string | null, versions: Array<{ name: string, served: boolean, storage: boolean, deprecated: boolean }>, history: Array<{ operatorName: string, operatorVersion: string, schemaDigest: string | null, storageVersion: string | null, recordedAt: string, versions: Array<{ name: string, served: boolean, storage: boolean }> }> }> };

export type CrdQueryVariables = Exact<{
  name: string;
}>;


export type CrdQuery = { crd: { name: string, group: string, kind: string | null, plural: string | null, scope: string, operatorName: string, latestOperatorVersion: string, operatorVersions: Array<string>, storageVersion: string | null, schemaDigest: string | null, status: CrdStatus, deprecatedAt: string | null, deprecationReason: string | null, migrationGuide: string | null, versions: Array<{ name: string, served: boolean, storage: boolean, deprecated: boolean }>, history: Array<{ operatorName: string, operatorVersion: string, schemaDigest: string | null, storageVersion: string | null, recordedAt: string, versions: Array<{ name: string, served: boolean, storage: boolean }> }> } | null };

export type CrdVersionSchemaQueryVariables = Exact<{
  name: string;
}>;


export type CrdVersionSchemaQuery = { crd: { name: string, versions: Array<{ name: string, schema: unknown }> } | null };

export type DeprecateCrdMutationVariables = Exact<{
  input: DeprecateCrdInput;
}>;


export type DeprecateCrdMutation = { deprecateCrd: { name: string, group: string, kind: string | null, plural: string | null, scope: string, operatorName: string, latestOperatorVersion: string, operatorVersions: Array<string>, storageVersion: string | null, schemaDigest: string | null, status: CrdStatus, deprecatedAt: string | null, deprecationReason: string | null, migrationGuide: string | null, versions: Array<{ name: string, served: boolean, storage: boolean, deprecated: boolean }>, history: Array<{ operatorName: string, operatorVersion: string, schemaDigest: string | null, storageVersion: string | null, recordedAt: string, versions: Array<{ name: string, served: boolean, storage: boolean }> }> } };

export type ReactivateCrdMutationVariables = Exact<{
  name: string;
}>;


export type ReactivateCrdMutation = { reactivateCrd: { name: string, status: CrdStatus, deprecationReason: string | null } };

export type DeploymentCrdGateQueryVariables = Exact<{
  id: string;
}>;


export type DeploymentCrdGateQuery = { deployment: { id: string, status: DeploymentStatus, approvalStatus: ApprovalStatus, warnings: Array<string>, startedAt: string | null, crdReport: { operatorName: string | null, targetVersion: string | null, checkedAt: string | null, compatible: boolean, requiresApproval: boolean, affectedObjectsTruncated: number, findings: Array<{ crdName: string, version: string, fieldPath: string, changeType: CrdChangeType, severity: CrdFindingSeverity, schemaSeverity: CrdFindingSeverity, oldValue: string | null, newValue: string | null, message: string, clusters: Array<string>, affectedObjectCount: number }>, affectedObjects: Array<{ clusterName: string, kind: string, namespace: string | null, name: string, fieldPath: string, reason: string, category: AffectedObjectCategory, crdName: string, apiVersion: string, changeType: CrdChangeType | null, preexisting: boolean }>, clusters: Array<{ clusterName: string, compatible: boolean, requiresApproval: boolean, complete: boolean, reachable: boolean, objectsScanned: number, objectsBroken: number, breakingFindings: number, warningFindings: number, affectedObjects: number, notCheckedRules: number, errors: Array<string> }>, notChecked: Array<{ clusterName: string, crdName: string, rule: string, objectCount: number }> } | null, clusters: Array<{ clusterName: string, status: ClusterDeploymentStatus, errorMessage: string | null }>, events: Array<{ sequence: number, clusterName: string | null, status: string, message: string }>, approvals: Array<{ id: string, kind: ApprovalKind, status: ApprovalStatus, requestedBy: string, decidedBy: string | null, crdReport: { compatible: boolean, requiresApproval: boolean, affectedObjects: Array<{ clusterName: string, kind: string, namespace: string | null, name: string, fieldPath: string, category: AffectedObjectCategory }> } | null, notifications: Array<{ channel: NotificationChannel, target: string, status: NotificationStatus, attempts: number, sentAt: string | null }> }> } | null };

export type DeploymentFieldsFragment = { id: string, operatorName: string, targetVersion: string, previousVersion: string | null, strategy: DeploymentStrategy, status: DeploymentStatus, approvalStatus: ApprovalStatus, targetClusters: Array<string>, initiatedBy: string, approvedBy: string | null, errorMessage: string | null, rollbackReason: string | null, warnings: Array<string>, requestedAction: string | null, startedAt: string | null, completedAt: string | null, duration: string | null, successRate: number, strategyConfig: unknown, clusters: Array<{ clusterName: string, status: ClusterDeploymentStatus, wave: number, errorMessage: string | null, health: HealthStatus | null, healthMessage: string | null, previousRevision: number | null, releaseRevision: number | null }> };

export type CreateDeploymentMutationVariables = Exact<{
  input: CreateDeploymentInput;
}>;


export type CreateDeploymentMutation = { createDeployment: { id: string, operatorName: string, targetVersion: string, previousVersion: string | null, strategy: DeploymentStrategy, status: DeploymentStatus, approvalStatus: ApprovalStatus, targetClusters: Array<string>, initiatedBy: string, approvedBy: string | null, errorMessage: string | null, rollbackReason: string | null, warnings: Array<string>, requestedAction: string | null, startedAt: string | null, completedAt: string | null, duration: string | null, successRate: number, strategyConfig: unknown, clusters: Array<{ clusterName: string, status: ClusterDeploymentStatus, wave: number, errorMessage: string | null, health: HealthStatus | null, healthMessage: string | null, previousRevision: number | null, releaseRevision: number | null }> } };

export type CancelDeploymentMutationVariables = Exact<{
  id: string;
}>;


export type CancelDeploymentMutation = { cancelDeployment: { id: string, status: DeploymentStatus, requestedAction: string | null, errorMessage: string | null } };

export type PromoteDeploymentMutationVariables = Exact<{
  id: string;
}>;


export type PromoteDeploymentMutation = { promoteDeployment: { id: string, status: DeploymentStatus, requestedAction: string | null } };

export type RollbackDeploymentMutationVariables = Exact<{
  id: string;
  reason?: string | null | undefined;
}>;


export type RollbackDeploymentMutation = { rollbackDeployment: { id: string, status: DeploymentStatus, rollbackReason: string | null } };

export type DeploymentQueryVariables = Exact<{
  id: string;
  afterSequence?: number | null | undefined;
}>;


export type DeploymentQuery = { deployment: { id: string, operatorName: string, targetVersion: string, previousVersion: string | null, strategy: DeploymentStrategy, status: DeploymentStatus, approvalStatus: ApprovalStatus, targetClusters: Array<string>, initiatedBy: string, approvedBy: string | null, errorMessage: string | null, rollbackReason: string | null, warnings: Array<string>, requestedAction: string | null, startedAt: string | null, completedAt: string | null, duration: string | null, successRate: number, strategyConfig: unknown, events: Array<{ sequence: number, clusterName: string | null, status: string, message: string, progress: number | null }>, approvals: Array<{ id: string, kind: ApprovalKind, status: ApprovalStatus, decidedBy: string | null }>, clusters: Array<{ clusterName: string, status: ClusterDeploymentStatus, wave: number, errorMessage: string | null, health: HealthStatus | null, healthMessage: string | null, previousRevision: number | null, releaseRevision: number | null }> } | null };

export type DeploymentsQueryVariables = Exact<{
  operatorName?: string | null | undefined;
  status?: DeploymentStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type DeploymentsQuery = { deployments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, status: DeploymentStatus, operatorName: string, targetVersion: string } }> } };

export type ApprovalsQueryVariables = Exact<{
  status?: ApprovalStatus | null | undefined;
}>;


export type ApprovalsQuery = { approvals: Array<{ id: string, kind: ApprovalKind, status: ApprovalStatus, deploymentId: string | null, environment: Environment | null, requestedBy: string, decidedBy: string | null, comment: string | null, details: unknown }> };

export type ApproveMutationVariables = Exact<{
  id: string;
  comment?: string | null | undefined;
}>;


export type ApproveMutation = { approve: { id: string, status: ApprovalStatus, decidedBy: string | null, comment: string | null } };

export type RejectMutationVariables = Exact<{
  id: string;
  reason: string;
}>;


export type RejectMutation = { reject: { id: string, status: ApprovalStatus, decidedBy: string | null, comment: string | null } };

export type CheckClusterHealthMutationVariables = Exact<{
  name: string;
}>;


export type CheckClusterHealthMutation = { checkClusterHealth: { name: string, healthStatus: HealthStatus, healthMessage: string | null, lastHealthCheckAt: string | null, kubernetesVersion: string | null, nodeCount: number | null } };

export type OperatorHealthQueryVariables = Exact<{
  operatorName: string;
}>;


export type OperatorHealthQuery = { operatorHealth: { operatorName: string, status: HealthStatus, clusters: Array<{ clusterName: string, version: string, revision: number, status: HealthStatus, message: string, objectCounts: unknown }> } };

export type ClusterHealthQueryVariables = Exact<{
  name: string;
}>;


export type ClusterHealthQuery = { cluster: { name: string, healthStatus: HealthStatus, healthMessage: string | null, lastHealthCheckAt: string | null, kubernetesVersion: string | null, nodeCount: number | null, tlsVerified: boolean } | null };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { sub: string, roles: Array<Role>, environments: Array<Environment> } };

export type AuditEventsQueryVariables = Exact<{
  actor?: string | null | undefined;
  targetType?: string | null | undefined;
  targetName?: string | null | undefined;
  first?: number | null | undefined;
}>;


export type AuditEventsQuery = { auditEvents: { totalCount: number, edges: Array<{ node: { id: string, actor: string, action: string, targetType: string, targetName: string | null, requestId: string | null, details: unknown, createdAt: string } }> } };

export type OperatorFieldsFragment = { name: string, description: string | null, namespace: string, chartRepository: string | null, chartName: string | null, manifestUrlTemplate: string | null, currentVersion: string | null, latestVersion: string | null, versions: Array<string>, labels: unknown, defaultValues: unknown };

export type RegisterOperatorMutationVariables = Exact<{
  input: RegisterOperatorInput;
}>;


export type RegisterOperatorMutation = { registerOperator: { name: string, description: string | null, namespace: string, chartRepository: string | null, chartName: string | null, manifestUrlTemplate: string | null, currentVersion: string | null, latestVersion: string | null, versions: Array<string>, labels: unknown, defaultValues: unknown } };

export type UpdateOperatorMutationVariables = Exact<{
  name: string;
  input: UpdateOperatorInput;
}>;


export type UpdateOperatorMutation = { updateOperator: { name: string, description: string | null, namespace: string, chartRepository: string | null, chartName: string | null, manifestUrlTemplate: string | null, currentVersion: string | null, latestVersion: string | null, versions: Array<string>, labels: unknown, defaultValues: unknown } };

export type DeleteOperatorMutationVariables = Exact<{
  name: string;
}>;


export type DeleteOperatorMutation = { deleteOperator: boolean };

export type OperatorQueryVariables = Exact<{
  name: string;
}>;


export type OperatorQuery = { operator: { name: string, description: string | null, namespace: string, chartRepository: string | null, chartName: string | null, manifestUrlTemplate: string | null, currentVersion: string | null, latestVersion: string | null, versions: Array<string>, labels: unknown, defaultValues: unknown } | null };

export type OperatorsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type OperatorsQuery = { operators: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { name: string } }> } };

export const ClusterFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClusterFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"environment"}},{"kind":"Field","name":{"kind":"Name","value":"apiServerUrl"}},{"kind":"Field","name":{"kind":"Name","value":"tlsVerified"}},{"kind":"Field","name":{"kind":"Name","value":"kubernetesVersion"}},{"kind":"Field","name":{"kind":"Name","value":"nodeCount"}},{"kind":"Field","name":{"kind":"Name","value":"healthStatus"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"isEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}}]}}]} as unknown as DocumentNode<ClusterFieldsFragment, unknown>;
export const CrdReportFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CrdReportFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CrdCompatibilityReport"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"targetVersion"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"requiresApproval"}},{"kind":"Field","name":{"kind":"Name","value":"findings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"crdName"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"fieldPath"}},{"kind":"Field","name":{"kind":"Name","value":"changeType"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"schemaSeverity"}},{"kind":"Field","name":{"kind":"Name","value":"oldValue"}},{"kind":"Field","name":{"kind":"Name","value":"newValue"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjectCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjects"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"fieldPath"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"crdName"}},{"kind":"Field","name":{"kind":"Name","value":"apiVersion"}},{"kind":"Field","name":{"kind":"Name","value":"changeType"}},{"kind":"Field","name":{"kind":"Name","value":"preexisting"}}]}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjectsTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"requiresApproval"}},{"kind":"Field","name":{"kind":"Name","value":"complete"}},{"kind":"Field","name":{"kind":"Name","value":"reachable"}},{"kind":"Field","name":{"kind":"Name","value":"objectsScanned"}},{"kind":"Field","name":{"kind":"Name","value":"objectsBroken"}},{"kind":"Field","name":{"kind":"Name","value":"breakingFindings"}},{"kind":"Field","name":{"kind":"Name","value":"warningFindings"}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjects"}},{"kind":"Field","name":{"kind":"Name","value":"notCheckedRules"}},{"kind":"Field","name":{"kind":"Name","value":"errors"}}]}},{"kind":"Field","name":{"kind":"Name","value":"notChecked"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"crdName"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"objectCount"}}]}}]}}]} as unknown as DocumentNode<CrdReportFieldsFragment, unknown>;
export const CrdFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CrdFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Crd"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"group"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"plural"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"latestOperatorVersion"}},{"kind":"Field","name":{"kind":"Name","value":"operatorVersions"}},{"kind":"Field","name":{"kind":"Name","value":"storageVersion"}},{"kind":"Field","name":{"kind":"Name","value":"schemaDigest"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deprecatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deprecationReason"}},{"kind":"Field","name":{"kind":"Name","value":"migrationGuide"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"served"}},{"kind":"Field","name":{"kind":"Name","value":"storage"}},{"kind":"Field","name":{"kind":"Name","value":"deprecated"}}]}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"operatorVersion"}},{"kind":"Field","name":{"kind":"Name","value":"schemaDigest"}},{"kind":"Field","name":{"kind":"Name","value":"storageVersion"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"served"}},{"kind":"Field","name":{"kind":"Name","value":"storage"}}]}}]}}]}}]} as unknown as DocumentNode<CrdFieldsFragment, unknown>;
export const DeploymentFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"targetVersion"}},{"kind":"Field","name":{"kind":"Name","value":"previousVersion"}},{"kind":"Field","name":{"kind":"Name","value":"strategy"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"approvalStatus"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"initiatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"approvedBy"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackReason"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAction"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"successRate"}},{"kind":"Field","name":{"kind":"Name","value":"strategyConfig"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"wave"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"health"}},{"kind":"Field","name":{"kind":"Name","value":"healthMessage"}},{"kind":"Field","name":{"kind":"Name","value":"previousRevision"}},{"kind":"Field","name":{"kind":"Name","value":"releaseRevision"}}]}}]}}]} as unknown as DocumentNode<DeploymentFieldsFragment, unknown>;
export const OperatorFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OperatorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Operator"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"chartRepository"}},{"kind":"Field","name":{"kind":"Name","value":"chartName"}},{"kind":"Field","name":{"kind":"Name","value":"manifestUrlTemplate"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}},{"kind":"Field","name":{"kind":"Name","value":"latestVersion"}},{"kind":"Field","name":{"kind":"Name","value":"versions"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"defaultValues"}}]}}]} as unknown as DocumentNode<OperatorFieldsFragment, unknown>;
export const RegisterClusterDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterCluster"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterClusterInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerCluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClusterFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClusterFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"environment"}},{"kind":"Field","name":{"kind":"Name","value":"apiServerUrl"}},{"kind":"Field","name":{"kind":"Name","value":"tlsVerified"}},{"kind":"Field","name":{"kind":"Name","value":"kubernetesVersion"}},{"kind":"Field","name":{"kind":"Name","value":"nodeCount"}},{"kind":"Field","name":{"kind":"Name","value":"healthStatus"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"isEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}}]}}]} as unknown as DocumentNode<RegisterClusterMutation, RegisterClusterMutationVariables>;
export const UpdateClusterDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateCluster"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateClusterInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateCluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClusterFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClusterFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"environment"}},{"kind":"Field","name":{"kind":"Name","value":"apiServerUrl"}},{"kind":"Field","name":{"kind":"Name","value":"tlsVerified"}},{"kind":"Field","name":{"kind":"Name","value":"kubernetesVersion"}},{"kind":"Field","name":{"kind":"Name","value":"nodeCount"}},{"kind":"Field","name":{"kind":"Name","value":"healthStatus"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"isEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}}]}}]} as unknown as DocumentNode<UpdateClusterMutation, UpdateClusterMutationVariables>;
export const DeleteClusterDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteCluster"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteCluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}]}]}}]} as unknown as DocumentNode<DeleteClusterMutation, DeleteClusterMutationVariables>;
export const ClusterDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Cluster"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClusterFields"}},{"kind":"Field","name":{"kind":"Name","value":"operators"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClusterFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"environment"}},{"kind":"Field","name":{"kind":"Name","value":"apiServerUrl"}},{"kind":"Field","name":{"kind":"Name","value":"tlsVerified"}},{"kind":"Field","name":{"kind":"Name","value":"kubernetesVersion"}},{"kind":"Field","name":{"kind":"Name","value":"nodeCount"}},{"kind":"Field","name":{"kind":"Name","value":"healthStatus"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"isEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}}]}}]} as unknown as DocumentNode<ClusterQuery, ClusterQueryVariables>;
export const ClustersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Clusters"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environment"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Environment"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environment"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"environment"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ClustersQuery, ClustersQueryVariables>;
export const ClusterUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ClusterUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]}}]}}]} as unknown as DocumentNode<ClusterUpdatedSubscription, ClusterUpdatedSubscriptionVariables>;
export const ValidateCrdCompatibilityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ValidateCrdCompatibility"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"operatorName"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"targetVersion"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clusters"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validateCrdCompatibility"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"operatorName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"operatorName"}}},{"kind":"Argument","name":{"kind":"Name","value":"targetVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"targetVersion"}}},{"kind":"Argument","name":{"kind":"Name","value":"clusters"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clusters"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CrdReportFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CrdReportFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CrdCompatibilityReport"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"targetVersion"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"requiresApproval"}},{"kind":"Field","name":{"kind":"Name","value":"findings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"crdName"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"fieldPath"}},{"kind":"Field","name":{"kind":"Name","value":"changeType"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"schemaSeverity"}},{"kind":"Field","name":{"kind":"Name","value":"oldValue"}},{"kind":"Field","name":{"kind":"Name","value":"newValue"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjectCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjects"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"fieldPath"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"crdName"}},{"kind":"Field","name":{"kind":"Name","value":"apiVersion"}},{"kind":"Field","name":{"kind":"Name","value":"changeType"}},{"kind":"Field","name":{"kind":"Name","value":"preexisting"}}]}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjectsTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"requiresApproval"}},{"kind":"Field","name":{"kind":"Name","value":"complete"}},{"kind":"Field","name":{"kind":"Name","value":"reachable"}},{"kind":"Field","name":{"kind":"Name","value":"objectsScanned"}},{"kind":"Field","name":{"kind":"Name","value":"objectsBroken"}},{"kind":"Field","name":{"kind":"Name","value":"breakingFindings"}},{"kind":"Field","name":{"kind":"Name","value":"warningFindings"}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjects"}},{"kind":"Field","name":{"kind":"Name","value":"notCheckedRules"}},{"kind":"Field","name":{"kind":"Name","value":"errors"}}]}},{"kind":"Field","name":{"kind":"Name","value":"notChecked"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"crdName"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"objectCount"}}]}}]}}]} as unknown as DocumentNode<ValidateCrdCompatibilityMutation, ValidateCrdCompatibilityMutationVariables>;
export const CrdsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Crds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"operatorName"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"crds"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"operatorName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"operatorName"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CrdFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CrdFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Crd"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"group"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"plural"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"latestOperatorVersion"}},{"kind":"Field","name":{"kind":"Name","value":"operatorVersions"}},{"kind":"Field","name":{"kind":"Name","value":"storageVersion"}},{"kind":"Field","name":{"kind":"Name","value":"schemaDigest"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deprecatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deprecationReason"}},{"kind":"Field","name":{"kind":"Name","value":"migrationGuide"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"served"}},{"kind":"Field","name":{"kind":"Name","value":"storage"}},{"kind":"Field","name":{"kind":"Name","value":"deprecated"}}]}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"operatorVersion"}},{"kind":"Field","name":{"kind":"Name","value":"schemaDigest"}},{"kind":"Field","name":{"kind":"Name","value":"storageVersion"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"served"}},{"kind":"Field","name":{"kind":"Name","value":"storage"}}]}}]}}]}}]} as unknown as DocumentNode<CrdsQuery, CrdsQueryVariables>;
export const CrdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Crd"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"crd"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CrdFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CrdFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Crd"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"group"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"plural"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"latestOperatorVersion"}},{"kind":"Field","name":{"kind":"Name","value":"operatorVersions"}},{"kind":"Field","name":{"kind":"Name","value":"storageVersion"}},{"kind":"Field","name":{"kind":"Name","value":"schemaDigest"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deprecatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deprecationReason"}},{"kind":"Field","name":{"kind":"Name","value":"migrationGuide"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"served"}},{"kind":"Field","name":{"kind":"Name","value":"storage"}},{"kind":"Field","name":{"kind":"Name","value":"deprecated"}}]}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"operatorVersion"}},{"kind":"Field","name":{"kind":"Name","value":"schemaDigest"}},{"kind":"Field","name":{"kind":"Name","value":"storageVersion"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"served"}},{"kind":"Field","name":{"kind":"Name","value":"storage"}}]}}]}}]}}]} as unknown as DocumentNode<CrdQuery, CrdQueryVariables>;
export const CrdVersionSchemaDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CrdVersionSchema"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"crd"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"schema"}}]}}]}}]}}]} as unknown as DocumentNode<CrdVersionSchemaQuery, CrdVersionSchemaQueryVariables>;
export const DeprecateCrdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeprecateCrd"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeprecateCrdInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deprecateCrd"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CrdFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CrdFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Crd"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"group"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"plural"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"latestOperatorVersion"}},{"kind":"Field","name":{"kind":"Name","value":"operatorVersions"}},{"kind":"Field","name":{"kind":"Name","value":"storageVersion"}},{"kind":"Field","name":{"kind":"Name","value":"schemaDigest"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deprecatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deprecationReason"}},{"kind":"Field","name":{"kind":"Name","value":"migrationGuide"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"served"}},{"kind":"Field","name":{"kind":"Name","value":"storage"}},{"kind":"Field","name":{"kind":"Name","value":"deprecated"}}]}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"operatorVersion"}},{"kind":"Field","name":{"kind":"Name","value":"schemaDigest"}},{"kind":"Field","name":{"kind":"Name","value":"storageVersion"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"served"}},{"kind":"Field","name":{"kind":"Name","value":"storage"}}]}}]}}]}}]} as unknown as DocumentNode<DeprecateCrdMutation, DeprecateCrdMutationVariables>;
export const ReactivateCrdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReactivateCrd"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reactivateCrd"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deprecationReason"}}]}}]}}]} as unknown as DocumentNode<ReactivateCrdMutation, ReactivateCrdMutationVariables>;
export const DeploymentCrdGateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DeploymentCrdGate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deployment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"approvalStatus"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"crdReport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CrdReportFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"events"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"approvals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"}},{"kind":"Field","name":{"kind":"Name","value":"crdReport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"requiresApproval"}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjects"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"fieldPath"}},{"kind":"Field","name":{"kind":"Name","value":"category"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"notifications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"target"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CrdReportFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CrdCompatibilityReport"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"targetVersion"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"requiresApproval"}},{"kind":"Field","name":{"kind":"Name","value":"findings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"crdName"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"fieldPath"}},{"kind":"Field","name":{"kind":"Name","value":"changeType"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"schemaSeverity"}},{"kind":"Field","name":{"kind":"Name","value":"oldValue"}},{"kind":"Field","name":{"kind":"Name","value":"newValue"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjectCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjects"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"fieldPath"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"crdName"}},{"kind":"Field","name":{"kind":"Name","value":"apiVersion"}},{"kind":"Field","name":{"kind":"Name","value":"changeType"}},{"kind":"Field","name":{"kind":"Name","value":"preexisting"}}]}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjectsTruncated"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"compatible"}},{"kind":"Field","name":{"kind":"Name","value":"requiresApproval"}},{"kind":"Field","name":{"kind":"Name","value":"complete"}},{"kind":"Field","name":{"kind":"Name","value":"reachable"}},{"kind":"Field","name":{"kind":"Name","value":"objectsScanned"}},{"kind":"Field","name":{"kind":"Name","value":"objectsBroken"}},{"kind":"Field","name":{"kind":"Name","value":"breakingFindings"}},{"kind":"Field","name":{"kind":"Name","value":"warningFindings"}},{"kind":"Field","name":{"kind":"Name","value":"affectedObjects"}},{"kind":"Field","name":{"kind":"Name","value":"notCheckedRules"}},{"kind":"Field","name":{"kind":"Name","value":"errors"}}]}},{"kind":"Field","name":{"kind":"Name","value":"notChecked"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"crdName"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"objectCount"}}]}}]}}]} as unknown as DocumentNode<DeploymentCrdGateQuery, DeploymentCrdGateQueryVariables>;
export const CreateDeploymentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateDeployment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateDeploymentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createDeployment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"targetVersion"}},{"kind":"Field","name":{"kind":"Name","value":"previousVersion"}},{"kind":"Field","name":{"kind":"Name","value":"strategy"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"approvalStatus"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"initiatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"approvedBy"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackReason"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAction"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"successRate"}},{"kind":"Field","name":{"kind":"Name","value":"strategyConfig"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"wave"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"health"}},{"kind":"Field","name":{"kind":"Name","value":"healthMessage"}},{"kind":"Field","name":{"kind":"Name","value":"previousRevision"}},{"kind":"Field","name":{"kind":"Name","value":"releaseRevision"}}]}}]}}]} as unknown as DocumentNode<CreateDeploymentMutation, CreateDeploymentMutationVariables>;
export const CancelDeploymentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelDeployment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelDeployment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAction"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}}]}}]}}]} as unknown as DocumentNode<CancelDeploymentMutation, CancelDeploymentMutationVariables>;
export const PromoteDeploymentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PromoteDeployment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promoteDeployment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAction"}}]}}]}}]} as unknown as DocumentNode<PromoteDeploymentMutation, PromoteDeploymentMutationVariables>;
export const RollbackDeploymentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RollbackDeployment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rollbackDeployment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackReason"}}]}}]}}]} as unknown as DocumentNode<RollbackDeploymentMutation, RollbackDeploymentMutationVariables>;
export const DeploymentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Deployment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"afterSequence"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deployment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}},{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"afterSequence"},"value":{"kind":"Variable","name":{"kind":"Name","value":"afterSequence"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}}]}},{"kind":"Field","name":{"kind":"Name","value":"approvals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"targetVersion"}},{"kind":"Field","name":{"kind":"Name","value":"previousVersion"}},{"kind":"Field","name":{"kind":"Name","value":"strategy"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"approvalStatus"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"initiatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"approvedBy"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackReason"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAction"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"successRate"}},{"kind":"Field","name":{"kind":"Name","value":"strategyConfig"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"wave"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"health"}},{"kind":"Field","name":{"kind":"Name","value":"healthMessage"}},{"kind":"Field","name":{"kind":"Name","value":"previousRevision"}},{"kind":"Field","name":{"kind":"Name","value":"releaseRevision"}}]}}]}}]} as unknown as DocumentNode<DeploymentQuery, DeploymentQueryVariables>;
export const DeploymentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Deployments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"operatorName"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeploymentStatus"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deployments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"operatorName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"operatorName"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"targetVersion"}}]}}]}}]}}]}}]} as unknown as DocumentNode<DeploymentsQuery, DeploymentsQueryVariables>;
export const ApprovalsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Approvals"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ApprovalStatus"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approvals"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"environment"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"}},{"kind":"Field","name":{"kind":"Name","value":"comment"}},{"kind":"Field","name":{"kind":"Name","value":"details"}}]}}]}}]} as unknown as DocumentNode<ApprovalsQuery, ApprovalsQueryVariables>;
export const ApproveDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Approve"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"comment"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approve"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"comment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"comment"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"}},{"kind":"Field","name":{"kind":"Name","value":"comment"}}]}}]}}]} as unknown as DocumentNode<ApproveMutation, ApproveMutationVariables>;
export const RejectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Reject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"}},{"kind":"Field","name":{"kind":"Name","value":"comment"}}]}}]}}]} as unknown as DocumentNode<RejectMutation, RejectMutationVariables>;
export const CheckClusterHealthDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CheckClusterHealth"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkClusterHealth"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"healthStatus"}},{"kind":"Field","name":{"kind":"Name","value":"healthMessage"}},{"kind":"Field","name":{"kind":"Name","value":"lastHealthCheckAt"}},{"kind":"Field","name":{"kind":"Name","value":"kubernetesVersion"}},{"kind":"Field","name":{"kind":"Name","value":"nodeCount"}}]}}]}}]} as unknown as DocumentNode<CheckClusterHealthMutation, CheckClusterHealthMutationVariables>;
export const OperatorHealthDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OperatorHealth"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"operatorName"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operatorHealth"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"operatorName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"operatorName"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operatorName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterName"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"revision"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"objectCounts"}}]}}]}}]}}]} as unknown as DocumentNode<OperatorHealthQuery, OperatorHealthQueryVariables>;
export const ClusterHealthDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ClusterHealth"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"healthStatus"}},{"kind":"Field","name":{"kind":"Name","value":"healthMessage"}},{"kind":"Field","name":{"kind":"Name","value":"lastHealthCheckAt"}},{"kind":"Field","name":{"kind":"Name","value":"kubernetesVersion"}},{"kind":"Field","name":{"kind":"Name","value":"nodeCount"}},{"kind":"Field","name":{"kind":"Name","value":"tlsVerified"}}]}}]}}]} as unknown as DocumentNode<ClusterHealthQuery, ClusterHealthQueryVariables>;
export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sub"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}},{"kind":"Field","name":{"kind":"Name","value":"environments"}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const AuditEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AuditEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"actor"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"targetType"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"targetName"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"actor"},"value":{"kind":"Variable","name":{"kind":"Name","value":"actor"}}},{"kind":"Argument","name":{"kind":"Name","value":"targetType"},"value":{"kind":"Variable","name":{"kind":"Name","value":"targetType"}}},{"kind":"Argument","name":{"kind":"Name","value":"targetName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"targetName"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"targetType"}},{"kind":"Field","name":{"kind":"Name","value":"targetName"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"details"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AuditEventsQuery, AuditEventsQueryVariables>;
export const RegisterOperatorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterOperator"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterOperatorInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerOperator"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"OperatorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OperatorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Operator"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"chartRepository"}},{"kind":"Field","name":{"kind":"Name","value":"chartName"}},{"kind":"Field","name":{"kind":"Name","value":"manifestUrlTemplate"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}},{"kind":"Field","name":{"kind":"Name","value":"latestVersion"}},{"kind":"Field","name":{"kind":"Name","value":"versions"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"defaultValues"}}]}}]} as unknown as DocumentNode<RegisterOperatorMutation, RegisterOperatorMutationVariables>;
export const UpdateOperatorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateOperator"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateOperatorInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateOperator"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"OperatorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OperatorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Operator"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"chartRepository"}},{"kind":"Field","name":{"kind":"Name","value":"chartName"}},{"kind":"Field","name":{"kind":"Name","value":"manifestUrlTemplate"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}},{"kind":"Field","name":{"kind":"Name","value":"latestVersion"}},{"kind":"Field","name":{"kind":"Name","value":"versions"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"defaultValues"}}]}}]} as unknown as DocumentNode<UpdateOperatorMutation, UpdateOperatorMutationVariables>;
export const DeleteOperatorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteOperator"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteOperator"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}]}]}}]} as unknown as DocumentNode<DeleteOperatorMutation, DeleteOperatorMutationVariables>;
export const OperatorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Operator"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operator"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"OperatorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"OperatorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Operator"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"chartRepository"}},{"kind":"Field","name":{"kind":"Name","value":"chartName"}},{"kind":"Field","name":{"kind":"Name","value":"manifestUrlTemplate"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}},{"kind":"Field","name":{"kind":"Name","value":"latestVersion"}},{"kind":"Field","name":{"kind":"Name","value":"versions"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"defaultValues"}}]}}]} as unknown as DocumentNode<OperatorQuery, OperatorQueryVariables>;
export const OperatorsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Operators"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operators"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<OperatorsQuery, OperatorsQueryVariables>;