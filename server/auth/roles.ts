export const ROLES = ["admin", "editor", "operator", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** What each role may change. Viewers only read. */
export const CAN = {
  editContent: ["admin", "editor", "operator"], // items, programs, campaigns
  schedule: ["admin", "operator"], // schedules, air now, emergency
  administer: ["admin"], // users, zones, commune settings, queues
  generateReports: ["admin", "operator", "editor"],
} as const satisfies Record<string, readonly Role[]>;
