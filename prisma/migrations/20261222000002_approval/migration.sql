-- Content approval (server/approval.ts). Columns are added in place (SQLite ADD COLUMN with a
-- constant default), not by redefining the tables that the as-run log refers to.
ALTER TABLE "Commune" ADD COLUMN "approvalRequired" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "Item" ADD COLUMN "approval" TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE "Item" ADD COLUMN "approvalNote" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Item" ADD COLUMN "approvedById" INTEGER;
ALTER TABLE "Item" ADD COLUMN "approvedAt" DATETIME;

ALTER TABLE "Emergency" ADD COLUMN "unapproved" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Emergency" ADD COLUMN "reviewedById" INTEGER;
ALTER TABLE "Emergency" ADD COLUMN "reviewedAt" DATETIME;
