/**
 * Budget schedules, node counts and durations as Karpenter reads them (robfig/cron v3.0.1's
 * standard parser, intstr's int32, Go's time.Duration), checked in linear time before the CRD's
 * backtracking pattern runs.
 * modules/validation/cron.ts, modules/validation/karpenter-rules.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../modules/config/parse.js";
import { buildGpuNodePool } from "../../modules/karpenter/node-pool-spec.js";
import { GpuNodePool } from "../../modules/nodepools/node-pool.js";
import { MAX_SCHEDULE_LENGTH, scheduleProblem } from "../../modules/validation/cron.js";
import { budgetNodesProblem, goDurationProblem } from "../../modules/validation/karpenter-rules.js";
import { modelProblems } from "../../modules/validation/model.js";
import { configInput, configProblems, errorOf, synthStack } from "../helpers.js";

const ACCEPTED = [
  "0 9 * * mon-fri",
  "@daily",
  "@annually",
  "@midnight",
  "*/15 8-18 * * 1-5",
  "0 0 1 jan,jul *",
  "? ? ? ? ?",
  " 0 9 * * * ",
  "0\t9 * * *",
  "0 9 * * SUN",
  "5/10 * * * *",
  "1,,2 * * * *",
  "+5 * * * *",
  "0-59/7 0-23 1-31 1-12 0-6",
];

const REFUSED: [string, RegExp][] = [
  ["@dailyx", /is not a schedule descriptor Karpenter accepts/],
  ["@every 5m", /is not a schedule descriptor Karpenter accepts/],
  [" @daily", /must have 5 fields/],
  ["0 24 * * *", /^hour field "24": ends above 23/],
  ["0 9 * * 7", /^day of week field "7": ends above 6 \(got "7"; day of week is 0-6 or sun-sat\)/],
  ["0 0 9 * * *", /must have 5 fields, .*\(got 6 in/],
  ["0 9 * *", /must have 5 fields, .*\(got 4 in/],
  ["*/0 * * * *", /^minute field "\*\/0": the step must be a positive number/],
  ["5-1 * * * *", /^minute field "5-1": starts after it ends/],
  ["1-2-3 * * * *", /too many hyphens/],
  ["1/2/3 * * * *", /too many slashes/],
  ["-1 * * * *", /^minute field "-1": "" is not a number/],
  ["a * * * *", /^minute field "a": "a" is not a number or a name/],
  ["0 0 0 * *", /^day of month field "0": starts below 1/],
  ["0 9 * 13 *", /^month field "13": ends above 12/],
  ["0 9 * * mon-fri\n", /printable ASCII/],
  ["0\u00a09 * * *", /printable ASCII/],
  [`${"a ".repeat(200)}\n`, /at most 100 characters \(got 401\)/],
];

describe("budget schedules, as Karpenter's cron parser reads them", () => {
  it("accepts what robfig's standard parser accepts, and the CRD accepts each of them too", () => {
    for (const schedule of ACCEPTED) {
      assert.equal(scheduleProblem(schedule), undefined, JSON.stringify(schedule));
      const pool = buildGpuNodePool({ name: "p", nodeClassName: "c", cpuLimit: 8, budgets: [{ nodes: "0", schedule, duration: "8h" }] });
      assert.deepEqual(modelProblems(pool), [], `the CRD accepts ${JSON.stringify(schedule)}`);
    }
  });

  it("refuses what Karpenter would fail on at run time, saying which field and why", () => {
    for (const [schedule, expected] of REFUSED) assert.match(scheduleProblem(schedule) ?? "(accepted)", expected, JSON.stringify(schedule));
  });

  it("refuses a descriptor the CRD's pattern lets through (it matches a prefix)", () => {
    const pool = buildGpuNodePool({ name: "p", nodeClassName: "c", cpuLimit: 8, budgets: [{ nodes: "0", schedule: "@dailyx", duration: "8h" }] });
    assert.deepEqual(modelProblems(pool), [], "the CRD alone accepts @dailyx");
    assert.match(scheduleProblem("@dailyx")!, /not a schedule descriptor/);
  });

  it("reports a bad schedule at its config key, and in a GpuNodePool's props", () => {
    const input = configInput({ nodePools: [{ name: "p", nodeClass: "gpu-nodeclass", limits: { cpu: 100 }, disruption: { budgets: [{ nodes: "0", schedule: "0 24 * * *", duration: "8h" }] } }] });
    assert.deepEqual(configProblems(() => parseConfig(input)), ['nodePools[0].disruption.budgets[0].schedule: hour field "24": ends above 23 (got "24"; hour is 0-23)']);
    const error = errorOf(() => synthStack((s) => new GpuNodePool(s, "p", { name: "p", nodeClassName: "c", cpuLimit: 8, budgets: [{ nodes: "0", schedule: "0 9 * * 7", duration: "8h" }] })));
    assert.match(error, /budgets\[0\]\.schedule: day of week field "7": ends above 6/);
  });

  it("refuses the schedules that made the pattern backtrack for minutes, in well under a second", () => {
    const worst = [`${"a ".repeat(156)}\n`, `${"a\t".repeat(150)}!\n`, `@${" x".repeat(MAX_SCHEDULE_LENGTH)}`];
    const start = performance.now();
    for (const schedule of worst) {
      const input = configInput({ nodePools: [{ name: "p", nodeClass: "gpu-nodeclass", limits: { cpu: 100 }, disruption: { budgets: Array.from({ length: 50 }, () => ({ nodes: "0", schedule, duration: "8h" })) } }] });
      assert.equal(configProblems(() => parseConfig(input)).length, 50);
      assert.throws(() => synthStack((s) => new GpuNodePool(s, "p", { name: "p", nodeClassName: "c", cpuLimit: 8, budgets: [{ nodes: "0", schedule, duration: "8h" }] })));
    }
    // Milliseconds here; the old pattern took minutes on a 313-byte schedule.
    assert.ok(performance.now() - start < 5000, `took ${(performance.now() - start).toFixed(0)} ms`);
  });
});

describe("budget node counts fit Karpenter's int32", () => {
  it("accepts counts up to 2147483647 and percentages up to 100%, refuses larger counts that would wrap", () => {
    for (const nodes of ["0", "1", "10%", "100%", "2147483647"]) assert.equal(budgetNodesProblem(nodes), undefined, nodes);
    assert.equal(budgetNodesProblem("4294967296"), "must be at most 2147483647 nodes (got 4294967296): Karpenter reads the count as a 32-bit integer");
    assert.match(budgetNodesProblem("101%")!, /must be a count such as "1" or a percentage such as "10%" \(got "101%"\)/);
    assert.match(budgetNodesProblem("1".repeat(60))!, /must be at most 2147483647 nodes/);
    const input = configInput({ nodePools: [{ name: "p", nodeClass: "gpu-nodeclass", limits: { cpu: 100 }, disruption: { budgets: [{ nodes: "2147483648" }] } }] });
    assert.deepEqual(configProblems(() => parseConfig(input)), ["nodePools[0].disruption.budgets[0].nodes: must be at most 2147483647 nodes (got 2147483648): Karpenter reads the count as a 32-bit integer"]);
  });
});

describe("durations fit Go's time.Duration", () => {
  it("accepts up to 2562047h47m16s and Never, refuses longer ones that Karpenter could not read", () => {
    for (const d of ["720h", "Never", "2562047h", "2562047h47m16s", "1h30m", "30s"]) assert.equal(goDurationProblem(d), undefined, d);
    for (const d of ["2562048h", "2562047h47m17s", "99999999999999999999s"]) assert.match(goDurationProblem(d) ?? "(accepted)", /must be at most 2562047h \(about 292 years: Go's time\.Duration\)/, d);
    const input = configInput({
      nodePools: [
        {
          name: "p",
          nodeClass: "gpu-nodeclass",
          limits: { cpu: 100 },
          expireAfter: "9999999h",
          terminationGracePeriod: "3000000h",
          disruption: { consolidateAfter: "9999999999m", budgets: [{ nodes: "0", schedule: "@daily", duration: "9999999h" }] },
        },
      ],
    });
    assert.deepEqual(configProblems(() => parseConfig(input)), [
      "nodePools[0].expireAfter: must be at most 2562047h (about 292 years: Go's time.Duration) (got \"9999999h\")",
      "nodePools[0].terminationGracePeriod: must be at most 2562047h (about 292 years: Go's time.Duration) (got \"3000000h\")",
      "nodePools[0].disruption.consolidateAfter: must be at most 2562047h (about 292 years: Go's time.Duration) (got \"9999999999m\")",
      "nodePools[0].disruption.budgets[0].duration: must be at most 2562047h (about 292 years: Go's time.Duration) (got \"9999999h\")",
    ]);
    const error = errorOf(() => synthStack((s) => new GpuNodePool(s, "p", { name: "p", nodeClassName: "c", cpuLimit: 8, expireAfter: "9999999h" })));
    assert.match(error, /expireAfter: must be at most 2562047h/);
  });
});
