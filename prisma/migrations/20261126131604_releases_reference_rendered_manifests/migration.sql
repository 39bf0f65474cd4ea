-- AlterTable
ALTER TABLE "deployments" ADD COLUMN     "manifest_digest" VARCHAR(80);

-- AlterTable
ALTER TABLE "releases" DROP COLUMN "manifests";

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_manifest_digest_fkey" FOREIGN KEY ("manifest_digest") REFERENCES "rendered_manifests"("digest") ON DELETE RESTRICT ON UPDATE CASCADE;
