-- CreateTable
CREATE TABLE "PlanState" (
    "id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlanState_pkey" PRIMARY KEY ("id")
);

