// Demo data for a first start (DEMO=1, the default): a commune, three village zones on
// file sinks under DATA_DIR/air, jingles generated locally with ffmpeg, Vietnamese news
// items spoken by the offline TTS, a program, Mon–Sat sessions at 05:30 and 17:00 and a
// key-content campaign. Nothing is downloaded.
import fs from "node:fs";
import type { Clock } from "../server/clock.ts";
import type { Config } from "../server/config.ts";
import type { Db } from "../server/db/client.ts";
import type { Logger } from "../server/logger.ts";
import type { Queues } from "../server/queues.ts";
import { createStorage, sha256File } from "../server/storage.ts";
import { ingestJob } from "../server/jobs/ingest-revision.ts";
import { runFfmpeg } from "../audio/ffmpeg.ts";
import { addDays, localDateOf } from "../server/domain/time.ts";

const NEWS = [
  {
    title: "Thông báo lịch tiêm chủng tháng này",
    category: "policy-law",
    priority: "normal",
    text: "Trạm Y tế xã thông báo: ngày 12/12/2026, tổ chức tiêm chủng mở rộng cho trẻ em dưới 5 tuổi tại hội trường UBND xã. Đề nghị các gia đình đưa con em đến đúng giờ.",
  },
  {
    title: "Khuyến cáo phòng chống bão",
    category: "disaster-epidemic",
    priority: "priority",
    text: "Ban chỉ huy phòng chống thiên tai xã khuyến cáo bà con chằng chống nhà cửa, thu hoạch lúa sớm và không ra khơi khi có bão.",
  },
  {
    title: "Gương người tốt việc tốt thôn Đông",
    category: "good-examples",
    priority: "normal",
    text: "Anh Nguyễn Văn Hùng ở thôn Đông đã nhặt được ví tiền và trả lại cho người đánh mất. Đây là tấm gương sáng cần được nhân rộng.",
  },
];

export async function seedDemo(deps: { db: Db; config: Config; queues: Queues; logger: Logger; clock: Clock }): Promise<void> {
  const { db, config, queues, logger } = deps;
  const storage = createStorage(config.dataDir);
  logger.info("creating demo data (set DEMO=0 to start empty)");

  await db.commune.update({ where: { id: 1 }, data: { name: "Kiến Minh", unitName: "Trung tâm Dịch vụ Sự nghiệp công xã Kiến Minh", place: "Kiến Minh" } });
  const zones = await Promise.all(
    [
      { code: "thon-dong", name: "Cụm loa thôn Đông", village: "Thôn Đông" },
      { code: "thon-tay", name: "Cụm loa thôn Tây", village: "Thôn Tây" },
      { code: "tdp-bac", name: "Cụm loa tổ dân phố Bắc", village: "Tổ dân phố Bắc" },
    ].map((z) => db.zone.create({ data: { ...z, outputKind: "file", outputConfig: JSON.stringify({ dir: z.code }) } })),
  );

  // Jingles: short chimes synthesised by ffmpeg (no bundled or downloaded audio).
  const jingle = async (title: string, freqs: number[]) => {
    const tmp = storage.tmpPath(".wav");
    const inputs = freqs.flatMap((f, i) => ["-f", "lavfi", "-i", `sine=frequency=${f}:duration=0.6:sample_rate=44100,adelay=${i * 450}|${i * 450},volume=0.4`]);
    await runFfmpeg(["-y", "-hide_banner", ...inputs, "-filter_complex", `amix=inputs=${freqs.length}:duration=longest,afade=t=out:st=${freqs.length * 0.45}:d=0.5`, "-ac", "1", tmp], { timeoutMs: 30_000 });
    const sha = await sha256File(tmp);
    const rel = storage.commitOriginal(tmp, sha, ".wav");
    const asset = await db.audioAsset.upsert({ where: { kind_sha256: { kind: "original", sha256: sha } }, update: {}, create: { kind: "original", sha256: sha, path: rel, sizeBytes: fs.statSync(storage.abs(rel)).size, codec: "pcm_s16le", sampleRate: 44100, channels: 1 } });
    return db.item.create({ data: { title, kind: "audio", originalAssetId: asset.id, status: "queued" } });
  };
  const intro = await jingle("Nhạc hiệu mở đầu", [523, 659, 784]);
  const outro = await jingle("Nhạc hiệu kết thúc", [784, 659, 523]);

  const cats = new Map((await db.category.findMany()).map((c) => [c.code, c.id]));
  const news = [];
  for (const n of NEWS) {
    news.push(await db.item.create({ data: { title: n.title, kind: "tts", priority: n.priority, categoryId: cats.get(n.category) ?? null, ttsText: n.text, ttsVoice: "vi", status: "queued", sourceRef: "Demo" } }));
  }
  for (const item of [intro, outro, ...news]) {
    const original = item.originalAssetId ? await db.audioAsset.findUnique({ where: { id: item.originalAssetId } }) : null;
    await queues.addFresh(ingestJob(item, original?.sha256 ?? null, config)).catch((e: Error) => logger.warn(`demo ingest not queued: ${e.message}`));
  }

  const program = await db.program.create({ data: { name: "Chương trình phát thanh xã", description: "Bản tin hằng ngày của xã", introItemId: intro.id, outroItemId: outro.id, gapMs: 1000 } });
  await db.programEntry.createMany({ data: news.map((n, position) => ({ programId: program.id, itemId: n.id, position })) });

  for (const [name, startTime] of [["Buổi sáng", "05:30"], ["Buổi chiều", "17:00"]] as const) {
    await db.schedule.create({
      data: { name, programId: program.id, kind: "recurring", daysOfWeek: "1,2,3,4,5,6", startTime, maxDurationSec: 1800, zones: { create: zones.map((z) => ({ zoneId: z.id })) } },
    });
  }

  const today = localDateOf(deps.clock.now(), config.TZ);
  await db.campaign.create({
    data: {
      name: "Phòng chống bão",
      startDate: today,
      endDate: addDays(today, 30),
      perDay: 2,
      minGapMin: 120,
      maxPerSession: 1,
      allZones: true,
      items: { create: [{ itemId: news[1]!.id }] },
    },
  });
  logger.info(`demo data ready: ${zones.length} zones, ${news.length + 2} items, 1 program, 2 schedules, 1 campaign`);
}
