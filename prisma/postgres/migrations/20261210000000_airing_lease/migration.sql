-- AlterTable
ALTER TABLE "Airing" ADD COLUMN     "attempt" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "heartbeatAt" TIMESTAMP(3),
ADD COLUMN     "leaseOwner" TEXT,
ADD COLUMN     "leaseUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AiringDropout" (
    "id" SERIAL NOT NULL,
    "airingId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AiringDropout_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AiringDropout_airingId_idx" ON "AiringDropout"("airingId");

-- CreateIndex
CREATE INDEX "AiringDropout_zoneId_startedAt_idx" ON "AiringDropout"("zoneId", "startedAt");

-- CreateIndex
CREATE INDEX "Airing_status_leaseUntil_idx" ON "Airing"("status", "leaseUntil");

-- AddForeignKey
ALTER TABLE "AiringDropout" ADD CONSTRAINT "AiringDropout_airingId_fkey" FOREIGN KEY ("airingId") REFERENCES "Airing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

