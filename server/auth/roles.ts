// leader: lãnh đạo duyệt — approves or rejects content (server/approval.ts) and reads reports.
// supervisor: Ban Xây dựng Đảng of the Party committee — reads reports, the directive
// register and the as-run log; changes nothing (like a viewer, named for who it is).
export const ROLES = ["admin", "editor", "operator", "viewer", "leader", "supervisor"] as const;
export type Role = (typeof ROLES)[number];

/** What each role may change. Viewers and supervisors only read. */
export const CAN = {
  editContent: ["admin", "editor", "operator"], // items, programs, campaigns, the directive register
  schedule: ["admin", "operator"], // schedules, air now, emergency
  administer: ["admin"], // users, zones, commune settings, queues
  generateReports: ["admin", "operator", "editor", "leader"],
  approve: ["admin", "leader"], // content approval, review of emergencies aired without it
} as const satisfies Record<string, readonly Role[]>;
