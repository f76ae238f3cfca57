// Settings → cloud voices: an administrator sets or clears the FPT.AI / Viettel AI key
// (server/services/tts-keys.ts). The key itself is never answered nor audited.
import type { Hono } from "hono";
import { z } from "zod";
import { requireRole, currentUser, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { CLOUD_TTS, saveTtsKey, ttsKeyStatus } from "../services/tts-keys.ts";
import type { ResourceDeps } from "./index.ts";

const providerParam = z.object({ provider: z.enum(CLOUD_TTS) });
// Keys are opaque tokens: printable ASCII without spaces, as both services issue them.
const keyBody = z.object({ key: z.string().trim().max(512).regex(/^[\x21-\x7e]*$/, { message: "the key must be printable ASCII without spaces" }) });

export function ttsSettingsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db, config } = deps;
  const admin = requireRole(...CAN.administer);

  api.get("/settings/tts", admin, async (c) => c.json({ providers: await ttsKeyStatus(db, config) }));

  api.put("/settings/tts/:provider", admin, zv("param", providerParam), zv("json", keyBody), async (c) => {
    const { provider } = c.req.valid("param");
    const { key } = c.req.valid("json");
    const providers = await saveTtsKey(deps, provider, key, currentUser(c).id);
    c.set("audit", { action: key ? "settings.tts_key_set" : "settings.tts_key_cleared", entity: "tts", entityId: provider });
    return c.json({ providers });
  });
}
