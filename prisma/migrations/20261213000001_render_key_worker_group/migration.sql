-- Zone affinity: the worker group whose machine airs the zone (NULL: any worker).
-- AlterTable
ALTER TABLE "Zone" ADD COLUMN "workerGroup" TEXT;

-- Shared renders: one file per run-down hash, with its line layout.
-- (Columns added in place: redefining AudioAsset would run the ON DELETE SET NULL actions
-- of the items and airings that point to it.)
-- AlterTable
ALTER TABLE "AudioAsset" ADD COLUMN "renderKey" TEXT;
ALTER TABLE "AudioAsset" ADD COLUMN "layout" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE UNIQUE INDEX "AudioAsset_renderKey_key" ON "AudioAsset"("renderKey");
