-- CreateIndex
CREATE INDEX "AsRun_zoneId_actualStart_idx" ON "AsRun"("zoneId", "actualStart");

