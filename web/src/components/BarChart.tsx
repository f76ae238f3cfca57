// Hand-drawn SVG bar charts (no chart library): vertical bars for a time series,
// horizontal bars for labelled categories. Each bar carries a <title> and the figure a
// text alternative, so screen readers get the numbers too.

export interface Bar {
  label: string;
  value: number;
}

/** A round axis maximum and tick step; counts stay on whole numbers. */
function axis(max: number, ticks = 5): { top: number; step: number } {
  if (max <= 0) return { top: ticks, step: 1 };
  const raw = max / ticks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * pow).find((v) => v >= raw) ?? 10 * pow);
  return { top: Math.ceil(max / step) * step, step };
}

export function ColumnChart({ bars, title, testId, unit = "" }: { bars: Bar[]; title: string; testId?: string; unit?: string }) {
  const W = 960;
  const H = 240;
  const pad = { l: 40, r: 8, t: 12, b: 30 };
  const { top: max, step: tickStep } = axis(Math.max(0, ...bars.map((b) => b.value)));
  const innerW = W - pad.l - pad.r;
  const innerH = H - pad.t - pad.b;
  const step = bars.length ? innerW / bars.length : innerW;
  const bw = Math.max(2, Math.min(40, step * 0.7));
  const labelEvery = Math.ceil(bars.length / 16) || 1;
  const ticks = Array.from({ length: Math.round(max / tickStep) + 1 }, (_, i) => i * tickStep);
  const summary = bars.map((b) => `${b.label}: ${b.value}${unit}`).join("; ");
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {/* On a phone the chart keeps a legible size and scrolls sideways in its own box. */}
      <div className="chart-scroll col" tabIndex={0} role="group" aria-label={title}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}. ${summary}`} preserveAspectRatio="xMidYMid meet">
        {ticks.map((v) => {
          const y = pad.t + innerH - (v / max) * innerH;
          return (
            <g key={v}>
              <line x1={pad.l} x2={W - pad.r} y1={y} y2={y} className="grid" />
              <text x={pad.l - 4} y={y + 4} textAnchor="end" className="axis">
                {v}
              </text>
            </g>
          );
        })}
        {bars.map((b, i) => {
          const h = (b.value / max) * innerH;
          const x = pad.l + i * step + (step - bw) / 2;
          return (
            <g key={i}>
              <rect x={x} y={pad.t + innerH - h} width={bw} height={Math.max(0, h)} className="bar">
                <title>{`${b.label}: ${b.value}${unit}`}</title>
              </rect>
              {i % labelEvery === 0 ? (
                <text x={x + bw / 2} y={H - pad.b + 16} textAnchor="middle" className="axis">
                  {b.label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      </div>
    </figure>
  );
}

export function HBarChart({ bars, title, testId, unit = "" }: { bars: Bar[]; title: string; testId?: string; unit?: string }) {
  const max = axis(Math.max(0, ...bars.map((b) => b.value))).top;
  const rowH = 26;
  const W = 640;
  // Room for the longest label (about 7 px a character at 12 px), within reason.
  const labelW = Math.min(280, Math.max(80, Math.max(0, ...bars.map((b) => Math.min(b.label.length, 40))) * 7 + 12));
  const H = Math.max(rowH, bars.length * rowH) + 8;
  const innerW = W - labelW - 60;
  const summary = bars.map((b) => `${b.label}: ${b.value}${unit}`).join("; ");
  const clip = (s: string) => (s.length > 40 ? s.slice(0, 39) + "…" : s);
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div className="chart-scroll hbar" tabIndex={0} role="group" aria-label={title}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}. ${summary}`} preserveAspectRatio="xMinYMid meet" style={{ maxWidth: W }}>
        {bars.map((b, i) => {
          const y = 4 + i * rowH;
          const w = (b.value / max) * innerW;
          return (
            <g key={i}>
              <text x={labelW - 8} y={y + 17} textAnchor="end" className="axis label">
                {clip(b.label)}
              </text>
              <rect x={labelW} y={y + 4} width={Math.max(0, w)} height={rowH - 8} className="bar">
                <title>{`${b.label}: ${b.value}${unit}`}</title>
              </rect>
              <text x={labelW + w + 6} y={y + 17} className="axis value">
                {b.value}
              </text>
            </g>
          );
        })}
      </svg>
      </div>
    </figure>
  );
}
