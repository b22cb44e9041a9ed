/**
 * The `karpenter-gpu` command line itself: usage, --help, --version, strict parsing, exit codes and
 * options reaching capacity and doctor. `main()` runs in-process with a recording kubectl; two
 * spawned runs prove the wiring of the real entry point (and that --help never runs kubectl).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Finding, Kubectl } from "../../cli/doctor.js";
import { commandUsage, main, packageVersion, topUsage } from "../../cli/main.js";
import { bundled, ROOT } from "../helpers.js";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** A kubectl that answers like a small healthy cluster and records every call and context. */
function fakeKubectl(fail = false) {
  const contexts: (string | undefined)[] = [];
  const calls: string[][] = [];
  const readyPod = { metadata: { name: "p", namespace: "x" }, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } };
  const kubectlFor = (context?: string): Kubectl => {
    contexts.push(context);
    return (args) => {
      calls.push([...args]);
      if (fail) throw new Error("connection refused");
      if (args[1] === "--raw") return '{"gitVersion":"v1.33.0"}';
      if (args[0] === "logs") return "";
      if (args[1] === "deployment") return JSON.stringify({ metadata: { name: "karpenter" }, spec: { replicas: 2 }, status: { readyReplicas: 2 } });
      if (args[1] === "pods") return JSON.stringify({ items: [readyPod] });
      return '{"items":[]}';
    };
  };
  return { kubectlFor, contexts, calls };
}

function run(argv: string[], kubectl = fakeKubectl()) {
  let stdout = "";
  let stderr = "";
  const status = main(argv, (t) => (stdout += t), (t) => (stderr += t), { kubectlFor: kubectl.kubectlFor });
  return { status, stdout, stderr, ...kubectl };
}

/** Runs `body` with environment variables set (undefined: removed), then restores them. */
function withEnv<T>(vars: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  try {
    return body();
  } finally {
    apply(saved);
  }
}

const TOP_USAGE = `usage: karpenter-gpu COMMAND [options]

commands:
  capacity  per pool: admitted instance types, their reach under the caps, vCPU quotas to request
  doctor    check a live cluster through kubectl and name the gotcha behind each problem

options:
  -h, --help  print this help and exit
  --version   print the version and exit

Run "karpenter-gpu COMMAND --help" for a command's options.
`;

const CAPACITY_USAGE = `usage: karpenter-gpu capacity [--config FILE] [--json]

Reads a karpenter-gpu configuration and prints, per NodePool, the instance types its requirements
admit, the most nodes and GPUs each can reach under the pool's caps, and the EC2 vCPU quotas to
request (summed over pools). Needs no AWS credentials and no cluster.

options:
  --config FILE  configuration file, YAML or JSON (default: $KARPENTER_GPU_CONFIG)
  --json         print the report as JSON
  -h, --help     print this help and exit
`;

const DOCTOR_USAGE = `usage: karpenter-gpu doctor [--context NAME] [--namespace NS] [--gpu-operator-namespace NS] [--json]

Runs the operate-and-debug checks against a live cluster with the kubectl found on PATH.
Exits 1 when a check fails, 0 otherwise.

options:
  --context NAME               kubectl context (default: the current context)
  --namespace NS               Karpenter's namespace (default: kube-system)
  --gpu-operator-namespace NS  the GPU Operator's namespace (default: gpu-operator)
  --json                       print the findings as JSON
  -h, --help                   print this help and exit
`;

describe("karpenter-gpu usage and version", () => {
  it("prints the top-level usage on stdout for --help, -h and help, exit 0", () => {
    assert.equal(topUsage(), TOP_USAGE);
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const r = run(argv);
      assert.deepEqual([r.status, r.stdout, r.stderr], [0, TOP_USAGE, ""], argv.join(" "));
    }
  });

  it("prints the top-level usage on stderr and exits 2 when no command is given", () => {
    const r = run([]);
    assert.deepEqual([r.status, r.stdout, r.stderr], [2, "", TOP_USAGE]);
  });

  it("prints each command's usage on stdout for --help, -h and help COMMAND, exit 0, without running kubectl", () => {
    assert.equal(commandUsage("capacity"), CAPACITY_USAGE);
    assert.equal(commandUsage("doctor"), DOCTOR_USAGE);
    const cases: [string[], string][] = [
      [["capacity", "--help"], CAPACITY_USAGE],
      [["capacity", "-h"], CAPACITY_USAGE],
      [["help", "capacity"], CAPACITY_USAGE],
      [["--help", "capacity"], CAPACITY_USAGE],
      [["doctor", "--help"], DOCTOR_USAGE],
      [["doctor", "-h"], DOCTOR_USAGE],
      [["help", "doctor"], DOCTOR_USAGE],
      // help wins over the other arguments, even wrong ones
      [["doctor", "--context", "prod", "--help"], DOCTOR_USAGE],
      [["doctor", "--bogus", "-h"], DOCTOR_USAGE],
      [["capacity", "--config", "missing.yaml", "--help"], CAPACITY_USAGE],
    ];
    for (const [argv, usage] of cases) {
      const r = run(argv);
      assert.deepEqual([r.status, r.stdout, r.stderr], [0, usage, ""], argv.join(" "));
      assert.deepEqual([r.contexts, r.calls], [[], []], `${argv.join(" ")} made a kubectl runner or ran kubectl`);
    }
  });

  it("prints the package version for --version", () => {
    assert.match(VERSION, /^\d+\.\d+\.\d+/);
    assert.equal(packageVersion(), VERSION);
    const r = run(["--version"]);
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, `${VERSION}\n`, ""]);
  });
});

describe("karpenter-gpu strict parsing", () => {
  const usageError = (prog: string, message: string) => `${prog}: ${message}\nRun "${prog} --help" for usage.\n`;
  const cases: [string[], string][] = [
    [["frobnicate"], usageError("karpenter-gpu", 'unknown command "frobnicate"')],
    [["help", "frobnicate"], usageError("karpenter-gpu", 'unknown command "frobnicate"')],
    [["help", "doctor", "extra"], usageError("karpenter-gpu", 'unexpected argument "extra"')],
    [["--bogus"], usageError("karpenter-gpu", "unknown option --bogus")],
    [["-v"], usageError("karpenter-gpu", "unknown option -v")],
    [["capacity", "--bogus"], usageError("karpenter-gpu capacity", "unknown option --bogus")],
    [["capacity", "--context", "prod"], usageError("karpenter-gpu capacity", "unknown option --context")],
    [["capacity", "-x"], usageError("karpenter-gpu capacity", "unknown option -x")],
    [["capacity", "--config"], usageError("karpenter-gpu capacity", "option --config needs a value (--config FILE)")],
    [["capacity", "--config", "--json"], usageError("karpenter-gpu capacity", "option --config needs a value, got --json (write --config=--json if that is the value)")],
    [["capacity", "--json=yes"], usageError("karpenter-gpu capacity", "option --json takes no value")],
    [["capacity", "examples/default.yaml"], usageError("karpenter-gpu capacity", 'unexpected argument "examples/default.yaml"')],
    [["capacity", "--", "--help"], usageError("karpenter-gpu capacity", 'unexpected argument "--help"')],
    [["capacity", "--version"], usageError("karpenter-gpu capacity", "unknown option --version")],
    [["doctor", "--config", "x.yaml"], usageError("karpenter-gpu doctor", "unknown option --config")],
    [["doctor", "--context"], usageError("karpenter-gpu doctor", "option --context needs a value (--context NAME)")],
    [["doctor", "--namespace", "--json"], usageError("karpenter-gpu doctor", "option --namespace needs a value, got --json (write --namespace=--json if that is the value)")],
    [["doctor", "--gpu-operator-namespace"], usageError("karpenter-gpu doctor", "option --gpu-operator-namespace needs a value (--gpu-operator-namespace NS)")],
    [["doctor", "prod"], usageError("karpenter-gpu doctor", 'unexpected argument "prod"')],
  ];
  for (const [argv, stderr] of cases) {
    it(`exits 2 for: karpenter-gpu ${argv.join(" ")}`, () => {
      const r = run(argv);
      assert.deepEqual([r.status, r.stdout, r.stderr], [2, "", stderr]);
      assert.deepEqual(r.calls, []);
    });
  }
});

describe("karpenter-gpu capacity options", () => {
  const config = join(ROOT, "examples", "default.yaml");

  it("reads --config FILE (also --config=FILE) and prints text or, with --json, JSON", () => {
    const text = withEnv({ KARPENTER_GPU_CONFIG: undefined }, () => run(["capacity", "--config", config]));
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^GPU capacity for cluster prod-cluster \(us-west-2\)\n/);
    const json = withEnv({ KARPENTER_GPU_CONFIG: undefined }, () => run(["capacity", `--config=${config}`, "--json"]));
    assert.equal(json.status, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).pools[0].pool, "gpu-workloads");
  });

  it("falls back to KARPENTER_GPU_CONFIG, and --config wins over it", () => {
    const fromEnv = withEnv({ KARPENTER_GPU_CONFIG: config }, () => run(["capacity", "--json"]));
    assert.equal(fromEnv.status, 0, fromEnv.stderr);
    assert.equal(JSON.parse(fromEnv.stdout).cluster, "prod-cluster");
    const flagWins = withEnv({ KARPENTER_GPU_CONFIG: join(ROOT, "no-such.yaml") }, () => run(["capacity", "--config", config, "--json"]));
    assert.equal(flagWins.status, 0, flagWins.stderr);
  });

  it("exits 2 when no config is named, 1 with the problems when the config is invalid", () => {
    const none = withEnv({ KARPENTER_GPU_CONFIG: undefined }, () => run(["capacity"]));
    assert.deepEqual([none.status, none.stdout, none.stderr], [
      2,
      "",
      'karpenter-gpu capacity needs a config file: --config FILE or KARPENTER_GPU_CONFIG\nRun "karpenter-gpu capacity --help" for usage.\n',
    ]);
    const missing = join(tmpdir(), "karpenter-gpu-no-such-config.yaml");
    const bad = run(["capacity", "--config", missing]);
    assert.equal(bad.status, 1);
    assert.equal(bad.stdout, "");
    assert.match(bad.stderr, new RegExp(`^Invalid karpenter-gpu configuration \\(${missing.replace(/[.]/g, "\\.")}\\):\n  - cannot read the file: ENOENT`));
    assert.doesNotMatch(bad.stderr, /\n\s+at /, "no stack trace");
  });
});

describe("karpenter-gpu doctor options", () => {
  const atNow = <T>(body: () => T) => withEnv({ KARPENTER_GPU_DOCTOR_NOW: "2026-11-28T10:00:00Z" }, body);

  it("passes --gpu-operator-namespace, --namespace and --context through to the checks", () => {
    const r = atNow(() => run(["doctor", "--gpu-operator-namespace", "gpu", "--namespace", "karpenter", "--context", "prod", "--json"]));
    assert.equal(r.status, 0, r.stdout);
    assert.deepEqual(r.contexts, ["prod"]);
    assert.ok(r.calls.some((c) => c.join(" ") === "get pods -n gpu -o json"), JSON.stringify(r.calls));
    assert.ok(!r.calls.some((c) => c.includes("gpu-operator")), "the default GPU Operator namespace is not read");
    assert.ok(r.calls.some((c) => c.join(" ") === "get deployment karpenter -n karpenter -o json"));
    assert.ok(!r.calls.some((c) => c.includes("kube-system")), "the default Karpenter namespace is not read");
    const findings = JSON.parse(r.stdout) as Finding[];
    assert.deepEqual(findings.map((f) => [f.check, f.severity]), [
      ["karpenter", "ok"],
      ["nodepools", "warn"],
      ["gpu-operator", "ok"],
    ]);
  });

  it("uses kubectl's current context, kube-system and gpu-operator by default, and prints text", () => {
    const r = atNow(() => run(["doctor"]));
    assert.equal(r.status, 0, r.stdout);
    assert.deepEqual(r.contexts, [undefined]);
    assert.ok(r.calls.some((c) => c.join(" ") === "get pods -n gpu-operator -o json"));
    assert.ok(r.calls.some((c) => c.join(" ") === "get deployment karpenter -n kube-system -o json"));
    assert.match(r.stdout, /\n0 failing, 1 warning\(s\), 2 ok\n$/);
  });

  it("exits 1 when a check fails", () => {
    const r = atNow(() => run(["doctor", "--json"], fakeKubectl(true)));
    assert.equal(r.status, 1);
    assert.deepEqual((JSON.parse(r.stdout) as Finding[]).map((f) => [f.check, f.severity]), [["cluster", "fail"]]);
  });
});

describe("karpenter-gpu entry point (spawned)", () => {
  const bin = mkdtempSync(join(tmpdir(), "kgpu-cli-"));
  after(() => rmSync(bin, { recursive: true, force: true }));
  // A kubectl that records its arguments and fails: --help must never reach it.
  const log = join(bin, "kubectl.log");
  writeFileSync(join(bin, "kubectl"), `#!/bin/sh\necho "$*" >> "${log}"\necho "error: no cluster here" >&2\nexit 1\n`);
  chmodSync(join(bin, "kubectl"), 0o755);
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [bundled("cli/main.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, KARPENTER_GPU_CONFIG: "" },
    });
  const kubectlCalls = () => {
    try {
      return readFileSync(log, "utf8").trim().split("\n").filter(Boolean);
    } catch {
      return [];
    }
  };

  it("prints the version", () => {
    const r = cli("--version");
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, `${VERSION}\n`, ""]);
  });

  it("prints doctor's usage for --help without running kubectl", () => {
    const r = cli("doctor", "--help");
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, DOCTOR_USAGE, ""]);
    assert.deepEqual(kubectlCalls(), []);
  });

  it("exits 2 on a bad flag without a stack trace, and runs the kubectl on PATH with the options", () => {
    const bad = cli("doctor", "--gpu-operator-namespace");
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, 'karpenter-gpu doctor: option --gpu-operator-namespace needs a value (--gpu-operator-namespace NS)\nRun "karpenter-gpu doctor --help" for usage.\n');
    assert.deepEqual(kubectlCalls(), []);
    const r = cli("doctor", "--context", "prod", "--gpu-operator-namespace", "gpu", "--json");
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Finding[]).map((f) => [f.check, f.message]), [["cluster", "cannot reach the Kubernetes API: error: no cluster here"]]);
    assert.deepEqual(kubectlCalls(), ["--context prod get --raw /version"]);
  });
});
