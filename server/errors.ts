// One error type for everything a user can see: a stable code, an HTTP status and the
// message in Vietnamese and English. The HTTP layer renders it as
// { error: { code, message, messageVi, messageEn, details? } }.
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503,
    readonly code: string,
    readonly messageVi: string,
    readonly messageEn: string,
    readonly details?: unknown,
  ) {
    super(messageEn);
    this.name = "AppError";
  }
}

export const notFound = (what = "resource") =>
  new AppError(404, "NOT_FOUND", `Không tìm thấy ${viName(what)}.`, `The ${what} was not found.`);

export const conflict = (code: string, vi: string, en: string, details?: unknown) => new AppError(409, code, vi, en, details);

export const invalid = (code: string, vi: string, en: string, details?: unknown) => new AppError(422, code, vi, en, details);

const VI_NAMES: Record<string, string> = {
  resource: "dữ liệu",
  user: "người dùng",
  zone: "cụm loa",
  item: "tin bài",
  program: "chương trình",
  schedule: "lịch phát",
  campaign: "chiến dịch",
  airing: "buổi phát",
  report: "báo cáo",
  category: "chủ đề",
  emergency: "phát khẩn cấp",
  directive: "văn bản chỉ đạo",
  attachment: "tệp đính kèm",
};

function viName(what: string): string {
  return VI_NAMES[what] ?? what;
}
