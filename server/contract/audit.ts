// Request schema of the audit log (/api/audit).
import { z } from "zod";
import { pageQuery } from "../db/page.ts";

export const auditListQuery = z.object({
  entity: z.string().trim().max(40).optional(),
  action: z.string().trim().max(80).optional(),
  userId: z.coerce.number().int().positive().optional(),
  ...pageQuery(100, 500),
});
