-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Commune" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "unitName" TEXT NOT NULL DEFAULT '',
    "place" TEXT NOT NULL DEFAULT '',
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Commune_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT true,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Zone" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "village" TEXT NOT NULL DEFAULT '',
    "outputKind" TEXT NOT NULL,
    "outputConfig" TEXT NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Zone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Category" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "nameVi" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "builtin" BOOLEAN NOT NULL DEFAULT false,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Item" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "categoryId" INTEGER,
    "sourceRef" TEXT NOT NULL DEFAULT '',
    "validFrom" TEXT,
    "validTo" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "statusReason" TEXT NOT NULL DEFAULT '',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "ttsText" TEXT,
    "ttsVoice" TEXT,
    "ttsRate" INTEGER,
    "relayUrl" TEXT,
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "originalAssetId" INTEGER,
    "canonicalAssetId" INTEGER,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "createdById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AudioAsset" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "codec" TEXT NOT NULL DEFAULT '',
    "sampleRate" INTEGER NOT NULL DEFAULT 0,
    "channels" INTEGER NOT NULL DEFAULT 0,
    "loudnessI" DOUBLE PRECISION,
    "truePeak" DOUBLE PRECISION,
    "lra" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AudioAsset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Program" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "introItemId" INTEGER,
    "outroItemId" INTEGER,
    "gapMs" INTEGER NOT NULL DEFAULT 1000,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Program_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProgramEntry" (
    "id" SERIAL NOT NULL,
    "programId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "ProgramEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Schedule" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "programId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "daysOfWeek" TEXT NOT NULL DEFAULT '',
    "startTime" TEXT NOT NULL,
    "date" TEXT,
    "validFrom" TEXT,
    "validTo" TEXT,
    "maxDurationSec" INTEGER NOT NULL DEFAULT 3600,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduleZone" (
    "scheduleId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,

    CONSTRAINT "ScheduleZone_pkey" PRIMARY KEY ("scheduleId","zoneId")
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "startDate" TEXT NOT NULL,
    "endDate" TEXT NOT NULL,
    "perDay" INTEGER,
    "perWeek" INTEGER,
    "minGapMin" INTEGER NOT NULL DEFAULT 0,
    "maxPerSession" INTEGER NOT NULL DEFAULT 1,
    "windows" TEXT NOT NULL DEFAULT '[]',
    "allZones" BOOLEAN NOT NULL DEFAULT true,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignItem" (
    "campaignId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,

    CONSTRAINT "CampaignItem_pkey" PRIMARY KEY ("campaignId","itemId")
);

-- CreateTable
CREATE TABLE "CampaignZone" (
    "campaignId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,

    CONSTRAINT "CampaignZone_pkey" PRIMARY KEY ("campaignId","zoneId")
);

-- CreateTable
CREATE TABLE "Shortfall" (
    "id" SERIAL NOT NULL,
    "campaignId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "periodKind" TEXT NOT NULL,
    "periodStart" TEXT NOT NULL,
    "target" INTEGER NOT NULL,
    "aired" INTEGER NOT NULL,
    "reasonVi" TEXT NOT NULL,
    "reasonEn" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Shortfall_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Airing" (
    "id" SERIAL NOT NULL,
    "scheduleId" INTEGER,
    "zoneId" INTEGER NOT NULL,
    "programId" INTEGER,
    "emergencyId" INTEGER,
    "source" TEXT NOT NULL,
    "localDate" TEXT NOT NULL,
    "scheduledStart" TIMESTAMP(3) NOT NULL,
    "maxDurationMs" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'planned',
    "statusReason" TEXT NOT NULL DEFAULT '',
    "planHash" TEXT NOT NULL DEFAULT '',
    "renderHash" TEXT NOT NULL DEFAULT '',
    "renderAssetId" INTEGER,
    "actualStart" TIMESTAMP(3),
    "actualEnd" TIMESTAMP(3),
    "workerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Airing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RundownLine" (
    "id" SERIAL NOT NULL,
    "airingId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "reasonVi" TEXT NOT NULL DEFAULT '',
    "reasonEn" TEXT NOT NULL DEFAULT '',
    "campaignId" INTEGER,
    "bumped" BOOLEAN NOT NULL DEFAULT false,
    "offsetMs" INTEGER NOT NULL DEFAULT 0,
    "durationMs" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RundownLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AsRun" (
    "id" SERIAL NOT NULL,
    "airingId" INTEGER,
    "zoneId" INTEGER NOT NULL,
    "itemId" INTEGER,
    "rundownLineId" INTEGER,
    "categoryId" INTEGER,
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "itemKind" TEXT NOT NULL DEFAULT 'audio',
    "campaignId" INTEGER,
    "localDate" TEXT NOT NULL,
    "scheduledStart" TIMESTAMP(3) NOT NULL,
    "actualStart" TIMESTAMP(3) NOT NULL,
    "actualEnd" TIMESTAMP(3),
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "workerId" TEXT NOT NULL DEFAULT '',
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AsRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Emergency" (
    "id" SERIAL NOT NULL,
    "itemId" INTEGER NOT NULL,
    "zoneIds" TEXT NOT NULL,
    "repeatEveryMin" INTEGER,
    "until" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'active',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "createdById" INTEGER,
    "cancelledById" INTEGER,

    CONSTRAINT "Emergency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Report" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "periodKey" TEXT NOT NULL,
    "periodStart" TEXT NOT NULL,
    "periodEnd" TEXT NOT NULL,
    "files" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER,
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entityId" TEXT NOT NULL DEFAULT '',
    "detail" TEXT NOT NULL DEFAULT '{}',
    "ip" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Zone_code_key" ON "Zone"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Category_code_key" ON "Category"("code");

-- CreateIndex
CREATE INDEX "Item_status_idx" ON "Item"("status");

-- CreateIndex
CREATE INDEX "Item_categoryId_idx" ON "Item"("categoryId");

-- CreateIndex
CREATE UNIQUE INDEX "AudioAsset_kind_sha256_key" ON "AudioAsset"("kind", "sha256");

-- CreateIndex
CREATE UNIQUE INDEX "ProgramEntry_programId_position_key" ON "ProgramEntry"("programId", "position");

-- CreateIndex
CREATE INDEX "ScheduleZone_zoneId_idx" ON "ScheduleZone"("zoneId");

-- CreateIndex
CREATE UNIQUE INDEX "Shortfall_campaignId_zoneId_periodKind_periodStart_key" ON "Shortfall"("campaignId", "zoneId", "periodKind", "periodStart");

-- CreateIndex
CREATE INDEX "Airing_zoneId_scheduledStart_idx" ON "Airing"("zoneId", "scheduledStart");

-- CreateIndex
CREATE INDEX "Airing_status_scheduledStart_idx" ON "Airing"("status", "scheduledStart");

-- CreateIndex
CREATE INDEX "Airing_localDate_idx" ON "Airing"("localDate");

-- CreateIndex
CREATE UNIQUE INDEX "Airing_scheduleId_zoneId_scheduledStart_key" ON "Airing"("scheduleId", "zoneId", "scheduledStart");

-- CreateIndex
CREATE INDEX "RundownLine_airingId_position_idx" ON "RundownLine"("airingId", "position");

-- CreateIndex
CREATE INDEX "RundownLine_itemId_idx" ON "RundownLine"("itemId");

-- CreateIndex
CREATE INDEX "AsRun_actualStart_idx" ON "AsRun"("actualStart");

-- CreateIndex
CREATE INDEX "AsRun_localDate_status_idx" ON "AsRun"("localDate", "status");

-- CreateIndex
CREATE INDEX "AsRun_zoneId_localDate_idx" ON "AsRun"("zoneId", "localDate");

-- CreateIndex
CREATE INDEX "AsRun_itemId_localDate_idx" ON "AsRun"("itemId", "localDate");

-- CreateIndex
CREATE INDEX "AsRun_campaignId_zoneId_localDate_idx" ON "AsRun"("campaignId", "zoneId", "localDate");

-- CreateIndex
CREATE INDEX "AsRun_airingId_idx" ON "AsRun"("airingId");

-- CreateIndex
CREATE UNIQUE INDEX "Report_kind_periodKey_key" ON "Report"("kind", "periodKey");

-- CreateIndex
CREATE INDEX "AuditLog_createdAt_idx" ON "AuditLog"("createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_entity_entityId_idx" ON "AuditLog"("entity", "entityId");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Item" ADD CONSTRAINT "Item_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Item" ADD CONSTRAINT "Item_originalAssetId_fkey" FOREIGN KEY ("originalAssetId") REFERENCES "AudioAsset"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Item" ADD CONSTRAINT "Item_canonicalAssetId_fkey" FOREIGN KEY ("canonicalAssetId") REFERENCES "AudioAsset"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Program" ADD CONSTRAINT "Program_introItemId_fkey" FOREIGN KEY ("introItemId") REFERENCES "Item"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Program" ADD CONSTRAINT "Program_outroItemId_fkey" FOREIGN KEY ("outroItemId") REFERENCES "Item"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProgramEntry" ADD CONSTRAINT "ProgramEntry_programId_fkey" FOREIGN KEY ("programId") REFERENCES "Program"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProgramEntry" ADD CONSTRAINT "ProgramEntry_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_programId_fkey" FOREIGN KEY ("programId") REFERENCES "Program"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScheduleZone" ADD CONSTRAINT "ScheduleZone_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScheduleZone" ADD CONSTRAINT "ScheduleZone_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignItem" ADD CONSTRAINT "CampaignItem_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignItem" ADD CONSTRAINT "CampaignItem_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignZone" ADD CONSTRAINT "CampaignZone_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignZone" ADD CONSTRAINT "CampaignZone_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shortfall" ADD CONSTRAINT "Shortfall_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Airing" ADD CONSTRAINT "Airing_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Airing" ADD CONSTRAINT "Airing_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Airing" ADD CONSTRAINT "Airing_programId_fkey" FOREIGN KEY ("programId") REFERENCES "Program"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Airing" ADD CONSTRAINT "Airing_emergencyId_fkey" FOREIGN KEY ("emergencyId") REFERENCES "Emergency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Airing" ADD CONSTRAINT "Airing_renderAssetId_fkey" FOREIGN KEY ("renderAssetId") REFERENCES "AudioAsset"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RundownLine" ADD CONSTRAINT "RundownLine_airingId_fkey" FOREIGN KEY ("airingId") REFERENCES "Airing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RundownLine" ADD CONSTRAINT "RundownLine_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AsRun" ADD CONSTRAINT "AsRun_airingId_fkey" FOREIGN KEY ("airingId") REFERENCES "Airing"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AsRun" ADD CONSTRAINT "AsRun_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AsRun" ADD CONSTRAINT "AsRun_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Emergency" ADD CONSTRAINT "Emergency_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

