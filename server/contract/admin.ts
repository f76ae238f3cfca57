// Request schemas of sign-in, users and the commune's settings (zones, categories).
import { z } from "zod";
import { passwordSchemaRules } from "../auth/password.ts";
import { ROLES } from "../auth/roles.ts";
import { timeZoneSchema } from "../config.ts";

export const loginBody = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });
export const passwordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(passwordSchemaRules.min).max(passwordSchemaRules.max),
});

export const userCreateBody = z.object({
  username: z.string().trim().min(3).max(64).regex(/^[a-zA-Z0-9._-]+$/, "letters, digits, . _ - only"),
  displayName: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
});
export const userPatchBody = z.object({
  displayName: z.string().trim().min(1).max(120).optional(),
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
  resetPassword: z.boolean().optional(),
});

export const communeBody = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  unitName: z.string().trim().max(200).optional(),
  place: z.string().trim().max(120).optional(),
  timeZone: timeZoneSchema.optional(),
});

export const zoneBody = z.object({
  code: z.string().trim().min(1).max(40).regex(/^[a-zA-Z0-9_-]+$/, "letters, digits, _ and - only"),
  name: z.string().trim().min(1).max(120),
  village: z.string().trim().max(120).default(""),
  outputKind: z.enum(["file", "icecast", "alsa"]),
  outputConfig: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
  // Zone affinity (server/zones.ts validateWorkerGroup): required for alsa outputs.
  workerGroup: z.string().trim().max(40).nullable().optional(),
});

export const categoryBody = z.object({
  code: z.string().trim().min(1).max(40).regex(/^[a-z0-9_-]+$/, "lowercase letters, digits, _ and - only"),
  nameVi: z.string().trim().min(1).max(120),
  nameEn: z.string().trim().min(1).max(120),
  sortOrder: z.number().int().default(100),
});

export type LoginInput = z.input<typeof loginBody>;
export type PasswordChangeInput = z.input<typeof passwordBody>;
export type UserCreateInput = z.input<typeof userCreateBody>;
export type UserPatchInput = z.input<typeof userPatchBody>;
export type CommuneInput = z.input<typeof communeBody>;
export type ZoneInput = z.input<typeof zoneBody>;
export type CategoryInput = z.input<typeof categoryBody>;
