import type { Db } from "./db/client.ts";

export interface AuditEntry {
  userId: number | null;
  action: string;
  entity: string;
  entityId?: string | number;
  detail?: unknown;
  ip?: string;
}

export async function writeAudit(db: Db, e: AuditEntry, at: Date): Promise<void> {
  await db.auditLog.create({
    data: {
      userId: e.userId,
      action: e.action,
      entity: e.entity,
      entityId: e.entityId === undefined ? "" : String(e.entityId),
      detail: JSON.stringify(e.detail ?? {}),
      ip: e.ip ?? "",
      createdAt: at,
    },
  });
}
