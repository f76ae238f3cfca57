-- AlterTable
ALTER TABLE "Zone" ADD COLUMN     "workerGroup" TEXT;

-- AlterTable
ALTER TABLE "AudioAsset" ADD COLUMN     "layout" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "renderKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "AudioAsset_renderKey_key" ON "AudioAsset"("renderKey");

