// A planner in a process of its own (its own database client and Redis connection), driven
// over stdin: one JSON command a line, {"id":1,"op":"plan"} or {"id":2,"op":"replan",
// "scope":{…}}; each answer is one JSON line {"id":1,"ok":true,"summary":{…}} or
// {"id":1,"ok":false,"error":"…"}. Commands run concurrently (the planner orders them).
// Environment: the installation's (DATABASE_URL, REDIS_URL, QUEUE_PREFIX, DATA_DIR,
// PLAN_HORIZON_HOURS) and PLANNER_CLOCK, the fixed instant its clock reads.
import readline from "node:readline";
import { ManualClock } from "../../server/clock.ts";
import { loadConfig } from "../../server/config.ts";
import { createDb } from "../../server/db/client.ts";
import { createEventHub } from "../../server/events.ts";
import { silentLogger } from "../../server/logger.ts";
import { createPlanner } from "../../server/planner.ts";
import { createQueues } from "../../server/queues.ts";
import { producerConnection } from "../../server/redis.ts";
import { playoutRouter } from "../../server/zones.ts";

const config = loadConfig(process.env);
const db = await createDb(config.databaseUrl);
const redis = producerConnection(config.REDIS_URL);
redis.on("error", () => {});
const queues = createQueues(redis, config.QUEUE_PREFIX, silentLogger, { routeOf: playoutRouter(db) });
const events = createEventHub({ channel: `${config.QUEUE_PREFIX}-events`, logger: silentLogger });
const clock = new ManualClock(process.env.PLANNER_CLOCK ?? Date.now());
const planner = createPlanner({ db, queues, config, clock, logger: silentLogger, events });

const reply = (m: object) => process.stdout.write(`${JSON.stringify(m)}\n`);
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const cmd = JSON.parse(line) as { id: number; op: "plan" | "replan"; scope?: object };
  const run = cmd.op === "plan" ? planner.planHorizon() : planner.replan(cmd.scope);
  run.then((summary) => reply({ id: cmd.id, ok: true, summary }), (err: Error) => reply({ id: cmd.id, ok: false, error: err.stack ?? err.message }));
});
lines.on("close", () => {
  void (async () => {
    await queues.close();
    redis.disconnect();
    await db.$disconnect();
    process.exit(0);
  })();
});
reply({ ready: true });
