// Request schemas of programs, schedules, campaigns and airings.
import { z } from "zod";
import { pageQuery } from "../db/page.ts";
import { localDate, localTime } from "./common.ts";

/** The life of an airing (the status column; filters accept any text). */
export const AIRING_STATUSES = ["planned", "ready", "airing", "aired", "interrupted", "failed", "missed", "cancelled", "superseded"] as const;
export type AiringStatus = (typeof AIRING_STATUSES)[number];

const uniqueIds = (max: number, min = 1) => z.array(z.number().int().positive()).min(min).max(max).transform((ids) => [...new Set(ids)]);

export const programBody = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).default(""),
  introItemId: z.number().int().positive().nullable().default(null),
  outroItemId: z.number().int().positive().nullable().default(null),
  gapMs: z.number().int().min(0).max(30_000).default(1000),
  itemIds: z.array(z.number().int().positive()).max(500),
});

export const scheduleBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    programId: z.number().int().positive(),
    kind: z.enum(["recurring", "once"]),
    daysOfWeek: z.array(z.number().int().min(1).max(7)).max(7).default([]),
    startTime: localTime,
    date: localDate.nullable().optional(),
    validFrom: localDate.nullable().optional(),
    validTo: localDate.nullable().optional(),
    maxDurationSec: z.number().int().min(60).max(86_400).default(3600),
    zoneIds: uniqueIds(200),
    enabled: z.boolean().default(true),
  })
  .refine((b) => b.kind !== "once" || !!b.date, { message: "a one-off session needs a date", path: ["date"] })
  .refine((b) => b.kind !== "recurring" || b.daysOfWeek.length > 0, { message: "choose at least one weekday", path: ["daysOfWeek"] });

export const campaignBody = z.object({
  name: z.string().trim().min(1).max(200),
  startDate: localDate,
  endDate: localDate,
  perDay: z.number().int().min(1).max(48).nullable().optional(),
  perWeek: z.number().int().min(1).max(300).nullable().optional(),
  minGapMin: z.number().int().min(0).max(24 * 60).default(0),
  maxPerSession: z.number().int().min(1).max(10).default(1),
  windows: z.array(z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, "window must be HH:MM-HH:MM")).max(12).default([]),
  itemIds: uniqueIds(50),
  zoneIds: z.array(z.number().int().positive()).max(200).transform((ids) => [...new Set(ids)]).nullable().default(null),
  enabled: z.boolean().default(true),
});
export const campaignStatusQuery = z.object({ days: z.coerce.number().int().min(1).max(93).default(14) });

export const airingListQuery = z.object({
  from: localDate.optional(),
  to: localDate.optional(),
  zoneId: z.coerce.number().int().positive().optional(),
  status: z.string().max(20).optional(),
  ...pageQuery(200, 1000),
});
export const airNowBody = z.object({ programId: z.number().int().positive(), zoneIds: uniqueIds(100) });

export const calendarQuery = z.object({
  from: localDate,
  to: localDate,
  zoneId: z.coerce.number().int().positive().optional(),
  /** "1": include superseded and cancelled sessions. */
  all: z.enum(["0", "1"]).optional(),
});

export type ProgramInput = z.input<typeof programBody>;
export type ScheduleInput = z.input<typeof scheduleBody>;
export type CampaignInput = z.input<typeof campaignBody>;
export type AirNowInput = z.input<typeof airNowBody>;
