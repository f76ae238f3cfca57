-- CreateIndex
CREATE INDEX "AsRun_report_item_idx" ON "AsRun"("localDate", "itemId", "categoryId", "priority", "itemKind", "status", "source", "durationMs");

-- CreateIndex
CREATE INDEX "AsRun_report_zone_idx" ON "AsRun"("localDate", "zoneId", "campaignId", "status", "source", "durationMs");

