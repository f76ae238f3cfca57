-- CreateIndex
CREATE UNIQUE INDEX "Airing_emergencyId_zoneId_scheduledStart_key" ON "Airing"("emergencyId", "zoneId", "scheduledStart");

