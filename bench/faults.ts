// The fault matrix of issue #10 (test/faults/scenarios.ts), all scenarios at once, each in
// its own installation of real processes with its own icecast2 and independent listener.
// Prints one line per scenario, then, measured by the listeners:
//   {"faults":N, "sessions_lost":…, "double_airings":…, "max_recovery_s":…}
// sessions_lost: scenarios where the listener heard none of the session's tones;
// double_airings: tones heard twice (beyond the documented re-air of a cut item);
// max_recovery_s: the longest silence a fault caused (start delay for faults before air
// time, time from the fault clearing to audio for faults during the session).
//   npm run bench:faults [-- --only kill9-preroll,redis-down]
import { parseArgs } from "node:util";
import { SCENARIOS, judge, runScenario } from "../test/faults/scenarios.ts";

const { values } = parseArgs({ options: { only: { type: "string" } } });
const only = values.only?.split(",").filter(Boolean);
const chosen = SCENARIOS.filter((s) => !only || only.includes(s.name));

const outcomes = await Promise.all(chosen.map((s, i) => new Promise((r) => setTimeout(r, i * 5000)).then(() => runScenario(s))));
let lost = 0;
let doubles = 0;
let maxRecovery = 0;
let unknownRecovery = 0;
for (const o of outcomes) {
  const v = judge(o);
  if (v.sessionLost) lost++;
  doubles += v.doubleAirings;
  if (v.recoveryS === null) unknownRecovery++;
  else maxRecovery = Math.max(maxRecovery, v.recoveryS);
  console.log(`${v.problems.length ? "FAIL" : "PASS"} ${v.summary}${v.problems.map((p) => `\n  - ${p}`).join("")}`);
}
if (unknownRecovery) console.log(`${unknownRecovery} scenario(s) never recovered (session lost or no audio after the fault): max_recovery_s is null`);
console.log(JSON.stringify({ faults: chosen.length, sessions_lost: lost, double_airings: doubles, max_recovery_s: unknownRecovery ? null : Math.round(maxRecovery * 10) / 10 }));
process.exit(0);
