// The one message catalogue (vi.ts, with en.ts typed against it) plus date/time formatting
// in the commune's time zone. Components receive a Locale through context.
import { createContext, useContext } from "react";
import { vi, type MessageKey } from "./vi.ts";
import { en } from "./en.ts";
import { ApiError } from "../api.ts";
import { FormError } from "../forms.ts";
import { formatDuration, formatLocalDate, formatLocalTime, todayIn, ymdToDmy } from "../time.ts";

export type Lang = "vi" | "en";
export type { MessageKey };

const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { vi, en };
const LANG_KEY = "loaxa.lang";

export function storedLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === "en" ? "en" : "vi";
  } catch {
    return "vi";
  }
}

export function storeLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

export interface Locale {
  lang: Lang;
  tz: string;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** dd/MM/yyyy of an instant in the commune time zone. */
  date(v: string | Date): string;
  /** HH:mm (24-hour) of an instant in the commune time zone. */
  time(v: string | Date): string;
  timeSec(v: string | Date): string;
  dateTime(v: string | Date): string;
  /** "YYYY-MM-DD" → dd/MM/yyyy */
  localDate(ymd: string | null | undefined): string;
  duration(ms: number): string;
  /** A number the Vietnamese way (1.234,5) or the English way (1,234.5). */
  num(n: number, decimals?: number): string;
  /** The label of an API field name ("title" → "Tiêu đề"). */
  fieldLabel(field: string): string;
  today(): string;
  /** The user-facing text of any error, in the current language. */
  errorText(e: unknown): string;
  /** Picks the Vietnamese or English variant of a bilingual pair. */
  pick(vi: string, en: string): string;
}

export function makeLocale(lang: Lang, tz: string): Locale {
  const cat = CATALOGUES[lang];
  const t = (key: MessageKey, vars?: Record<string, string | number>) => {
    const s = cat[key] ?? vi[key] ?? key;
    return vars ? s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`)) : s;
  };
  const pick = (v: string, e: string) => (lang === "en" ? e || v : v || e);
  const num = (n: number, decimals = 0) => (Number.isFinite(n) ? n.toLocaleString(lang === "vi" ? "vi-VN" : "en-GB", { minimumFractionDigits: decimals, maximumFractionDigits: decimals }) : "…");
  const fieldLabel = (field: string) => {
    // "zoneIds.0" → "zoneIds"; unknown names get a neutral word rather than English.
    const base = field.split(".")[0] ?? field;
    const key = `field.${base}` as MessageKey;
    return key in cat ? cat[key] : t("field.unknown");
  };
  return {
    lang,
    tz,
    t,
    pick,
    date: (v) => formatLocalDate(v, tz),
    time: (v) => formatLocalTime(v, tz),
    timeSec: (v) => formatLocalTime(v, tz, true),
    dateTime: (v) => `${formatLocalDate(v, tz)} ${formatLocalTime(v, tz)}`,
    localDate: ymdToDmy,
    duration: formatDuration,
    num,
    fieldLabel,
    today: () => todayIn(tz),
    errorText: (e) => {
      if (e instanceof FormError) return t("form.problems", { list: e.problems.map((p) => `${p.label}: ${p.message}`).join("; ") });
      if (e instanceof ApiError) {
        // The server names fields by their API names; the user reads them by their labels.
        if (e.fields.length) return t("error.validation", { fields: [...new Set(e.fields.map((f) => fieldLabel(f.field)))].join(", ") });
        return pick(e.messageVi, e.messageEn);
      }
      return e instanceof Error ? e.message : String(e);
    },
  };
}

export const LocaleContext = createContext<Locale>(makeLocale("vi", "Asia/Ho_Chi_Minh"));
export const useLocale = (): Locale => useContext(LocaleContext);
