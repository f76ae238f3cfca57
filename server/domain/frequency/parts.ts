// The frequency engine's state, as its parts share it (built once per engine).
import type { ItemInfo } from "../rundown.ts";
import type { Keys } from "./keys.ts";
import type { Campaigns } from "./campaigns.ts";
import type { Ledger } from "./ledger.ts";
import type { Eligibility } from "./eligible.ts";

export interface EngineParts {
  timeZone: string;
  items: ReadonlyMap<number, ItemInfo>;
  keys: Keys;
  campaigns: Campaigns;
  ledger: Ledger;
  eligibility: Eligibility;
}
