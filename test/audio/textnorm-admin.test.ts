// The documented rule for reading an administrative document aloud (audio/textnorm-admin.ts):
// heading block skipped, title read, "Kính gửi:" read, "./." dropped, signature block and
// "Nơi nhận:" list skipped; long documents split into parts within the item limit.
import { describe, expect, it } from "vitest";
import { adminDocumentSpeech, splitIntoParts } from "../../audio/textnorm-admin.ts";
import { normaliseVietnameseText } from "../../audio/textnorm-vi.ts";

const DOC = `ĐẢNG BỘ XÃ KIẾN MINH
ĐẢNG ỦY XÃ
Số: 12-CV/ĐU
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Kiến Minh, ngày 12 tháng 4 năm 2026

CÔNG VĂN
Về tăng cường tuyên truyền phòng, chống bão số 3

Kính gửi: Trung tâm Dịch vụ Sự nghiệp công xã.

Thực hiện chỉ đạo của Thành ủy, Đảng ủy xã đề nghị Trung tâm tăng thời lượng phát thanh về phòng, chống bão.
Đề nghị các thôn, tổ dân phố triển khai thực hiện nghiêm túc./.

T/M ĐẢNG ỦY
BÍ THƯ
(Đã ký)
Nguyễn Văn An

Nơi nhận:
- Như trên;
- Lưu VP.`;

describe("administrative documents read aloud", () => {
  it("reads the title, the addressee and the body, and skips the heading, signature and recipients", () => {
    const r = adminDocumentSpeech(DOC);
    expect(r.text).toBe(
      "CÔNG VĂN\nVề tăng cường tuyên truyền phòng, chống bão số 3\n\nKính gửi Trung tâm Dịch vụ Sự nghiệp công xã.\n\n" +
        "Thực hiện chỉ đạo của Thành ủy, Đảng ủy xã đề nghị Trung tâm tăng thời lượng phát thanh về phòng, chống bão.\n" +
        "Đề nghị các thôn, tổ dân phố triển khai thực hiện nghiêm túc.",
    );
    expect(r.skipped).toEqual(["ĐẢNG BỘ XÃ KIẾN MINH", "ĐẢNG ỦY XÃ", "Số: 12-CV/ĐU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
      "Kiến Minh, ngày 12 tháng 4 năm 2026", "T/M ĐẢNG ỦY", "BÍ THƯ", "(Đã ký)", "Nguyễn Văn An", "Nơi nhận:", "- Như trên;", "- Lưu VP."]);
    // Then the normaliser reads it as an announcer would.
    expect(normaliseVietnameseText(r.text)).not.toContain("./.");
  });

  it("splits a long document into parts within the limit, at paragraph and sentence ends", () => {
    const para = "Đề nghị bà con chằng chống nhà cửa. ".repeat(40).trim();
    const parts = splitIntoParts(`${para}\n\n${para}`, 500);
    expect(parts.every((p) => p.length <= 500)).toBe(true);
    expect(parts.join(" ").replace(/\s+/g, " ")).toBe(`${para} ${para}`);
    expect(parts.every((p) => p.endsWith("."))).toBe(true);
    expect(splitIntoParts("Ngắn.", 500)).toEqual(["Ngắn."]);
  });
});
