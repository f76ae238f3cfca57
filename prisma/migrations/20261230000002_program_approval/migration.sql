-- Program approval (server/approval.ts): columns added in place, like the item's.
ALTER TABLE "Program" ADD COLUMN "approval" TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE "Program" ADD COLUMN "approvalNote" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Program" ADD COLUMN "approvedById" INTEGER;
ALTER TABLE "Program" ADD COLUMN "approvedAt" DATETIME;
ALTER TABLE "Program" ADD COLUMN "approvedVersion" TEXT;
