// The commune's wall clock (its time zone, 24-hour), ticking every second.
import { useEffect, useState } from "react";
import { useLocale } from "../i18n/index.ts";

export function Clock() {
  const l = useLocale();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, []);
  return (
    <div className="clock" role="group" aria-label={l.t("clock.label")} data-testid="clock">
      <span className="clock-time">{l.timeSec(now)}</span>
      <span className="clock-date">{l.date(now)}</span>
    </div>
  );
}
