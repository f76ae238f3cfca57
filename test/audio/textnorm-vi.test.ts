import { describe, expect, it } from "vitest";
import {
  normaliseVietnameseText as norm,
  readDigits,
  readVietnameseInteger as int,
  readVietnameseNumber as num,
  VI_ABBREVIATIONS,
} from "../../audio/textnorm-vi.ts";

describe("readVietnameseInteger", () => {
  it.each([
    [0, "không"],
    [1, "một"],
    [4, "bốn"],
    [5, "năm"],
    [10, "mười"],
    [11, "mười một"],
    [14, "mười bốn"],
    [15, "mười lăm"],
    [20, "hai mươi"],
    [21, "hai mươi mốt"],
    [25, "hai mươi lăm"],
    [31, "ba mươi mốt"],
    [55, "năm mươi lăm"],
    [99, "chín mươi chín"],
    [100, "một trăm"],
    [101, "một trăm linh một"],
    [105, "một trăm linh năm"],
    [110, "một trăm mười"],
    [111, "một trăm mười một"],
    [115, "một trăm mười lăm"],
    [121, "một trăm hai mươi mốt"],
    [582, "năm trăm tám mươi hai"],
    [1000, "một nghìn"],
    [1001, "một nghìn không trăm linh một"],
    [1005, "một nghìn không trăm linh năm"],
    [1015, "một nghìn không trăm mười lăm"],
    [1050, "một nghìn không trăm năm mươi"],
    [1945, "một nghìn chín trăm bốn mươi lăm"],
    [2026, "hai nghìn không trăm hai mươi sáu"],
    [10_000, "mười nghìn"],
    [15_000, "mười lăm nghìn"],
    [21_000, "hai mươi mốt nghìn"],
    [100_000, "một trăm nghìn"],
    [1_000_000, "một triệu"],
    [1_000_005, "một triệu không trăm linh năm"],
    [1_050_000, "một triệu không trăm năm mươi nghìn"],
    [2_500_000, "hai triệu năm trăm nghìn"],
    [1_000_000_000, "một tỷ"],
    [1_000_000_005, "một tỷ không trăm linh năm"],
    [2_005_000_000_000, "hai nghìn không trăm linh năm tỷ"],
    [1_000_000_000_000, "một nghìn tỷ"],
  ])("%d → %s", (n, words) => {
    expect(int(n)).toBe(words);
  });

  it("accepts strings and bigints, leading zeros and negatives", () => {
    expect(int("007")).toBe("bảy");
    expect(int(123456789012345678n)).toBe(
      "một trăm hai mươi ba triệu bốn trăm năm mươi sáu nghìn bảy trăm tám mươi chín tỷ không trăm mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám",
    );
    expect(int(-5)).toBe("âm năm");
    expect(() => int("12a")).toThrow(Error);
  });

  it("reads Southern style with lẻ and ngàn", () => {
    expect(int(105, { region: "south" })).toBe("một trăm lẻ năm");
    expect(int(2026, { region: "south" })).toBe("hai ngàn không trăm hai mươi sáu");
    expect(int(105, { region: "central" })).toBe("một trăm linh năm");
  });

  it("reads more than 18 digits digit by digit", () => {
    expect(int("1234567890123456789")).toBe(readDigits("1234567890123456789"));
    expect(readDigits("0912")).toBe("không chín một hai");
  });
});

describe("readVietnameseNumber", () => {
  it.each([
    ["1.000.000", "một triệu"],
    ["1.500", "một nghìn năm trăm"],
    ["3,5", "ba phẩy năm"],
    ["3.5", "ba phẩy năm"],
    ["2,25", "hai phẩy hai mươi lăm"],
    ["3,05", "ba phẩy không năm"],
    ["0,5", "không phẩy năm"],
    ["1.234,5", "một nghìn hai trăm ba mươi bốn phẩy năm"],
    ["1,000,000", "một triệu"],
    ["1.2.3", "một chấm hai chấm ba"],
  ])("%s → %s", (raw, words) => {
    expect(num(raw)).toBe(words);
  });
});

describe("normaliseVietnameseText", () => {
  it("reads the broadcast example sentence as words", () => {
    expect(norm("UBND xã Kiến Minh thông báo: ngày 12/4/2026 tổ chức ra quân phòng chống bão số 3.")).toBe(
      "Ủy ban nhân dân xã Kiến Minh thông báo: ngày mười hai tháng tư năm hai nghìn không trăm hai mươi sáu tổ chức ra quân phòng chống bão số ba.",
    );
  });

  it("NFC-normalises decomposed diacritics (Word documents)", () => {
    const decomposed = "Ủy ban nhân dân xã Kiến Minh".normalize("NFD");
    expect(decomposed).not.toBe(decomposed.normalize("NFC"));
    expect(norm(decomposed)).toBe("Ủy ban nhân dân xã Kiến Minh");
    expect(norm("HĐND".normalize("NFD"))).toBe("Hội đồng nhân dân");
  });

  it.each([
    ["ngày 12/4/2026", "ngày mười hai tháng tư năm hai nghìn không trăm hai mươi sáu"],
    ["12/4/2026", "ngày mười hai tháng tư năm hai nghìn không trăm hai mươi sáu"],
    ["Ngày 01/01/2026", "Ngày một tháng một năm hai nghìn không trăm hai mươi sáu"],
    ["ngày 30-4-1975", "ngày ba mươi tháng tư năm một nghìn chín trăm bảy mươi lăm"],
    ["ngày 2.9.1945", "ngày hai tháng chín năm một nghìn chín trăm bốn mươi lăm"],
    ["ngày 5-7/4/2026", "ngày năm đến bảy tháng tư năm hai nghìn không trăm hai mươi sáu"],
    ["từ ngày 30/4", "từ ngày ba mươi tháng tư"],
    ["tháng 4/2026", "tháng tư năm hai nghìn không trăm hai mươi sáu"],
    ["tháng 1 và tháng 12", "tháng một và tháng mười hai"],
    ["tháng 04", "tháng tư"],
    ["HẢI PHÒNG, NGÀY 12/4/2026", "HẢI PHÒNG, NGÀY mười hai tháng tư năm hai nghìn không trăm hai mươi sáu"],
    ["Hải Phòng, ngày 12 tháng 4 năm 2026", "Hải Phòng, ngày mười hai tháng tư năm hai nghìn không trăm hai mươi sáu"],
    // Not a valid date: never spoken as "tháng mười ba".
    ["ngày 32/13/2026", "ngày ba mươi hai/mười ba năm hai nghìn không trăm hai mươi sáu"],
  ])("date %s", (raw, words) => {
    expect(norm(raw)).toBe(words);
  });

  it.each([
    ["05:30", "năm giờ ba mươi phút"],
    ["5h30", "năm giờ ba mươi phút"],
    ["17h30'", "mười bảy giờ ba mươi phút"],
    ["16h", "mười sáu giờ"],
    ["05:00", "năm giờ"],
    ["lúc 17:05:09", "lúc mười bảy giờ năm phút chín giây"],
    ["05:00 - 06:30", "năm giờ đến sáu giờ ba mươi phút"],
    ["16h30-18h", "mười sáu giờ ba mươi phút đến mười tám giờ"],
    ["lúc 5 giờ 30", "lúc năm giờ ba mươi"],
  ])("time %s", (raw, words) => {
    expect(norm(raw)).toBe(words);
  });

  it.each([
    ["3,5%", "ba phẩy năm phần trăm"],
    ["tăng 20-25%", "tăng hai mươi đến hai mươi lăm phần trăm"],
    ["1.000.000 đồng", "một triệu đồng"],
    ["500.000đ/người", "năm trăm nghìn đồng/người"],
    ["2.000.000 VNĐ", "hai triệu đồng"],
    ["1,5 tỷ VNĐ", "một phẩy năm tỷ đồng"],
    ["3.5 ha", "ba phẩy năm héc ta"],
    ["2-3 ha", "hai đến ba héc ta"],
    ["1.500m²", "một nghìn năm trăm mét vuông"],
    ["20m2", "hai mươi mét vuông"],
    ["5 km", "năm ki lô mét"],
    ["gió 60 km/h", "gió sáu mươi ki lô mét trên giờ"],
    ["mưa 200mm", "mưa hai trăm mi li mét"],
    ["10 kg", "mười ki lô gam"],
    ["nhiệt độ -5°C", "nhiệt độ âm năm độ C"],
    ["cấp 10-11", "cấp mười đến mười một"],
    ["2-3 ngày", "hai đến ba ngày"],
    ["Tổ 5A", "Tổ năm A"],
    ["Hà Nội 5 ha", "Hà Nội năm héc ta"],
  ])("numbers and units %s", (raw, words) => {
    expect(norm(raw)).toBe(words);
  });

  it.each([
    ["Số 12-CV/ĐU", "Số mười hai công văn Đảng ủy"],
    ["Nghị định 49/2024/NĐ-CP", "Nghị định bốn mươi chín năm hai nghìn không trăm hai mươi bốn nghị định Chính phủ"],
    ["Kế hoạch số 05/KH-UBND", "Kế hoạch số năm kế hoạch Ủy ban nhân dân"],
    ["Nghị quyết 15-NQ/TW", "Nghị quyết mười lăm nghị quyết Trung ương"],
    ["Thông tư 39/2020/TT-BTTTT", "Thông tư ba mươi chín năm hai nghìn không trăm hai mươi thông tư Bộ Thông tin và Truyền thông"],
    ["Nghị định 49/2024", "Nghị định bốn mươi chín năm hai nghìn không trăm hai mươi bốn"],
  ])("document number %s", (raw, words) => {
    expect(norm(raw)).toBe(words);
  });

  it.each([
    ["UBND", "Ủy ban nhân dân"],
    ["HĐND", "Hội đồng nhân dân"],
    ["TP Hải Phòng", "thành phố Hải Phòng"],
    ["TP. Hải Phòng", "thành phố Hải Phòng"],
    ["TP.HCM", "thành phố Hồ Chí Minh"],
    ["MTTQ", "Mặt trận Tổ quốc"],
    ["ĐU", "Đảng ủy"],
    ["BCH", "Ban Chấp hành"],
    ["CAX", "Công an xã"],
    ["TT Núi Đèo", "thị trấn Núi Đèo"],
    ["Trường THCS", "Trường trung học cơ sở"],
    ["THPT", "trung học phổ thông"],
    ["BHYT, BHXH", "bảo hiểm y tế, bảo hiểm xã hội"],
    ["PCCC", "phòng cháy chữa cháy"],
    ["ATGT", "an toàn giao thông"],
    ["PCTT&TKCN", "phòng chống thiên tai và tìm kiếm cứu nạn"],
    ["HĐND-UBND", "Hội đồng nhân dân-Ủy ban nhân dân"],
    ["lúa, ngô v.v. Hết", "lúa, ngô vân vân. Hết"],
    ["Đ/c Chủ tịch", "đồng chí Chủ tịch"],
    ["COVID-19", "Cô vít mười chín"],
    ["GD&ĐT", "giáo dục và đào tạo"],
    ["nam & nữ", "nam và nữ"],
  ])("abbreviation %s", (raw, words) => {
    expect(norm(raw)).toBe(words);
  });

  it("leaves ordinary words containing abbreviation letters alone", () => {
    expect(norm("TTHC tại UBNDx và xTP")).toBe("thủ tục hành chính tại UBNDx và xTP");
    expect(norm("Thông báo của Ủy ban")).toBe("Thông báo của Ủy ban");
    expect(VI_ABBREVIATIONS["TT"]).toBe("thị trấn");
  });

  it.each([
    ["thứ 2", "thứ hai"],
    ["thứ 4", "thứ tư"],
    ["lần thứ 1", "lần thứ nhất"],
    ["lần thứ 14", "lần thứ mười bốn"],
    ["Quý I/2026", "Quý một năm hai nghìn không trăm hai mươi sáu"],
    ["quý IV", "quý bốn"],
    ["khóa XIII", "khóa mười ba"],
    ["Đại hội XIV", "Đại hội mười bốn"],
    ["kỳ họp thứ VII", "kỳ họp thứ bảy"],
    ["lần thứ IV", "lần thứ tư"],
  ])("ordinal / roman %s", (raw, words) => {
    expect(norm(raw)).toBe(words);
  });

  it.each([
    ["gọi 114", "gọi một một bốn"],
    ["đường dây nóng: 113", "đường dây nóng một một ba"],
    ["0912 345 678", "không chín một hai, ba bốn năm, sáu bảy tám"],
    ["0912345678", "không chín một hai ba bốn năm sáu bảy tám"],
    ["+84 912345678", "cộng tám tư, chín một hai ba bốn năm sáu bảy tám"],
    ["0225.3842.111", "không hai hai năm, ba tám bốn hai, một một một"],
  ])("phone %s", (raw, words) => {
    expect(norm(raw)).toBe(words);
  });

  it("keeps sentence punctuation and line breaks for the splitter", () => {
    expect(norm("Bão số 3.\nNgày 12/4.\r\n\r\nHết!")).toBe("Bão số ba.\nNgày mười hai tháng tư.\n\nHết!");
    expect(norm("a\u00a0—\u00a0b … c")).toBe("a, b... c");
  });

  it("leaves no digits in a realistic notice", () => {
    const notice =
      "THÔNG BÁO\nThực hiện Kế hoạch số 56/KH-UBND ngày 05/4/2026 của UBND xã về PCTT&TKCN năm 2026, " +
      "từ 05:00 - 06:30 ngày 12/4 các thôn ra quân; dự kiến 1.200 người, kinh phí 25.500.000đ (tăng 12,5%). " +
      "Bão số 3 gió giật cấp 10-11, mưa 150-200mm. Liên hệ 0225.3842.111 hoặc gọi 114.";
    const out = norm(notice);
    expect(out).not.toMatch(/\d/);
    expect(out).toContain("kế hoạch Ủy ban nhân dân ngày năm tháng tư năm hai nghìn không trăm hai mươi sáu");
    expect(out).toContain("hai mươi lăm triệu năm trăm nghìn đồng");
    expect(out).toContain("mười hai phẩy năm phần trăm");
    expect(out).toContain("một trăm năm mươi đến hai trăm mi li mét");
  });
});
