// Mounts the resource routers under /api.
import type { Hono } from "hono";
import type { AppEnv } from "./context.ts";
import type { AppDeps } from "../app.ts";
import { createStorage } from "../storage.ts";
import type { Deps } from "../services/deps.ts";
import type { PlayoutChannels } from "../playout-channels.ts";
import { itemsRoutes } from "./items.ts";
import { ttsSettingsRoutes } from "./tts-settings.ts";
import { itemDocumentsRoutes } from "./item-documents.ts";
import { programsRoutes } from "./programs.ts";
import { schedulesRoutes } from "./schedules.ts";
import { airingsRoutes } from "./airings.ts";
import { asRunRoutes } from "./asrun.ts";
import { campaignsRoutes } from "./campaigns.ts";
import { emergencyRoutes } from "./emergency.ts";
import { statusRoutes } from "./status.ts";
import { reportsRoutes } from "./reports.ts";
import { reportInputsRoutes } from "./report-inputs.ts";
import { calendarRoutes } from "./calendar.ts";
import { alertsRoutes } from "./alerts.ts";
import { directivesRoutes } from "./directives.ts";
import { approvalsRoutes } from "./approvals.ts";
import { auditRoutes } from "./audit.ts";
import { createPlanner, type Planner } from "../planner.ts";
import { createReportCache } from "../reports/cache.ts";

/** What the routers hand to the services (server/services/deps.ts), plus the app's own. */
export interface ResourceDeps extends AppDeps, Deps {
  channels?: PlayoutChannels;
}

export function registerResourceRoutes(api: Hono<AppEnv>, base: AppDeps & { channels?: PlayoutChannels; planner?: Planner }) {
  const storage = createStorage(base.config.dataDir);
  // One planner per process (its passes are serialised); tests may build the app alone.
  const planner = base.planner ?? createPlanner({ db: base.db, queues: base.queues, config: base.config, clock: base.clock, logger: base.logger.child("planner"), events: base.events });
  const deps: ResourceDeps = {
    ...base,
    storage,
    planner,
    reports: createReportCache(base.db, { events: base.events }),
    replan: async (scope) => {
      try {
        await planner.replan(scope);
      } catch (err) {
        // The edit is saved; the next planning tick will pick it up.
        base.logger.warn(`re-planning after an edit failed: ${(err as Error).message}`);
      }
    },
  };
  itemDocumentsRoutes(api, deps);
  itemsRoutes(api, deps);
  programsRoutes(api, deps);
  schedulesRoutes(api, deps);
  airingsRoutes(api, deps);
  asRunRoutes(api, deps);
  campaignsRoutes(api, deps);
  emergencyRoutes(api, deps);
  statusRoutes(api, deps);
  reportsRoutes(api, deps);
  reportInputsRoutes(api, deps);
  calendarRoutes(api, deps);
  alertsRoutes(api, deps);
  directivesRoutes(api, deps);
  approvalsRoutes(api, deps);
  auditRoutes(api, deps);
  ttsSettingsRoutes(api, deps);
}
