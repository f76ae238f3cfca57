// One-step emergency, through the production path: a 500-character Vietnamese text is
// confirmed (POST /api/emergencies/text) on an installation laid out as `npm start` runs it;
// the text is spoken (espeak-ng), normalised and encoded by the ingest worker, the emergency
// airing is claimed by the playout process and streamed to its Icecast mount. The time is
// taken at an INDEPENDENT listener (test/faults/listener.mjs: its own process, no project
// code): confirm_to_audio_ms = the first non-silent frame heard after confirm − confirm.
//   npm run bench:emergency [-- --rounds 3 --chars 500]
// Prints one JSON line per round and a summary line {"chars":500,"confirm_to_audio_ms":<median>,…}.
import { parseArgs } from "node:util";
import { Icecast, Installation, Listener, sleep } from "../test/faults/harness.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" }, chars: { type: "string", default: "500" } } });
const rounds = Number(values.rounds);
const chars = Number(values.chars);

// A commune's storm warning, repeated to the length asked.
const BASE =
  "Thông báo khẩn của Ủy ban nhân dân xã Kiến Minh. Hồi 14 giờ chiều nay, tâm bão số 3 ở cách bờ biển Hải Phòng khoảng 150 km, sức gió mạnh cấp 10, giật cấp 12. " +
  "Đề nghị bà con khẩn trương chằng chống nhà cửa, chặt tỉa cây cối quanh nhà, không ra đồng, không đánh bắt cá ngoài khơi, di chuyển người già và trẻ em đến nơi an toàn. ";
const textOf = (n: number, round: number) => {
  let t = `Bản tin số ${round + 1}. `;
  while (t.length < n) t += BASE;
  return t.slice(0, n);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const icecast = await Icecast.create({ maxSources: 4 });
const inst = await Installation.create({ name: "emergency", zones: 1, icecast, layout: "npm-start" });
const listener = Listener.start(icecast.url(inst.mounts[0]!), []);
const results: number[] = [];
try {
  await sleep(3000); // the listener connects (the mount is absent until the first airing; it retries every 100 ms)
  for (let r = 0; r < rounds; r++) {
    const text = textOf(chars, r);
    const confirm = Date.now();
    const res = await inst.req("POST", "/emergencies/text", { text, zoneIds: inst.zoneIds });
    if (res.status !== 201) throw new Error(`POST /emergencies/text → ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
    const answeredMs = Date.now() - confirm;
    let heard: number | undefined;
    for (const end = Date.now() + 30_000; Date.now() < end && heard === undefined; await sleep(50)) heard = listener.ev.audio.find((t) => t > confirm);
    const item = res.json.item;
    console.log(JSON.stringify({ round: r + 1, chars: text.length, api_answer_ms: answeredMs, spoken_ms: res.json.spokenMs, speech_s: Math.round(item.durationMs / 100) / 10, confirm_to_audio_ms: heard === undefined ? null : Math.round(heard - confirm) }));
    if (heard !== undefined) results.push(heard - confirm);
    // Let the bulletin finish (and stop it) before the next round.
    await inst.req("POST", `/emergencies/${res.json.emergency.id}/cancel`);
    await sleep(Math.min(item.durationMs, 5000) + 2000);
  }
} finally {
  await listener.stop();
  await inst.dispose();
  await icecast.dispose();
}
console.log(JSON.stringify({ chars, confirm_to_audio_ms: results.length ? Math.round(median(results)) : null, max_ms: results.length ? Math.round(Math.max(...results)) : null, heard: results.length, rounds, target_ms: 10_000 }));
process.exit(0);
