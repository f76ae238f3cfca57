// Every operation of the API, as the OpenAPI document (./openapi.ts) describes it. The
// request schemas are read from the routes' own validators; this table adds what a reader
// needs besides: a summary, the success status and what a non-JSON answer carries. A route
// missing here, or an entry without a route, fails test/contract/openapi.test.ts.
import { z } from "zod";
import { documentUploadFields, itemUploadFields } from "../contract/items.ts";

export interface Operation {
  summary: string;
  /** The success status when not 200. */
  status?: 201 | 202;
  /** A non-JSON success answer: its media types. */
  produces?: string[];
  /** A multipart/form-data request: the text fields (the file is the part named "file"). */
  multipart?: z.ZodObject;
  /** Answered without a session. */
  public?: true;
}

const FILES = ["text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/pdf"];
const AUDIO = ["audio/mpeg", "audio/wav", "audio/ogg", "audio/flac", "audio/mp4", "audio/aac"];

/** Keyed "METHOD /api/path" with Hono's :param syntax. */
export const OPERATIONS: Record<string, Operation> = {
  "GET /api/openapi.json": { summary: "This document (OpenAPI 3.1)", public: true },
  "GET /api/docs": { summary: "A readable page of this document", produces: ["text/html"], public: true },

  "POST /api/auth/login": { summary: "Sign in (sets the session and CSRF cookies)", public: true },
  "POST /api/auth/logout": { summary: "Sign out" },
  "GET /api/auth/me": { summary: "The signed-in user and the CSRF token" },
  "POST /api/auth/password": { summary: "Change one's own password (ends the other sessions)" },
  "GET /api/users": { summary: "List users" },
  "POST /api/users": { summary: "Create a user with a one-time password", status: 201 },
  "PATCH /api/users/:id": { summary: "Edit, disable or reset a user" },
  "GET /api/health": { summary: "Health of the database, Redis, queues, ffmpeg and the airing side (503 when not ok)", public: true },

  "GET /api/commune": { summary: "The commune's settings" },
  "PUT /api/commune": { summary: "Change the commune's settings" },
  "GET /api/zones": { summary: "List zones (stream passwords blanked)" },
  "POST /api/zones": { summary: "Create a zone", status: 201 },
  "PUT /api/zones/:id": { summary: "Change a zone" },
  "GET /api/categories": { summary: "List categories" },
  "POST /api/categories": { summary: "Create a category", status: 201 },
  "DELETE /api/categories/:id": { summary: "Delete a category (not a built-in one)" },
  "GET /api/settings/approval": { summary: "Whether content needs approval" },
  "PUT /api/settings/approval": { summary: "Switch content approval on or off" },
  "GET /api/settings/documents": { summary: "Document settings (issuer, signers, recipients)" },
  "PUT /api/settings/documents": { summary: "Change the document settings" },
  "GET /api/settings/tts": { summary: "Which cloud voice providers have a key (never the key)" },
  "PUT /api/settings/tts/:provider": { summary: "Set or clear a cloud voice provider's key" },

  "GET /api/items": { summary: "List or search items, newest first (cursor pages)" },
  "GET /api/items/:id": { summary: "One item with its assets and directives" },
  "POST /api/items": { summary: "Create a text (TTS) or relay item", status: 201 },
  "POST /api/items/upload": { summary: "Upload an audio file as an item", status: 201, multipart: itemUploadFields },
  "POST /api/items/document": { summary: "Read a DOCX or PDF aloud as TTS items", status: 201, multipart: documentUploadFields },
  "PATCH /api/items/:id": { summary: "Edit an item (a changed text or relay withdraws approval)" },
  "DELETE /api/items/:id": { summary: "Archive an item" },
  "POST /api/items/:id/retry": { summary: "Process an item again" },
  "GET /api/items/:id/audio": { summary: "The item's original or canonical audio", produces: AUDIO },
  "POST /api/items/:id/approval": { summary: "Approve or reject an item" },
  "POST /api/programs/:id/approval": { summary: "Approve or reject a program's arrangement" },
  "GET /api/approvals": { summary: "Items, program changes and emergencies waiting for a leader" },

  "GET /api/programs": { summary: "List programs with their length" },
  "GET /api/programs/:id": { summary: "One program" },
  "POST /api/programs": { summary: "Create a program", status: 201 },
  "PUT /api/programs/:id": { summary: "Replace a program" },
  "DELETE /api/programs/:id": { summary: "Archive a program (not while scheduled)" },
  "GET /api/schedules": { summary: "List schedules" },
  "POST /api/schedules": { summary: "Create a schedule (refused when it overlaps another)", status: 201 },
  "PUT /api/schedules/:id": { summary: "Replace a schedule" },
  "DELETE /api/schedules/:id": { summary: "Disable a schedule" },
  "GET /api/calendar": { summary: "Sessions of up to six weeks, from the rules and the airings" },
  "GET /api/campaigns": { summary: "List campaigns" },
  "POST /api/campaigns": { summary: "Create a campaign", status: 201 },
  "PUT /api/campaigns/:id": { summary: "Replace a campaign" },
  "POST /api/campaigns/feasibility": { summary: "Whether the schedules can meet a campaign's targets" },
  "GET /api/campaigns/:id/status": { summary: "A campaign's compliance per zone" },

  "GET /api/airings": { summary: "List airings in air-time order (cursor pages)" },
  "GET /api/airings/:id": { summary: "One airing with its run-down and as-run rows" },
  "POST /api/airings/air-now": { summary: "Put a program on air now", status: 201 },
  "POST /api/airings/:id/cancel": { summary: "Cancel an airing" },
  "GET /api/emergencies": { summary: "The latest emergency broadcasts" },
  "POST /api/emergencies": { summary: "Start an emergency broadcast of an item", status: 201 },
  "POST /api/emergencies/text": { summary: "Speak a typed text as an emergency broadcast", status: 201 },
  "POST /api/emergencies/:id/cancel": { summary: "Stop an emergency broadcast" },
  "POST /api/emergencies/:id/review": { summary: "Review an emergency aired without approval" },
  "GET /api/status": { summary: "Now playing and next up per zone, queue health" },
  "GET /api/status/counts": { summary: "A day's figures for the dashboard" },
  "GET /api/status/stream": { summary: "Live events and status snapshots (server-sent events)", produces: ["text/event-stream"] },

  "GET /api/asrun": { summary: "The as-run log, newest first (cursor pages), or CSV", produces: ["application/json", "text/csv"] },
  "GET /api/reports": { summary: "The report of a period, as JSON or a file", produces: ["application/json", ...FILES] },
  "GET /api/reports/logbook": { summary: "The broadcast log book of a week or month", produces: FILES.slice(1) },
  "GET /api/reports/archive": { summary: "Archived monthly reports" },
  "GET /api/reports/archive/:id/:format": { summary: "A file of an archived report", produces: FILES },
  "POST /api/reports/monthly": { summary: "Queue the generation of a month's report", status: 202 },
  "GET /api/reports/channels/:month": { summary: "A month's figures of the other channels" },
  "PUT /api/reports/channels/:month": { summary: "Enter a month's figures of the other channels" },
  "GET /api/audit": { summary: "The audit log, newest first (cursor pages)" },

  "GET /api/alerts": { summary: "List alerts" },
  "POST /api/alerts/:id/ack": { summary: "Acknowledge an alert" },
  "GET /api/alerts/settings": { summary: "The alert webhook" },
  "PUT /api/alerts/settings": { summary: "Change the alert webhook" },
  "POST /api/alerts/webhook-test": { summary: "Send a test alert to the webhook" },

  "GET /api/directives": { summary: "The register of directive documents (cursor pages)" },
  "GET /api/directives/overdue": { summary: "Directives past their deadline" },
  "GET /api/directives/:id": { summary: "One directive" },
  "POST /api/directives": { summary: "Register a directive", status: 201 },
  "PATCH /api/directives/:id": { summary: "Edit a directive" },
  "DELETE /api/directives/:id": { summary: "Archive a directive" },
  "POST /api/directives/:id/attachment": { summary: "Attach the document's file (PDF or DOCX)", status: 201, multipart: z.object({}) },
  "GET /api/directives/:id/attachment": { summary: "The document's file", produces: ["application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"] },
  "POST /api/directives/:id/items": { summary: "Read the directive's attachment aloud as TTS items", status: 201 },
};
