-- Single-writer planning: the plan version every committed pass and re-plan request raises.
-- CreateTable
CREATE TABLE "PlanState" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL
);

