// Vietnamese text normaliser for TTS: rewrites numbers, dates, times, units,
// document numbers and administrative abbreviations as words, so a TTS engine
// reads "UBND ... ngày 12/4/2026" the way a commune announcer would.
// Pure functions, no I/O. Output keeps punctuation and newlines, which the
// sentence splitter in tts.ts relies on.

// ---- dictionaries ("KEY=words" separated by ";" or newlines; keys are case-sensitive) ----
const table = (src: string): Record<string, string> =>
  Object.fromEntries(
    src
      .split(/[;\n]/)
      .map((l) => l.trim())
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );

/** Abbreviations expanded anywhere. "TT" is read "thị trấn": in commune text it
 *  precedes a place name, while "Trung tâm" is normally spelled out; inside a
 *  document number ("39/2020/TT-BTTTT") DOC_CODES reads it "thông tư". Ambiguous
 *  ones ("CP" = Chính phủ or cổ phần, "CT", "TH") are only expanded in document codes. */
export const VI_ABBREVIATIONS: Readonly<Record<string, string>> = table(`
UBND=Ủy ban nhân dân; HĐND=Hội đồng nhân dân; UBMTTQVN=Ủy ban Mặt trận Tổ quốc Việt Nam
UBMTTQ=Ủy ban Mặt trận Tổ quốc; MTTQVN=Mặt trận Tổ quốc Việt Nam; MTTQ=Mặt trận Tổ quốc
UBKT=Ủy ban Kiểm tra; ĐCSVN=Đảng Cộng sản Việt Nam; CSVN=Cộng sản Việt Nam
CHXHCN=Cộng hòa xã hội chủ nghĩa; ĐU=Đảng ủy; BCH=Ban Chấp hành; BTV=Ban Thường vụ
BCĐ=Ban Chỉ đạo; BQL=Ban Quản lý; BTG=Ban Tuyên giáo; BDV=Ban Dân vận; PCT=Phó Chủ tịch
TW=Trung ương; TƯ=Trung ương; ĐBQH=đại biểu Quốc hội; CAX=Công an xã; CAND=Công an nhân dân
QĐND=Quân đội nhân dân; BCHQS=Ban Chỉ huy Quân sự; DQTV=dân quân tự vệ; NVQS=nghĩa vụ quân sự
CSGT=cảnh sát giao thông; TP.HCM=thành phố Hồ Chí Minh; TPHCM=thành phố Hồ Chí Minh
TP.=thành phố; Tp.=thành phố; TP=thành phố; Tp=thành phố; HCM=Hồ Chí Minh; VN=Việt Nam
TT=thị trấn; TDP=tổ dân phố; KDC=khu dân cư; KCN=khu công nghiệp; HTX=hợp tác xã
NTM=nông thôn mới; CCB=Cựu chiến binh; ĐTN=Đoàn Thanh niên; TNCS=Thanh niên Cộng sản
HLHPN=Hội Liên hiệp Phụ nữ; LHPN=Liên hiệp Phụ nữ; HPN=Hội Phụ nữ; HND=Hội Nông dân
TTDVSNC=Trung tâm Dịch vụ Sự nghiệp công; TYT=Trạm Y tế; THCS=trung học cơ sở
THPT=trung học phổ thông; GDTX=giáo dục thường xuyên; GD&ĐT=giáo dục và đào tạo
GDĐT=giáo dục và đào tạo; NN&PTNT=nông nghiệp và phát triển nông thôn
TN&MT=tài nguyên và môi trường; LĐ-TB&XH=lao động, thương binh và xã hội; BHYT=bảo hiểm y tế
BHXH=bảo hiểm xã hội; BHTN=bảo hiểm thất nghiệp
PCCC&CNCH=phòng cháy chữa cháy và cứu nạn cứu hộ; PCCC=phòng cháy chữa cháy
CNCH=cứu nạn cứu hộ; PCTT&TKCN=phòng chống thiên tai và tìm kiếm cứu nạn
PCTT=phòng chống thiên tai; TKCN=tìm kiếm cứu nạn; PCLB=phòng chống lụt bão
ATGT=an toàn giao thông; TTATGT=trật tự an toàn giao thông; TNGT=tai nạn giao thông
ANTT=an ninh trật tự; ANQP=an ninh quốc phòng; QP-AN=quốc phòng an ninh; KT-XH=kinh tế - xã hội
VH-XH=văn hóa - xã hội; VHTT=văn hóa thông tin; TDTT=thể dục thể thao; ATTP=an toàn thực phẩm
VSATTP=vệ sinh an toàn thực phẩm; ATVSTP=an toàn vệ sinh thực phẩm; GPMB=giải phóng mặt bằng
QSDĐ=quyền sử dụng đất; GCN=giấy chứng nhận; CNTT=công nghệ thông tin; TTHC=thủ tục hành chính
CCHC=cải cách hành chính; DVC=dịch vụ công; CCCD=căn cước công dân; CMND=chứng minh nhân dân
SXKD=sản xuất kinh doanh; STT=số thứ tự; VOV=Vê Ô Vê; VTV=Vê Tê Vê; COVID-19=Cô vít mười chín
VNĐ=đồng; VND=đồng; Đ/c=đồng chí; đ/c=đồng chí; v.v.=vân vân.
`);

/** Codes inside document numbers ("Số 12-CV/ĐU", "123/QĐ-UBND"). */
export const VI_DOC_CODES: Readonly<Record<string, string>> = table(`
CV=công văn; QĐ=quyết định; KH=kế hoạch; TB=thông báo; BC=báo cáo; CT=chỉ thị; NQ=nghị quyết
HD=hướng dẫn; KL=kết luận; TTr=tờ trình; GM=giấy mời; QC=quy chế; NĐ=nghị định; TT=thông tư
CP=Chính phủ; QH=Quốc hội; TTg=Thủ tướng; BTTTT=Bộ Thông tin và Truyền thông; BNV=Bộ Nội vụ
VP=văn phòng; TU=Thành ủy
`);

/** Units, only after a number ("5 km", "1.500m²"). */
const UNITS: Record<string, string> = table(`
km/h=ki lô mét trên giờ; m/s=mét trên giây; km²=ki lô mét vuông; km2=ki lô mét vuông
m²=mét vuông; m2=mét vuông; m³=mét khối; m3=mét khối; km=ki lô mét; cm=xen ti mét; mm=mi li mét
m=mét; ha=héc ta; kg=ki lô gam; g=gam; ml=mi li lít; kWh=ki lô oát giờ; kW=ki lô oát
MW=mê ga oát; °C=độ C
`);

/** Currency, only after a number ("500.000đ", "2 triệu VNĐ"). */
const CURRENCIES: Record<string, string> = table(`
VNĐ=đồng; VND=đồng; vnđ=đồng; đ=đồng; USD=đô la Mỹ
`);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const ABBREVIATIONS = VI_ABBREVIATIONS;
const DOC_CODES = VI_DOC_CODES;

export type VietnameseRegion = "north" | "central" | "south";

export interface VietnameseNormaliseOptions {
  /** Northern/Central (default) read 105 as "một trăm linh năm" and 1000 as
   *  "một nghìn"; Southern as "một trăm lẻ năm" and "một ngàn". */
  region?: VietnameseRegion;
}

interface Style {
  linh: string;
  nghin: string;
}

const styleFor = (o?: VietnameseNormaliseOptions): Style =>
  o?.region === "south" ? { linh: "lẻ", nghin: "ngàn" } : { linh: "linh", nghin: "nghìn" };

const DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"] as const;
const digit = (d: number): string => DIGITS[d] ?? "";

/** Reads each digit on its own: "0912" → "không chín một hai". */
export function readDigits(digits: string): string {
  return [...digits].filter((c) => c >= "0" && c <= "9").map((c) => digit(Number(c))).join(" ");
}

// One group of three digits. `full` = a higher group precedes, so the
// hundreds are spoken even when zero ("một nghìn không trăm linh năm").
function readTriple(n: number, full: boolean, s: Style): string[] {
  const h = Math.floor(n / 100);
  const t = Math.floor(n / 10) % 10;
  const u = n % 10;
  const w: string[] = [];
  if (full || h > 0) w.push(digit(h), "trăm");
  if (t === 0) {
    if (u > 0) {
      if (full || h > 0) w.push(s.linh);
      w.push(digit(u));
    }
  } else if (t === 1) {
    w.push("mười");
    if (u === 5) w.push("lăm");
    else if (u > 0) w.push(digit(u));
  } else {
    w.push(digit(t), "mươi");
    if (u === 1) w.push("mốt");
    else if (u === 5) w.push("lăm");
    else if (u > 0) w.push(digit(u));
  }
  return w;
}

// Up to 9 digits (below one tỷ).
function readBelowBillion(digits: string, hasHigher: boolean, s: Style): string[] {
  const n = Number(digits);
  const groups = [Math.floor(n / 1_000_000), Math.floor(n / 1000) % 1000, n % 1000];
  const units = ["triệu", s.nghin, ""];
  const w: string[] = [];
  let full = hasHigher;
  groups.forEach((g, i) => {
    if (g === 0) return;
    w.push(...readTriple(g, full, s));
    if (units[i]) w.push(units[i]!);
    full = true;
  });
  return w;
}

function readIntWords(digits: string, s: Style): string[] {
  const d = digits.replace(/^0+(?=\d)/, "");
  if (/^0*$/.test(d)) return ["không"];
  if (d.length <= 9) return readBelowBillion(d, false, s);
  // Above 10^9 the scale recurses: 2 005 000 000 000 = "hai nghìn không trăm linh năm tỷ".
  const high = d.slice(0, -9);
  const low = d.slice(-9);
  const w = [...readIntWords(high, s), "tỷ"];
  if (Number(low) > 0) w.push(...readBelowBillion(low, true, s));
  return w;
}

/** Integer as Vietnamese words: 21 → "hai mươi mốt", 105 → "một trăm linh năm",
 *  15 → "mười lăm", 1000000 → "một triệu". More than 18 digits: digit by digit. */
export function readVietnameseInteger(
  value: number | bigint | string,
  options?: VietnameseNormaliseOptions,
): string {
  let digits = typeof value === "string" ? value.trim() : value.toString();
  let sign = "";
  if (digits.startsWith("-")) {
    sign = "âm ";
    digits = digits.slice(1);
  }
  if (!/^\d+$/.test(digits)) throw new Error(`Not an integer: ${String(value)}`);
  if (digits.replace(/^0+/, "").length > 18) return sign + readDigits(digits);
  return sign + readIntWords(digits, styleFor(options)).join(" ");
}

function readFraction(frac: string, s: Style): string {
  // "3,05" → "ba phẩy không năm"; "3,25" → "ba phẩy hai mươi lăm".
  if (frac.startsWith("0") || frac.length > 3) return readDigits(frac);
  return readIntWords(frac, s).join(" ");
}

/** A numeral as written in Vietnamese text: "1.000.000" (dot = thousands),
 *  "3,5" (comma = decimal), "1.234,5", and English-style "3.5" / "1,000,000". */
export function readVietnameseNumber(raw: string, options?: VietnameseNormaliseOptions): string {
  const s = styleFor(options);
  const int = (d: string) => readIntWords(d, s).join(" ");
  const r = raw.trim();
  let m: RegExpMatchArray | null;
  if (/^\d+$/.test(r)) return int(r);
  if ((m = r.match(/^(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?$/))) {
    const whole = int(m[1]!.replace(/\./g, ""));
    return m[2] ? `${whole} phẩy ${readFraction(m[2], s)}` : whole;
  }
  if (/^\d{1,3}(?:,\d{3}){2,}$/.test(r)) return int(r.replace(/,/g, ""));
  if ((m = r.match(/^(\d+)[.,](\d+)$/))) return `${int(m[1]!)} phẩy ${readFraction(m[2]!, s)}`;
  // Section numbers and the like ("1.2.3"): read the parts.
  return r
    .split(/([.,])/)
    .map((p) => (p === "." ? "chấm" : p === "," ? "phẩy" : p ? int(p) : ""))
    .filter(Boolean)
    .join(" ");
}

// ---- regex building blocks (u flag: \p{L} covers Vietnamese letters; JS \b does not) ----
const NB = "(?<![\\p{L}\\p{M}\\p{N}])"; // no letter/digit before
const NA = "(?![\\p{L}\\p{M}\\p{N}])"; // no letter/digit after
const NUM = "\\d+(?:[.,]\\d+)*";
const NUMRANGE = `(${NUM})(?:\\s*-\\s*(${NUM}))?`;
// "ngày" | "Ngày" | "NGÀY"
const ci = (w: string) =>
  `(?:[${w[0]!.toUpperCase()}${w[0]!.toLowerCase()}]${w.slice(1)}|${w.toUpperCase()})`;
const re = (src: string) => new RegExp(src, "gu");

const monthWord = (m: number, s: Style) =>
  m === 4 ? "tư" : readIntWords(String(m), s).join(" "); // tháng 1 = "một" (administrative style)

const validDate = (d: number, m: number) => d >= 1 && d <= 31 && m >= 1 && m <= 12;

function readTime(h: string, m: string | undefined, sec: string | undefined, s: Style): string | null {
  const H = Number(h);
  const M = m === undefined ? 0 : Number(m);
  const S = sec === undefined ? 0 : Number(sec);
  if (H > 24 || M > 59 || S > 59) return null;
  const w = [readIntWords(h, s).join(" "), "giờ"];
  if (M > 0) w.push(readIntWords(String(M), s).join(" "), "phút");
  if (S > 0) w.push(readIntWords(String(S), s).join(" "), "giây");
  return w.join(" ");
}

function romanToInt(r: string): number | null {
  if (!/^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/.test(r) || !r) return null;
  const v: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };
  let total = 0;
  for (let i = 0; i < r.length; i++) {
    const cur = v[r[i]!]!;
    const next = v[r[i + 1] ?? ""] ?? 0;
    total += cur < next ? -cur : cur;
  }
  return total;
}

const ordinal = (n: number, s: Style) =>
  n === 1 ? "nhất" : n === 4 ? "tư" : readIntWords(String(n), s).join(" ");

function dictRegex(keys: string[]): RegExp {
  const alt = [...keys].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|");
  return re(`${NB}(${alt})${NA}`);
}
const ABBR_RE = dictRegex(Object.keys(ABBREVIATIONS));
// Keys ending in "." must not require a non-letter after the dot ("TP.Hải Phòng").
const ABBR_DOT_RE = re(
  `${NB}(${Object.keys(ABBREVIATIONS)
    .filter((k) => k.endsWith("."))
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join("|")})`,
);
const UNIT_ALT = Object.keys({ ...UNITS, ...CURRENCIES })
  .sort((a, b) => b.length - a.length)
  .map(escapeRegExp)
  .join("|");

function expandDocCode(code: string): string {
  return code
    .split(/[-/]/)
    .filter(Boolean)
    .map((seg) => DOC_CODES[seg] ?? ABBREVIATIONS[seg] ?? seg)
    .join(" ");
}

/**
 * Normalises Vietnamese (administrative) text so a TTS engine reads it as words.
 * Order matters: each pass turns digits into words, so later, more generic
 * passes never see what an earlier, more specific pass already handled.
 */
export function normaliseVietnameseText(text: string, options?: VietnameseNormaliseOptions): string {
  const s = styleFor(options);
  const int = (d: string) => readIntWords(d, s).join(" ");
  const num = (raw: string) => readVietnameseNumber(raw, options);
  const range = (a: string, b?: string) => (b ? `${num(a)} đến ${num(b)}` : num(a));

  let t = text.normalize("NFC"); // Word documents often carry decomposed diacritics.
  t = t
    .replace(/\r\n?/g, "\n")
    .replace(/[\u00a0\u2000-\u200b\u202f\u3000\t]/g, " ")
    .replace(/[\u2010-\u2013\u2212]/g, "-") // hyphens, en dash, minus sign
    .replace(/\s*\u2014\s*/g, ", ") // em dash is a pause
    .replace(/\u2026/g, "...");

  // Document numbers: "12-CV/ĐU", "49/2024/NĐ-CP", "123/QĐ-UBND".
  t = t.replace(
    re(`${NB}(\\d+)(?:/(\\d{4}))?((?:[-/][A-ZĐ][A-ZĐa-zđ&]*)+)${NA}`),
    (_a, n: string, y: string | undefined, code: string) =>
      `${int(n)}${y ? ` năm ${int(y)}` : ""} ${expandDocCode(code)}`,
  );

  // Dates. "ngày 5-7/4/2026", "12/4/2026", "12-4-2026", "12.4.2026", "ngày 5/4", "tháng 4/2026".
  const dayPrefix = `(?:(${ci("ngày")})\\s+)?`;
  t = t.replace(
    re(`${dayPrefix}${NB}(\\d{1,2})\\s*-\\s*(\\d{1,2})/(\\d{1,2})/(\\d{4})${NA}`),
    (all, p: string | undefined, d1: string, d2: string, m: string, y: string) =>
      validDate(+d1, +m) && validDate(+d2, +m)
        ? `${p ?? "ngày"} ${int(d1)} đến ${int(d2)} tháng ${monthWord(+m, s)} năm ${int(y)}`
        : all,
  );
  t = t.replace(
    re(`${dayPrefix}${NB}(\\d{1,2})([/.-])(\\d{1,2})\\3(\\d{4})${NA}`),
    (all, p: string | undefined, d: string, _sep: string, m: string, y: string) =>
      validDate(+d, +m) ? `${p ?? "ngày"} ${int(d)} tháng ${monthWord(+m, s)} năm ${int(y)}` : all,
  );
  t = t.replace(
    re(`(${ci("ngày")})\\s+(\\d{1,2})[/-](\\d{1,2})(?![\\p{N}/])`),
    (all, p: string, d: string, m: string) =>
      validDate(+d, +m) ? `${p} ${int(d)} tháng ${monthWord(+m, s)}` : all,
  );
  t = t.replace(re(`(${ci("tháng")})\\s+(\\d{1,2})/(\\d{4})${NA}`), (all, p: string, m: string, y: string) =>
    +m >= 1 && +m <= 12 ? `${p} ${monthWord(+m, s)} năm ${int(y)}` : all,
  );

  // Phone numbers (10–12 digits, may be grouped) and hotlines: digit by digit.
  // After dates, so "01.04.2026" is a date, not a phone number.
  t = t.replace(re(`${NB}((?:\\+84[ .]?|0)\\d(?:[ .]?\\d){7,11})(?![\\p{N}])`), (all, p: string) => {
    const n = p.replace(/\D/g, "").length;
    if (n < 10 || n > 12) return all;
    return p
      .replace(/^\+84[ .]?/, "+84 ")
      .split(/[ .]+/)
      .map((g) => (g === "+84" ? "cộng tám tư" : readDigits(g)))
      .join(", ");
  });
  t = t.replace(
    re(`(${ci("gọi")}|${ci("tổng đài")}|${ci("đường dây nóng")}|${ci("hotline")}):?\\s+(\\d{3,5})${NA}`),
    (_a, k: string, d: string) => `${k} ${readDigits(d)}`,
  );

  // Times, optionally as a range: "05:30", "5:30:15", "5h30", "17h30'", "5h".
  const TIME = `(\\d{1,2})(?::(\\d{2})(?::(\\d{2}))?|\\s?[hH](\\d{2})?(?:'|ph?${NA})?)${NA}`;
  t = t.replace(re(`${NB}${TIME}(?:\\s*-\\s*${TIME})?`), (all, ...g: (string | undefined)[]) => {
    const [h1, m1, s1, hm1, h2, m2, s2, hm2] = g as (string | undefined)[];
    const a = readTime(h1!, m1 ?? hm1, s1, s);
    if (!a) return all;
    if (h2 === undefined) return a;
    const b = readTime(h2, m2 ?? hm2, s2, s);
    return b ? `${a} đến ${b}` : all;
  });

  // Roman numerals after the words that take them: "quý IV/2026", "khóa XIII", "lần thứ IX".
  const romanKeys = ["quý", "khóa", "khoá", "thứ", "chương", "phần", "đại hội", "kỳ", "nhiệm kỳ", "giai đoạn", "đợt"];
  t = t.replace(
    re(`(${romanKeys.map(ci).join("|")})\\s+([IVXLCDM]+)(?:/(\\d{4}))?${NA}`),
    (all, k: string, r: string, y: string | undefined) => {
      const n = romanToInt(r);
      if (n === null) return all;
      const w = k.toLowerCase() === "thứ" ? ordinal(n, s) : int(String(n));
      return `${k} ${w}${y ? ` năm ${int(y)}` : ""}`;
    },
  );
  t = t.replace(re(`(${ci("thứ")})\\s+(\\d{1,3})${NA}`), (_a, k: string, n: string) => `${k} ${ordinal(+n, s)}`);
  t = t.replace(re(`(${ci("tháng")})\\s+(\\d{1,2})${NA}`), (all, k: string, m: string) =>
    +m >= 1 && +m <= 12 ? `${k} ${monthWord(+m, s)}` : all,
  );
  t = t.replace(re(`${NB}(\\d+)/(\\d{4})${NA}`), (all, n: string, y: string) =>
    +y >= 1900 && +y <= 2100 ? `${int(n)} năm ${int(y)}` : all,
  );

  // Abbreviations ("TP." before "TP" so the dot is consumed, not read as a full stop).
  t = t.replace(ABBR_DOT_RE, (k: string) => `${ABBREVIATIONS[k]} `);
  t = t.replace(ABBR_RE, (k: string) => ABBREVIATIONS[k] ?? k);

  // Negative numbers: "-5°C" (but not the dash of a range "2 -3" after a digit).
  t = t.replace(/(?<!\d\s*)(^|[\s(])-(?=\d)/gu, "$1âm ");

  // Numbers with a unit, percent or currency: "2-3 ha", "20%", "500.000đ", "1.500m²".
  t = t.replace(re(`${NB}${NUMRANGE}\\s*(%|${UNIT_ALT})(?![\\p{L}\\p{M}\\p{N}])`), (_a, a: string, b: string | undefined, u: string) => {
    const word = u === "%" ? "phần trăm" : (UNITS[u] ?? CURRENCIES[u] ?? u);
    return `${range(a, b)} ${word}`;
  });

  // Everything else numeric, including ranges "2-3" → "hai đến ba".
  t = t.replace(re(`${NB}${NUMRANGE}(?![\\p{N}])`), (m: string, a: string, b: string | undefined, at: number, all: string) =>
    // "Tổ 5A" → "Tổ năm A": keep a letter that follows the number a separate word.
    range(a, b) + (/\p{L}/u.test(all[at + m.length] ?? "") ? " " : ""),
  );

  t = t
    .replace(/\s*&\s*/g, " và ")
    .replace(/°/g, " độ ")
    .replace(/[ ]{2,}/g, " ")
    .replace(/ +([,.;:!?])/g, "$1")
    .replace(/ *\n */g, "\n");
  return t.trim();
}
