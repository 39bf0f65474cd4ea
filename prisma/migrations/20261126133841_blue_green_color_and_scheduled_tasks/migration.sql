-- AlterTable
ALTER TABLE "releases" ADD COLUMN     "color" VARCHAR(10);

-- CreateTable
CREATE TABLE "scheduled_tasks" (
    "id" BIGSERIAL NOT NULL,
    "kind" VARCHAR(50) NOT NULL,
    "subject" VARCHAR(255) NOT NULL,
    "deployment_id" VARCHAR(255),
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "claimed_by" VARCHAR(255),
    "claimed_until" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "done_at" TIMESTAMPTZ(3),
    "result" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scheduled_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scheduled_tasks_done_at_due_at_idx" ON "scheduled_tasks"("done_at", "due_at");

-- CreateIndex
CREATE INDEX "scheduled_tasks_subject_idx" ON "scheduled_tasks"("subject");
