-- Keys of the cloud text-to-speech services, set in Settings (server/tts-keys.ts).
CREATE TABLE "TtsSetting" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "fptKey" TEXT NOT NULL DEFAULT '',
    "viettelToken" TEXT NOT NULL DEFAULT '',
    "updatedById" INTEGER,
    "updatedAt" DATETIME NOT NULL
);
