// What of an administrative document (Decree 30/2020/NĐ-CP layout) is read aloud, by a
// documented rule, before the Vietnamese normaliser (textnorm-vi.ts) rewrites numbers and
// abbreviations. Pure; the text comes from the document's extractor (DOCX/PDF).
//
// The rule:
//  1. The heading block above the title is skipped: quốc hiệu ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA
//     VIỆT NAM"), tiêu ngữ ("Độc lập - Tự do - Hạnh phúc"), the issuer lines, "Số: …" and the
//     place-and-date line ("Kiến Minh, ngày 12 tháng 4 năm 2026"). The title (the first line
//     after it) is read.
//  2. "Kính gửi: …" is READ, as "Kính gửi …." (whom the message addresses is part of it).
//  3. The end marker "./." is dropped.
//  4. Everything from "Nơi nhận:" on is skipped (the distribution list), and so is the
//     signature block: "TM.", "T/M", "KT.", "TL.", "TUQ.", "Q." lines, signer titles in
//     capitals that follow the body, "(Đã ký)", "(Ký, ghi rõ họ tên)", seal notes, and the
//     signer's name after them.
// Long documents are split into parts of at most `maxChars` at paragraph or sentence ends,
// each a TTS item of its own (the item length limit).

export interface AdminSpeech {
  /** The text to speak. */
  text: string;
  /** Lines left out, in order (for the item's note and for review). */
  skipped: string[];
}

const NATIONAL = /^(CỘNG HÒA|CỘNG HOÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM$|^Độc lập\s*[-–—]\s*Tự do\s*[-–—]\s*Hạnh phúc$|^[-–—_\s]+$/iu;
const NUMBER_LINE = /^Số\s*:/u;
const PLACE_DATE = /,\s*ngày\s+[\d.…]+\s+tháng\s+[\d.…]+\s+năm\s+\d{4}\s*$/u;
const SIGNATURE = /^(T\/M|TM\.|KT\.|TL\.|TUQ\.|Q\.)\s|^\((Đã ký|Ký,? ghi rõ họ tên|Ký tên, đóng dấu|đã ký)[^)]*\)$|^\[?(Chữ ký|Dấu)\b/iu;
const RECIPIENTS = /^Nơi nhận\s*:/iu;
const ADDRESSED = /^Kính gửi\s*:\s*(.*)$/iu;
const END_MARK = /\s*\.\/\.\s*$/u;
/** A line in capitals (a title or a signer's office): letters present, none lower-case. */
export const isCaps = (s: string) => /\p{L}/u.test(s) && s === s.toLocaleUpperCase("vi");

export function adminDocumentSpeech(raw: string): AdminSpeech {
  const lines = raw.replace(/\r\n?/g, "\n").split("\n").map((l) => l.replace(/\s+/g, " ").trim());
  const skipped: string[] = [];
  const out: string[] = [];
  // 1. The heading block: up to and including the place-and-date line, when there is one
  //    among the first lines (else from the first line).
  const dateAt = lines.slice(0, 15).findIndex((l) => PLACE_DATE.test(l));
  let i = 0;
  if (dateAt >= 0) {
    skipped.push(...lines.slice(0, dateAt + 1).filter(Boolean));
    i = dateAt + 1;
  } else {
    while (i < lines.length && (!lines[i] || NATIONAL.test(lines[i]!) || NUMBER_LINE.test(lines[i]!))) {
      if (lines[i]) skipped.push(lines[i]!);
      i++;
    }
  }
  let inSignature = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) {
      out.push("");
      continue;
    }
    // 4. The distribution list and everything after it.
    if (RECIPIENTS.test(line)) {
      skipped.push(...lines.slice(i).filter(Boolean));
      break;
    }
    if (SIGNATURE.test(line)) inSignature = true;
    // A signer's office in capitals right after the body's end marker also starts the block.
    if (!inSignature && isCaps(line) && out.some((l) => END_MARK.test(l))) inSignature = true;
    if (inSignature) {
      skipped.push(line);
      continue;
    }
    // 2. Whom it is addressed to is read.
    const addressed = ADDRESSED.exec(line);
    if (addressed) {
      out.push(`Kính gửi ${addressed[1]!.replace(/[.;:]\s*$/, "")}.`);
      continue;
    }
    out.push(line);
  }
  // 3. The end marker.
  const text = out
    .map((l) => l.replace(END_MARK, "."))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { text, skipped };
}

/** Parts of at most `maxChars`, cut at paragraph ends, else at sentence ends, else at spaces. */
export function splitIntoParts(text: string, maxChars: number): string[] {
  const parts: string[] = [];
  let cur = "";
  const flush = () => {
    if (cur.trim()) parts.push(cur.trim());
    cur = "";
  };
  const add = (piece: string, sep: string) => {
    if (cur && cur.length + sep.length + piece.length > maxChars) flush();
    cur = cur ? cur + sep + piece : piece;
  };
  for (const para of text.split(/\n\s*\n/)) {
    if (para.length <= maxChars) {
      add(para.trim(), "\n\n");
      continue;
    }
    for (const sentence of para.match(/[^.!?…]+[.!?…]*\s*/gu) ?? [para]) {
      let s = sentence.trim();
      while (s.length > maxChars) {
        const cut = s.lastIndexOf(" ", maxChars) > maxChars / 2 ? s.lastIndexOf(" ", maxChars) : maxChars;
        add(s.slice(0, cut).trim(), " ");
        flush();
        s = s.slice(cut).trim();
      }
      if (s) add(s, " ");
    }
  }
  flush();
  return parts;
}
