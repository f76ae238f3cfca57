// First-start data that every installation needs: the commune row, the Decree 49/2024
// Art. 6 categories and an admin with a random one-time password.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "./db/client.ts";
import type { Logger } from "./logger.ts";
import { generatePassword, hashPassword } from "./auth/password.ts";

export const DECREE_49_CATEGORIES = [
  { code: "policy-law", nameVi: "Chủ trương, chính sách, pháp luật", nameEn: "Policy and law" },
  { code: "socio-economic", nameVi: "Kế hoạch, dự án phát triển kinh tế - xã hội tại địa phương", nameEn: "Local socio-economic plans and projects" },
  { code: "security-order", nameVi: "An ninh, trật tự, an toàn xã hội", nameEn: "Security and public order" },
  { code: "disaster-epidemic", nameVi: "Phòng chống thiên tai, dịch bệnh", nameEn: "Natural disasters and epidemics" },
  { code: "good-examples", nameVi: "Gương người tốt, việc tốt, mô hình hay", nameEn: "Good examples and models" },
  { code: "products-services", nameVi: "Sản phẩm, hàng hóa, dịch vụ", nameEn: "Products, goods and services" },
];

export async function ensureBaseData(db: Db, opts: { timeZone: string; communeName?: string }): Promise<void> {
  const commune = await db.commune.findUnique({ where: { id: 1 } });
  if (!commune) await db.commune.create({ data: { id: 1, name: opts.communeName ?? "Xã của tôi", timeZone: opts.timeZone } });
  for (const [i, c] of DECREE_49_CATEGORIES.entries()) {
    await db.category.upsert({ where: { code: c.code }, update: { builtin: true }, create: { ...c, builtin: true, sortOrder: i + 1 } });
  }
}

/** Creates the first admin on an empty database; returns the one-time password once. */
export async function ensureAdmin(db: Db, dataDir: string, logger: Logger): Promise<string | null> {
  if ((await db.user.count()) > 0) return null;
  const password = generatePassword();
  await db.user.create({ data: { username: "admin", displayName: "Quản trị viên", role: "admin", passwordHash: await hashPassword(password), mustChangePassword: true } });
  const file = path.join(dataDir, "initial-admin-password");
  fs.writeFileSync(file, password + "\n", { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  logger.info(`created the first administrator; its one-time password is in ${file}`);
  return password;
}
