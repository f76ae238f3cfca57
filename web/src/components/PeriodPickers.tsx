// Period pickers in the commune's words: month and year selects, weeks listed as
// "Tuần 49 (30/11–06/12)", quarters as "Quý 4" — never ISO keys to type by hand. Each
// reads and writes the key the reports API takes ("2026-11", "2026-W49", "2026-Q4").
import { useLocale } from "../i18n/index.ts";
import { addDays, isoWeekMonday, isoWeeksInYear } from "../time.ts";
import { Field } from "./ui.tsx";

function years(today: string, value: number): number[] {
  const now = Number(today.slice(0, 4));
  const out: number[] = [];
  for (let y = Math.min(now - 5, value); y <= Math.max(now + 1, value); y++) out.push(y);
  return out;
}

function YearSelect({ value, onChange, testId }: { value: number; onChange: (y: number) => void; testId?: string }) {
  const l = useLocale();
  return (
    <Field label={l.t("period.year")}>
      <select value={value} onChange={(e) => onChange(Number(e.target.value))} data-testid={testId}>
        {years(l.today(), value).map((y) => (
          <option key={y} value={y}>
            {y}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** value "YYYY-MM" */
export function MonthYearPicker({ value, onChange, testId }: { value: string; onChange: (ym: string) => void; testId?: string }) {
  const l = useLocale();
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(5, 7));
  const set = (yy: number, mm: number) => onChange(`${yy}-${String(mm).padStart(2, "0")}`);
  return (
    <div className="picker">
      <Field label={l.t("period.month")}>
        <select value={m} onChange={(e) => set(y, Number(e.target.value))} data-testid={testId ? `${testId}-month` : undefined}>
          {Array.from({ length: 12 }, (_, i) => (
            <option key={i + 1} value={i + 1}>
              {l.t("period.monthN", { n: i + 1 })}
            </option>
          ))}
        </select>
      </Field>
      <YearSelect value={y} onChange={(yy) => set(yy, m)} testId={testId ? `${testId}-year` : undefined} />
    </div>
  );
}

/** value "YYYY-Www" (ISO week) */
export function WeekPicker({ value, onChange, testId }: { value: string; onChange: (key: string) => void; testId?: string }) {
  const l = useLocale();
  const y = Number(value.slice(0, 4));
  const w = Number(value.slice(6));
  const key = (yy: number, ww: number) => `${yy}-W${String(ww).padStart(2, "0")}`;
  return (
    <div className="picker">
      <Field label={l.t("period.week")}>
        <select value={w} onChange={(e) => onChange(key(y, Number(e.target.value)))} data-testid={testId ? `${testId}-week` : undefined}>
          {Array.from({ length: isoWeeksInYear(y) }, (_, i) => {
            const monday = isoWeekMonday(y, i + 1);
            return (
              <option key={i + 1} value={i + 1}>
                {l.t("period.weekOption", { n: i + 1, from: l.localDate(monday).slice(0, 5), to: l.localDate(addDays(monday, 6)).slice(0, 5) })}
              </option>
            );
          })}
        </select>
      </Field>
      <YearSelect value={y} onChange={(yy) => onChange(key(yy, Math.min(w, isoWeeksInYear(yy))))} testId={testId ? `${testId}-year` : undefined} />
    </div>
  );
}

/** value "YYYY-Qn" */
export function QuarterPicker({ value, onChange, testId }: { value: string; onChange: (key: string) => void; testId?: string }) {
  const l = useLocale();
  const y = Number(value.slice(0, 4));
  const q = Number(value.slice(6));
  return (
    <div className="picker">
      <Field label={l.t("period.quarter")}>
        <select value={q} onChange={(e) => onChange(`${y}-Q${e.target.value}`)} data-testid={testId ? `${testId}-quarter` : undefined}>
          {[1, 2, 3, 4].map((n) => (
            <option key={n} value={n}>
              {l.t("period.quarterN", { n })}
            </option>
          ))}
        </select>
      </Field>
      <YearSelect value={y} onChange={(yy) => onChange(`${yy}-Q${q}`)} testId={testId ? `${testId}-year` : undefined} />
    </div>
  );
}

/** value "YYYY" */
export function YearPicker({ value, onChange, testId }: { value: string; onChange: (key: string) => void; testId?: string }) {
  return <YearSelect value={Number(value)} onChange={(y) => onChange(String(y))} testId={testId ? `${testId}-year` : undefined} />;
}
