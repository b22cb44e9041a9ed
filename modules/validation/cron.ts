import { quoted } from "../core/rules.js";
/**
 * Disruption budget schedules as Karpenter reads them, not only as the CRD's pattern does.
 *
 * Karpenter v1.14.1 parses a budget's schedule when it decides whether the budget is active:
 * `cron.ParseStandard("TZ=UTC " + schedule)` (kubernetes-sigs/karpenter, pkg/apis/v1/nodepool.go,
 * `Budget.IsActive`), with github.com/robfig/cron/v3 v3.0.1 (parser.go: `Parse`, `getField`,
 * `getRange`, `parseDescriptor`; spec.go: the field bounds). A schedule the CRD pattern accepts
 * but robfig refuses (`@dailyx`, `0 24 * * *`, six fields) makes every check of that budget fail
 * at run time. So a schedule must pass both, and is checked here without a regular expression:
 * the CRD's pattern backtracks super-linearly in JavaScript (a few hundred bytes take minutes), so
 * the length is capped before the pattern ever runs (the CRD check runs it later).
 *
 * Bump with the chart: the descriptors, the five fields and their bounds are robfig's.
 */

/** The longest schedule accepted: far above any real one, low enough for the CRD pattern to stay fast. */
export const MAX_SCHEDULE_LENGTH = 100;

/** robfig's descriptors the CRD pattern also accepts (`@every <duration>` is robfig's only, refused by the CRD). */
const DESCRIPTORS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);

interface Bounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

/** The five fields of a standard spec, in order, with robfig's bounds and names. */
const FIELDS: readonly Bounds[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } },
  { name: "day of week", min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

const HINT = 'such as "0 9 * * mon-fri" (minute hour day-of-month month day-of-week, in UTC) or "@daily"';

/** What Karpenter (robfig's standard parser) or the CRD would refuse in a budget schedule, or undefined. */
export function scheduleProblem(schedule: string): string | undefined {
  if (schedule.length > MAX_SCHEDULE_LENGTH) return `must be a cron schedule of at most ${MAX_SCHEDULE_LENGTH} characters (got ${schedule.length}), ${HINT}`;
  // Plain ASCII, fields separated by spaces or tabs: what both Go's strings.Fields and the CRD's
  // RE2 pattern split the same way.
  if (!/^[\x21-\x7e \t]*$/.test(schedule)) return `must be a cron schedule of printable ASCII separated by spaces, ${HINT} (got ${quoted(schedule)})`;
  if (schedule.startsWith("@")) {
    return DESCRIPTORS.has(schedule) ? undefined : `${JSON.stringify(schedule)} is not a schedule descriptor Karpenter accepts: one of ${[...DESCRIPTORS].join(", ")}`;
  }
  const fields = schedule.trim().split(/[ \t]+/).filter(Boolean);
  if (fields.length !== FIELDS.length) return `must have 5 fields, ${HINT} (got ${fields.length} in ${JSON.stringify(schedule)})`;
  for (let i = 0; i < FIELDS.length; i++) {
    const problem = fieldProblem(fields[i], FIELDS[i]);
    if (problem) return `${FIELDS[i].name} field ${JSON.stringify(fields[i])}: ${problem}`;
  }
  return undefined;
}

/** robfig's getField: a comma-separated list of ranges (empty items are skipped, as strings.FieldsFunc does). */
function fieldProblem(field: string, bounds: Bounds): string | undefined {
  for (const range of field.split(",").filter((r) => r !== "")) {
    const problem = rangeProblem(range, bounds);
    if (problem) return problem;
  }
  return undefined;
}

/** robfig's getRange: `*` or `?`, `n`, `n-m`, each with an optional `/step`. */
function rangeProblem(expr: string, b: Bounds): string | undefined {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0].split("-");
  let start: number | string;
  let end: number | string;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    start = b.min;
    end = b.max;
  } else {
    if (lowAndHigh.length > 2) return `too many hyphens in ${JSON.stringify(expr)}`;
    start = intOrName(lowAndHigh[0], b);
    if (typeof start === "string") return start;
    end = lowAndHigh.length === 2 ? intOrName(lowAndHigh[1], b) : start;
    if (typeof end === "string") return end;
  }
  if (rangeAndStep.length > 2) return `too many slashes in ${JSON.stringify(expr)}`;
  if (rangeAndStep.length === 2) {
    const step = wholeNumber(rangeAndStep[1]);
    if (typeof step === "string") return step;
    if (step === 0) return `the step must be a positive number (got ${quoted(expr)})`;
    // "n/step" means n to the field's maximum.
    if (lowAndHigh.length === 1) end = b.max;
  }
  if (start < b.min) return `starts below ${b.min} (got ${quoted(expr)}; ${boundsText(b)})`;
  if (end > b.max) return `ends above ${b.max} (got ${quoted(expr)}; ${boundsText(b)})`;
  if (start > end) return `starts after it ends (got ${quoted(expr)})`;
  return undefined;
}

const boundsText = (b: Bounds) => `${b.name} is ${b.min}-${b.max}${b.names ? ` or ${Object.keys(b.names)[0]}-${Object.keys(b.names).at(-1)}` : ""}`;

/** robfig's parseIntOrName: a name of the field (any case), else a whole number. */
function intOrName(text: string, b: Bounds): number | string {
  const named = b.names?.[text.toLowerCase()];
  return named ?? wholeNumber(text);
}

/** Go's strconv.Atoi, then robfig's refusal of negatives: an optional sign and decimal digits. */
function wholeNumber(text: string): number | string {
  if (!/^[+-]?[0-9]{1,18}$/.test(text)) return `${JSON.stringify(text)} is not a number${text === "" ? "" : " or a name"}`;
  const n = Number(text);
  return n < 0 ? `${JSON.stringify(text)} is negative` : n;
}
