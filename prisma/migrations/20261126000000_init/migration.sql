-- CreateTable
CREATE TABLE "Commune" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "unitName" TEXT NOT NULL DEFAULT '',
    "place" TEXT NOT NULL DEFAULT '',
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT true,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" INTEGER NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Zone" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "village" TEXT NOT NULL DEFAULT '',
    "outputKind" TEXT NOT NULL,
    "outputConfig" TEXT NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Category" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "nameVi" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "builtin" BOOLEAN NOT NULL DEFAULT false,
    "sortOrder" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "Item" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Item_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Item_originalAssetId_fkey" FOREIGN KEY ("originalAssetId") REFERENCES "AudioAsset" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Item_canonicalAssetId_fkey" FOREIGN KEY ("canonicalAssetId") REFERENCES "AudioAsset" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AudioAsset" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "codec" TEXT NOT NULL DEFAULT '',
    "sampleRate" INTEGER NOT NULL DEFAULT 0,
    "channels" INTEGER NOT NULL DEFAULT 0,
    "loudnessI" REAL,
    "truePeak" REAL,
    "lra" REAL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Program" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "introItemId" INTEGER,
    "outroItemId" INTEGER,
    "gapMs" INTEGER NOT NULL DEFAULT 1000,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Program_introItemId_fkey" FOREIGN KEY ("introItemId") REFERENCES "Item" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Program_outroItemId_fkey" FOREIGN KEY ("outroItemId") REFERENCES "Item" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProgramEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "programId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    CONSTRAINT "ProgramEntry_programId_fkey" FOREIGN KEY ("programId") REFERENCES "Program" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ProgramEntry_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Schedule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Schedule_programId_fkey" FOREIGN KEY ("programId") REFERENCES "Program" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ScheduleZone" (
    "scheduleId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,

    PRIMARY KEY ("scheduleId", "zoneId"),
    CONSTRAINT "ScheduleZone_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ScheduleZone_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CampaignItem" (
    "campaignId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,

    PRIMARY KEY ("campaignId", "itemId"),
    CONSTRAINT "CampaignItem_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CampaignItem_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CampaignZone" (
    "campaignId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,

    PRIMARY KEY ("campaignId", "zoneId"),
    CONSTRAINT "CampaignZone_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CampaignZone_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Shortfall" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "periodKind" TEXT NOT NULL,
    "periodStart" TEXT NOT NULL,
    "target" INTEGER NOT NULL,
    "aired" INTEGER NOT NULL,
    "reasonVi" TEXT NOT NULL,
    "reasonEn" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Shortfall_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Airing" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "scheduleId" INTEGER,
    "zoneId" INTEGER NOT NULL,
    "programId" INTEGER,
    "emergencyId" INTEGER,
    "source" TEXT NOT NULL,
    "localDate" TEXT NOT NULL,
    "scheduledStart" DATETIME NOT NULL,
    "maxDurationMs" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'planned',
    "statusReason" TEXT NOT NULL DEFAULT '',
    "planHash" TEXT NOT NULL DEFAULT '',
    "renderHash" TEXT NOT NULL DEFAULT '',
    "renderAssetId" INTEGER,
    "actualStart" DATETIME,
    "actualEnd" DATETIME,
    "workerId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Airing_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Airing_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Airing_programId_fkey" FOREIGN KEY ("programId") REFERENCES "Program" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Airing_emergencyId_fkey" FOREIGN KEY ("emergencyId") REFERENCES "Emergency" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Airing_renderAssetId_fkey" FOREIGN KEY ("renderAssetId") REFERENCES "AudioAsset" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RundownLine" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    CONSTRAINT "RundownLine_airingId_fkey" FOREIGN KEY ("airingId") REFERENCES "Airing" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RundownLine_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AsRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "airingId" INTEGER,
    "zoneId" INTEGER NOT NULL,
    "itemId" INTEGER,
    "rundownLineId" INTEGER,
    "categoryId" INTEGER,
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "itemKind" TEXT NOT NULL DEFAULT 'audio',
    "campaignId" INTEGER,
    "localDate" TEXT NOT NULL,
    "scheduledStart" DATETIME NOT NULL,
    "actualStart" DATETIME NOT NULL,
    "actualEnd" DATETIME,
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "workerId" TEXT NOT NULL DEFAULT '',
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AsRun_airingId_fkey" FOREIGN KEY ("airingId") REFERENCES "Airing" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "AsRun_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AsRun_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Emergency" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "itemId" INTEGER NOT NULL,
    "zoneIds" TEXT NOT NULL,
    "repeatEveryMin" INTEGER,
    "until" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'active',
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "createdById" INTEGER,
    "cancelledById" INTEGER,
    CONSTRAINT "Emergency_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Report" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "periodKey" TEXT NOT NULL,
    "periodStart" TEXT NOT NULL,
    "periodEnd" TEXT NOT NULL,
    "files" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" INTEGER,
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entityId" TEXT NOT NULL DEFAULT '',
    "detail" TEXT NOT NULL DEFAULT '{}',
    "ip" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditLog_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
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

