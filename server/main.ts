// Entry point: `npm start` runs every role in one process on the embedded defaults;
// `--role api|scheduler|worker` (repeatable or comma-separated) runs a subset for scale-out.
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { RedisUnavailableError } from "./redis.ts";
import { ROLE_NAMES, startRuntime, type RoleName } from "./runtime.ts";

function parseRoles(argv: string[]): RoleName[] {
  const roles = new Set<RoleName>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = a.startsWith("--role=") ? a.slice(7) : a === "--role" ? argv[++i] : undefined;
    if (v === undefined) continue;
    for (const r of v.split(",")) {
      if (r === "all") ROLE_NAMES.forEach((n) => roles.add(n));
      else if ((ROLE_NAMES as readonly string[]).includes(r)) roles.add(r as RoleName);
      else throw new ConfigError(`Invalid --role ${JSON.stringify(r)}: use api, scheduler, worker or all`);
    }
  }
  return roles.size ? [...roles] : [...ROLE_NAMES];
}

async function main() {
  let config;
  let roles: RoleName[];
  try {
    config = loadConfig();
    roles = parseRoles(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`loa-xa: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  let runtime: Awaited<ReturnType<typeof startRuntime>>;
  try {
    runtime = await startRuntime({ config, roles, logger, printAdminPassword: (pw) => {
      process.stdout.write(`\n  Loa Xã: first administrator created.\n  Username: admin\n  One-time password: ${pw}\n  (You must change it at first sign-in.)\n\n`);
    } });
  } catch (err) {
    if (err instanceof RedisUnavailableError || err instanceof ConfigError) {
      process.stderr.write(`loa-xa: ${err.message}\n`);
      process.exit(3);
    }
    throw err;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    const deadline = setTimeout(() => {
      logger.error("shutdown deadline passed; exiting");
      process.exit(1);
    }, 8_000);
    deadline.unref();
    try {
      await runtime.stop();
      process.exit(0);
    } catch (err) {
      logger.error("shutdown failed", err);
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err) => {
  process.stderr.write(`loa-xa: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
