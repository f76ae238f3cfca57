-- Airing claim as a lease (worker/lease.ts) and the dropout log (audio sinks' onDropout).
-- AlterTable
ALTER TABLE "Airing" ADD COLUMN "leaseOwner" TEXT;
ALTER TABLE "Airing" ADD COLUMN "leaseUntil" DATETIME;
ALTER TABLE "Airing" ADD COLUMN "heartbeatAt" DATETIME;
ALTER TABLE "Airing" ADD COLUMN "attempt" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "AiringDropout" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "airingId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "endedAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AiringDropout_airingId_fkey" FOREIGN KEY ("airingId") REFERENCES "Airing" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Airing_status_leaseUntil_idx" ON "Airing"("status", "leaseUntil");

-- CreateIndex
CREATE INDEX "AiringDropout_airingId_idx" ON "AiringDropout"("airingId");

-- CreateIndex
CREATE INDEX "AiringDropout_zoneId_startedAt_idx" ON "AiringDropout"("zoneId", "startedAt");
