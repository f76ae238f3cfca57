// The as-run log (nhật ký phát sóng): what actually aired, with filters and CSV export.
import type { Hono } from "hono";
import type { AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import type { ResourceDeps } from "./index.ts";
import { asRunQuery } from "../contract/reports.ts";
import { asRunLog } from "../services/asrun.ts";

export function asRunRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  api.get("/asrun", zv("query", asRunQuery), async (c) => {
    const r = await asRunLog(deps, c.req.valid("query"));
    if (r.kind === "csv") {
      return c.body(r.csv, 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="nhat-ky-phat-song.csv"`,
      });
    }
    return c.json(r.page);
  });
}
