-- CreateTable
CREATE TABLE "Directive" (
    "id" SERIAL NOT NULL,
    "issuer" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "issuedDate" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "receivedDate" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "categoryId" INTEGER,
    "action" TEXT NOT NULL,
    "airWithinDays" INTEGER,
    "targetPlays" INTEGER,
    "dueDate" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "attachmentPath" TEXT,
    "attachmentName" TEXT NOT NULL DEFAULT '',
    "attachmentType" TEXT NOT NULL DEFAULT '',
    "attachmentSize" INTEGER NOT NULL DEFAULT 0,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "createdById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Directive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DirectiveItem" (
    "directiveId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,

    CONSTRAINT "DirectiveItem_pkey" PRIMARY KEY ("directiveId","itemId")
);

-- CreateTable
CREATE TABLE "DirectiveCampaign" (
    "directiveId" INTEGER NOT NULL,
    "campaignId" INTEGER NOT NULL,

    CONSTRAINT "DirectiveCampaign_pkey" PRIMARY KEY ("directiveId","campaignId")
);

-- CreateIndex
CREATE INDEX "Directive_receivedDate_idx" ON "Directive"("receivedDate");

-- CreateIndex
CREATE INDEX "Directive_dueDate_idx" ON "Directive"("dueDate");

-- CreateIndex
CREATE UNIQUE INDEX "Directive_issuer_number_key" ON "Directive"("issuer", "number");

-- CreateIndex
CREATE INDEX "DirectiveItem_itemId_idx" ON "DirectiveItem"("itemId");

-- CreateIndex
CREATE INDEX "DirectiveCampaign_campaignId_idx" ON "DirectiveCampaign"("campaignId");

-- AddForeignKey
ALTER TABLE "Directive" ADD CONSTRAINT "Directive_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DirectiveItem" ADD CONSTRAINT "DirectiveItem_directiveId_fkey" FOREIGN KEY ("directiveId") REFERENCES "Directive"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DirectiveItem" ADD CONSTRAINT "DirectiveItem_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DirectiveCampaign" ADD CONSTRAINT "DirectiveCampaign_directiveId_fkey" FOREIGN KEY ("directiveId") REFERENCES "Directive"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DirectiveCampaign" ADD CONSTRAINT "DirectiveCampaign_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

