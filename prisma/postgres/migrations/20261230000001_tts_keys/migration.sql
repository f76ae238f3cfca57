-- CreateTable
CREATE TABLE "TtsSetting" (
    "id" INTEGER NOT NULL,
    "fptKey" TEXT NOT NULL DEFAULT '',
    "viettelToken" TEXT NOT NULL DEFAULT '',
    "updatedById" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TtsSetting_pkey" PRIMARY KEY ("id")
);

