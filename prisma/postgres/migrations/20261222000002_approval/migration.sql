-- AlterTable
ALTER TABLE "Commune" ADD COLUMN     "approvalRequired" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "approval" TEXT NOT NULL DEFAULT 'approved',
ADD COLUMN     "approvalNote" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "approvedAt" TIMESTAMP(3),
ADD COLUMN     "approvedById" INTEGER;

-- AlterTable
ALTER TABLE "Emergency" ADD COLUMN     "reviewedAt" TIMESTAMP(3),
ADD COLUMN     "reviewedById" INTEGER,
ADD COLUMN     "unapproved" BOOLEAN NOT NULL DEFAULT false;

