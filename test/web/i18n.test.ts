import { describe, expect, it } from "vitest";
import { ApiError } from "../../web/src/api.ts";
import { FormError, parseDecimal, problemsOf } from "../../web/src/forms.ts";
import { makeLocale } from "../../web/src/i18n/index.ts";

describe("the web app's Vietnamese messages", () => {
  const vi = makeLocale("vi", "Asia/Ho_Chi_Minh");

  it("names the server's invalid fields by their Vietnamese labels, never the API names", () => {
    const e = new ApiError(422, "VALIDATION_FAILED", "Dữ liệu không hợp lệ: title, text", "Invalid input: title, text", [
      { field: "title", message: "Too small" },
      { field: "text", message: "Too small" },
      { field: "zoneIds.0", message: "Expected number" },
      { field: "someNewField", message: "x" },
    ]);
    expect(vi.errorText(e)).toBe("Dữ liệu chưa hợp lệ: Tiêu đề, Nội dung cần đọc, Cụm loa, một trường. Vui lòng kiểm tra lại.");
    expect(makeLocale("en", "Asia/Ho_Chi_Minh").errorText(e)).toBe("Some input is not valid: Title, Text to read, Zones, a field. Please check it.");
  });

  it("validates with field labels, and reads numbers with a decimal comma", () => {
    const p = problemsOf(vi, [
      ["Tên buổi phát", " ", { required: true }],
      ["Thời lượng phát (phút)", "1,5", { number: { min: 1, max: 360, decimal: true } }],
      ["Số lần/ngày", "1,5", { number: { min: 1, max: 48 } }],
      ["Lặp lại mỗi (phút)", "2", { number: { min: 5, max: 1440 } }],
    ]);
    expect(p).toEqual([
      { label: "Tên buổi phát", message: "chưa nhập" },
      { label: "Số lần/ngày", message: "phải là số nguyên" },
      { label: "Lặp lại mỗi (phút)", message: "phải từ 5 đến 1.440" },
    ]);
    expect(vi.errorText(new FormError(p))).toMatch(/^Vui lòng kiểm tra lại — Tên buổi phát: chưa nhập; /);
    expect(parseDecimal("1,5")).toBe(1.5);
    expect(parseDecimal("2.25")).toBe(2.25);
    expect(parseDecimal("")).toBeNull();
    expect(parseDecimal("1.5.5")).toBeNaN();
    expect(vi.num(1234.5, 1)).toBe("1.234,5");
  });
});
