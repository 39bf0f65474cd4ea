-- CreateTable
CREATE TABLE "operators" (
    "operator_id" VARCHAR(255) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "namespace" VARCHAR(255) NOT NULL,
    "chart_repository" TEXT,
    "chart_name" VARCHAR(255),
    "manifest_url_template" TEXT,
    "current_version" VARCHAR(50),
    "latest_version" VARCHAR(50),
    "versions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "versions_refreshed_at" TIMESTAMPTZ(3),
    "labels" JSONB NOT NULL DEFAULT '{}',
    "default_values" JSONB NOT NULL DEFAULT '{}',
    "deployed_cluster_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "operators_pkey" PRIMARY KEY ("operator_id")
);

-- CreateTable
CREATE TABLE "clusters" (
    "cluster_id" VARCHAR(255) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "environment" VARCHAR(50) NOT NULL,
    "kubeconfig_encrypted" TEXT NOT NULL,
    "kubeconfig_key_id" VARCHAR(64) NOT NULL,
    "api_server_url" TEXT NOT NULL,
    "tls_insecure" BOOLEAN NOT NULL DEFAULT false,
    "kubernetes_version" VARCHAR(50),
    "node_count" INTEGER DEFAULT 0,
    "health_status" VARCHAR(50) NOT NULL DEFAULT 'UNKNOWN',
    "health_message" TEXT,
    "last_health_check_at" TIMESTAMPTZ(3),
    "labels" JSONB NOT NULL DEFAULT '{}',
    "is_enabled" BOOLEAN NOT NULL DEFAULT true,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("cluster_id")
);

-- CreateTable
CREATE TABLE "deployments" (
    "deployment_id" VARCHAR(255) NOT NULL,
    "operator_id" VARCHAR(255) NOT NULL,
    "operator_name" VARCHAR(255) NOT NULL,
    "target_version" VARCHAR(50) NOT NULL,
    "previous_version" VARCHAR(50),
    "strategy" VARCHAR(50) NOT NULL,
    "target_clusters" TEXT[],
    "status" VARCHAR(50) NOT NULL DEFAULT 'PLANNING',
    "strategy_config" JSONB,
    "helm_values" JSONB NOT NULL DEFAULT '{}',
    "initiated_by" VARCHAR(255) NOT NULL,
    "approval_status" VARCHAR(50) NOT NULL DEFAULT 'NOT_REQUIRED',
    "approved_by" VARCHAR(255),
    "approved_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "error_message" TEXT,
    "rollback_reason" TEXT,
    "rolled_back_at" TIMESTAMPTZ(3),
    "auto_rollback_enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_owner" VARCHAR(255),
    "lease_expires_at" TIMESTAMPTZ(3),
    "last_sequence" INTEGER NOT NULL DEFAULT 0,
    "requested_action" VARCHAR(50),
    "engine_state" JSONB NOT NULL DEFAULT '{}',
    "crd_report" JSONB,
    "warnings" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("deployment_id")
);

-- CreateTable
CREATE TABLE "cluster_deployments" (
    "id" SERIAL NOT NULL,
    "deployment_id" VARCHAR(255) NOT NULL,
    "cluster_name" VARCHAR(255) NOT NULL,
    "status" VARCHAR(50) NOT NULL DEFAULT 'PENDING',
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "error_message" TEXT,
    "health_check_result" JSONB,
    "wave" INTEGER NOT NULL DEFAULT 0,
    "position" INTEGER NOT NULL DEFAULT 0,
    "previous_revision" INTEGER,
    "release_revision" INTEGER,
    "changed" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "cluster_deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "crds" (
    "crd_id" VARCHAR(255) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "group" VARCHAR(255) NOT NULL,
    "versions" TEXT[],
    "scope" VARCHAR(50) NOT NULL DEFAULT 'Namespaced',
    "operator_name" VARCHAR(255) NOT NULL,
    "operator_version" VARCHAR(50) NOT NULL,
    "schema_definition" TEXT NOT NULL,
    "schema_version" VARCHAR(50) NOT NULL DEFAULT '1.0',
    "schema_digest" VARCHAR(80),
    "kind" VARCHAR(255),
    "plural" VARCHAR(255),
    "storage_version" VARCHAR(50),
    "served_versions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" VARCHAR(50) NOT NULL DEFAULT 'ACTIVE',
    "approval_status" VARCHAR(50) DEFAULT 'NOT_REQUIRED',
    "approved_by" VARCHAR(255),
    "approved_at" TIMESTAMPTZ(3),
    "deprecated_at" TIMESTAMPTZ(3),
    "deprecation_reason" TEXT,
    "migration_guide" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "crds_pkey" PRIMARY KEY ("crd_id")
);

-- CreateTable
CREATE TABLE "releases" (
    "release_id" VARCHAR(255) NOT NULL,
    "operator_id" VARCHAR(255) NOT NULL,
    "cluster_id" VARCHAR(255) NOT NULL,
    "operator_name" VARCHAR(255) NOT NULL,
    "cluster_name" VARCHAR(255) NOT NULL,
    "version" VARCHAR(50) NOT NULL,
    "revision" INTEGER NOT NULL,
    "namespace" VARCHAR(255) NOT NULL,
    "status" VARCHAR(50) NOT NULL DEFAULT 'DEPLOYED',
    "inventory" JSONB NOT NULL DEFAULT '[]',
    "manifests" TEXT NOT NULL,
    "manifest_digest" VARCHAR(80) NOT NULL,
    "values" JSONB NOT NULL DEFAULT '{}',
    "values_digest" VARCHAR(80) NOT NULL,
    "deployment_id" VARCHAR(255),
    "health" VARCHAR(50),
    "health_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "releases_pkey" PRIMARY KEY ("release_id")
);

-- CreateTable
CREATE TABLE "deployment_events" (
    "id" BIGSERIAL NOT NULL,
    "deployment_id" VARCHAR(255) NOT NULL,
    "sequence" INTEGER NOT NULL,
    "cluster_name" VARCHAR(255),
    "status" VARCHAR(50) NOT NULL,
    "message" TEXT NOT NULL,
    "progress" DOUBLE PRECISION,
    "timestamp" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deployment_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approvals" (
    "approval_id" VARCHAR(255) NOT NULL,
    "kind" VARCHAR(50) NOT NULL,
    "status" VARCHAR(50) NOT NULL DEFAULT 'PENDING',
    "deployment_id" VARCHAR(255),
    "environment" VARCHAR(50),
    "requested_by" VARCHAR(255) NOT NULL,
    "decided_by" VARCHAR(255),
    "decided_at" TIMESTAMPTZ(3),
    "comment" TEXT,
    "details" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approvals_pkey" PRIMARY KEY ("approval_id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "notification_id" VARCHAR(255) NOT NULL,
    "approval_id" VARCHAR(255) NOT NULL,
    "channel" VARCHAR(50) NOT NULL,
    "target" TEXT NOT NULL,
    "status" VARCHAR(50) NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("notification_id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "actor" VARCHAR(255) NOT NULL,
    "action" VARCHAR(100) NOT NULL,
    "target_type" VARCHAR(50) NOT NULL,
    "target_name" VARCHAR(255),
    "request_id" VARCHAR(100),
    "details" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health_checks" (
    "id" BIGSERIAL NOT NULL,
    "cluster_id" VARCHAR(255) NOT NULL,
    "operator_name" VARCHAR(255),
    "status" VARCHAR(50) NOT NULL,
    "message" TEXT,
    "details" JSONB,
    "checked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "health_checks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rendered_manifests" (
    "digest" VARCHAR(80) NOT NULL,
    "operator_name" VARCHAR(255) NOT NULL,
    "version" VARCHAR(50) NOT NULL,
    "manifests" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rendered_manifests_pkey" PRIMARY KEY ("digest")
);

-- CreateIndex
CREATE UNIQUE INDEX "operators_name_key" ON "operators"("name");

-- CreateIndex
CREATE INDEX "idx_operators_name" ON "operators"("name");

-- CreateIndex
CREATE UNIQUE INDEX "clusters_name_key" ON "clusters"("name");

-- CreateIndex
CREATE INDEX "idx_clusters_environment" ON "clusters"("environment");

-- CreateIndex
CREATE INDEX "idx_deployments_operator_id" ON "deployments"("operator_id");

-- CreateIndex
CREATE INDEX "idx_deployments_status" ON "deployments"("status");

-- CreateIndex
CREATE INDEX "idx_cluster_deployments_deployment_id" ON "cluster_deployments"("deployment_id");

-- CreateIndex
CREATE UNIQUE INDEX "cluster_deployments_deployment_id_cluster_name_key" ON "cluster_deployments"("deployment_id", "cluster_name");

-- CreateIndex
CREATE INDEX "idx_crds_operator_name" ON "crds"("operator_name");

-- CreateIndex
CREATE UNIQUE INDEX "crds_name_operator_name_operator_version_key" ON "crds"("name", "operator_name", "operator_version");

-- CreateIndex
CREATE INDEX "releases_cluster_id_idx" ON "releases"("cluster_id");

-- CreateIndex
CREATE UNIQUE INDEX "releases_operator_id_cluster_id_revision_key" ON "releases"("operator_id", "cluster_id", "revision");

-- CreateIndex
CREATE UNIQUE INDEX "deployment_events_deployment_id_sequence_key" ON "deployment_events"("deployment_id", "sequence");

-- CreateIndex
CREATE INDEX "approvals_status_idx" ON "approvals"("status");

-- CreateIndex
CREATE INDEX "notifications_status_next_attempt_at_idx" ON "notifications"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "audit_events_created_at_idx" ON "audit_events"("created_at");

-- CreateIndex
CREATE INDEX "audit_events_target_type_target_name_idx" ON "audit_events"("target_type", "target_name");

-- CreateIndex
CREATE INDEX "health_checks_cluster_id_checked_at_idx" ON "health_checks"("cluster_id", "checked_at");

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("operator_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cluster_deployments" ADD CONSTRAINT "cluster_deployments_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("deployment_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("operator_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("cluster_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployment_events" ADD CONSTRAINT "deployment_events_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("deployment_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("deployment_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_approval_id_fkey" FOREIGN KEY ("approval_id") REFERENCES "approvals"("approval_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "health_checks" ADD CONSTRAINT "health_checks_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("cluster_id") ON DELETE CASCADE ON UPDATE CASCADE;
