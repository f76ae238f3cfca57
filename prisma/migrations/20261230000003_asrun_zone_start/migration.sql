-- A zone's as-run log in time order: the as-run list filtered by zone walks it newest first.
CREATE INDEX "AsRun_zoneId_actualStart_idx" ON "AsRun"("zoneId", "actualStart");
