// A searchable checklist of library items (the key items of a campaign, the items that
// carry out a directive). Archived items are shown only while selected.
import { useState } from "react";
import { useLocale } from "../i18n/index.ts";
import type { Item } from "../types.ts";

export const toggleId = (list: number[], v: number) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

export function ItemChecklist({ legend, items, selected, onChange, testIdPrefix }: { legend: string; items: Item[]; selected: number[]; onChange: (ids: number[]) => void; testIdPrefix: string }) {
  const l = useLocale();
  const [filter, setFilter] = useState("");
  const shown = items.filter((i) => selected.includes(i.id) || (!i.archived && i.title.toLowerCase().includes(filter.toLowerCase())));
  return (
    <fieldset className="checks scroll">
      <legend>{legend}</legend>
      <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder={l.t("library.searchHint")} aria-label={l.t("library.search")} />
      {shown.map((i) => (
        <label key={i.id} className="check">
          <input type="checkbox" checked={selected.includes(i.id)} onChange={() => onChange(toggleId(selected, i.id))} data-testid={`${testIdPrefix}-${i.id}`} />
          {i.title}
        </label>
      ))}
    </fieldset>
  );
}
