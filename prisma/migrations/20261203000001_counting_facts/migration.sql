-- CreateTable
CREATE TABLE "AsRunCampaign" (
    "asRunId" INTEGER NOT NULL,
    "campaignId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "localDate" TEXT NOT NULL,
    "inserted" BOOLEAN NOT NULL DEFAULT false,
    "makeGood" BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY ("asRunId", "campaignId"),
    CONSTRAINT "AsRunCampaign_asRunId_fkey" FOREIGN KEY ("asRunId") REFERENCES "AsRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AsRunCampaign_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ChannelStat" (
    "month" TEXT NOT NULL PRIMARY KEY,
    "directiveDocs" INTEGER NOT NULL DEFAULT 0,
    "directiveNote" TEXT NOT NULL DEFAULT '',
    "fanpagePosts" INTEGER NOT NULL DEFAULT 0,
    "fanpageNote" TEXT NOT NULL DEFAULT '',
    "radioItemsSent" INTEGER NOT NULL DEFAULT 0,
    "radioNote" TEXT NOT NULL DEFAULT '',
    "tvItemsSent" INTEGER NOT NULL DEFAULT 0,
    "tvNote" TEXT NOT NULL DEFAULT '',
    "portalArticles" INTEGER NOT NULL DEFAULT 0,
    "portalNote" TEXT NOT NULL DEFAULT '',
    "updatedById" INTEGER,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ReportSetting" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "issuerCode" TEXT NOT NULL DEFAULT '',
    "preparerTitle" TEXT NOT NULL DEFAULT 'NGƯỜI LẬP BIỂU',
    "preparerName" TEXT NOT NULL DEFAULT '',
    "signerTitle" TEXT NOT NULL DEFAULT 'GIÁM ĐỐC',
    "signerName" TEXT NOT NULL DEFAULT '',
    "recipients" TEXT NOT NULL DEFAULT '[]',
    "dutyRoster" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" DATETIME NOT NULL
);

-- Counting facts (additive: ALTER TABLE keeps other helpers' columns and rows intact).
ALTER TABLE "Airing" ADD COLUMN "startedById" INTEGER;
ALTER TABLE "Airing" ADD COLUMN "sessionKey" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Airing" ADD COLUMN "audioMs" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Airing" ADD COLUMN "outcome" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Airing" ADD COLUMN "reasonCode" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Airing" ADD COLUMN "reasonParams" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "Airing" ADD COLUMN "dutyName" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Airing" ADD COLUMN "settled" BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX "Airing_settled_status_idx" ON "Airing"("settled", "status");
CREATE INDEX "Airing_localDate_sessionKey_idx" ON "Airing"("localDate", "sessionKey");

ALTER TABLE "AsRun" ADD COLUMN "plannedMs" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "AsRun" ADD COLUMN "role" TEXT NOT NULL DEFAULT '';
ALTER TABLE "AsRun" ADD COLUMN "sessionKey" TEXT NOT NULL DEFAULT '';
ALTER TABLE "AsRun" ADD COLUMN "counted" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "AsRun" ADD COLUMN "unitKey" TEXT;
ALTER TABLE "AsRun" ADD COLUMN "unit" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "AsRun" ADD COLUMN "noteCode" TEXT NOT NULL DEFAULT '';
ALTER TABLE "AsRun" ADD COLUMN "noteParams" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "AsRun" ADD COLUMN "settled" BOOLEAN NOT NULL DEFAULT false;
CREATE UNIQUE INDEX "AsRun_unitKey_key" ON "AsRun"("unitKey");
CREATE INDEX "AsRun_settled_status_idx" ON "AsRun"("settled", "status");
CREATE INDEX "AsRun_zone_play_idx" ON "AsRun"("localDate", "zoneId", "role", "counted");
CREATE INDEX "AsRun_play_idx" ON "AsRun"("localDate", "itemId", "categoryId", "priority", "itemKind", "role", "status", "source", "counted", "unit", "durationMs");


-- CreateIndex
CREATE INDEX "AsRunCampaign_campaignId_zoneId_localDate_idx" ON "AsRunCampaign"("campaignId", "zoneId", "localDate");

