-- AlterTable
ALTER TABLE "Airing" ADD COLUMN     "audioMs" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "dutyName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "outcome" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "reasonCode" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "reasonParams" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "sessionKey" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "settled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "startedById" INTEGER;

-- AlterTable
ALTER TABLE "AsRun" ADD COLUMN     "counted" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "noteCode" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "noteParams" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "plannedMs" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "role" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "sessionKey" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "settled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "unit" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "unitKey" TEXT;

-- CreateTable
CREATE TABLE "AsRunCampaign" (
    "asRunId" INTEGER NOT NULL,
    "campaignId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "localDate" TEXT NOT NULL,
    "inserted" BOOLEAN NOT NULL DEFAULT false,
    "makeGood" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "AsRunCampaign_pkey" PRIMARY KEY ("asRunId","campaignId")
);

-- CreateTable
CREATE TABLE "ChannelStat" (
    "month" TEXT NOT NULL,
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
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelStat_pkey" PRIMARY KEY ("month")
);

-- CreateTable
CREATE TABLE "ReportSetting" (
    "id" INTEGER NOT NULL,
    "issuerCode" TEXT NOT NULL DEFAULT '',
    "preparerTitle" TEXT NOT NULL DEFAULT 'NGƯỜI LẬP BIỂU',
    "preparerName" TEXT NOT NULL DEFAULT '',
    "signerTitle" TEXT NOT NULL DEFAULT 'GIÁM ĐỐC',
    "signerName" TEXT NOT NULL DEFAULT '',
    "recipients" TEXT NOT NULL DEFAULT '[]',
    "dutyRoster" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReportSetting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AsRunCampaign_campaignId_zoneId_localDate_idx" ON "AsRunCampaign"("campaignId", "zoneId", "localDate");

-- CreateIndex
CREATE INDEX "Airing_settled_status_idx" ON "Airing"("settled", "status");

-- CreateIndex
CREATE INDEX "Airing_localDate_sessionKey_idx" ON "Airing"("localDate", "sessionKey");

-- CreateIndex
CREATE UNIQUE INDEX "AsRun_unitKey_key" ON "AsRun"("unitKey");

-- CreateIndex
CREATE INDEX "AsRun_settled_status_idx" ON "AsRun"("settled", "status");

-- CreateIndex
CREATE INDEX "AsRun_play_idx" ON "AsRun"("localDate", "itemId", "categoryId", "priority", "itemKind", "role", "status", "source", "counted", "unit", "durationMs");

-- CreateIndex
CREATE INDEX "AsRun_zone_play_idx" ON "AsRun"("localDate", "zoneId", "role", "counted");

-- AddForeignKey
ALTER TABLE "AsRunCampaign" ADD CONSTRAINT "AsRunCampaign_asRunId_fkey" FOREIGN KEY ("asRunId") REFERENCES "AsRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AsRunCampaign" ADD CONSTRAINT "AsRunCampaign_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

