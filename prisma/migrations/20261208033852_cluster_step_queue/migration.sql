-- AlterTable
ALTER TABLE "cluster_deployments" ADD COLUMN     "claimed_by" VARCHAR(255),
ADD COLUMN     "claimed_until" TIMESTAMPTZ(3),
ADD COLUMN     "queued_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "idx_cluster_deployments_queued_at" ON "cluster_deployments"("queued_at");
