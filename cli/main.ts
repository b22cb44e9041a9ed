#!/usr/bin/env node
/**
 * karpenter-gpu command line.
 *
 *   karpenter-gpu capacity [--config FILE] [--json]   per pool: admitted types, reach, quotas to request
 *   karpenter-gpu doctor [--context NAME] [--namespace NS] [--gpu-operator-namespace NS] [--json]
 *                                                      check a live cluster through kubectl
 *   karpenter-gpu --help | --version                   the commands | the package version
 *   karpenter-gpu COMMAND --help                       a command's options (also -h, help COMMAND)
 *
 * Exit codes: 0 done (doctor: nothing failing), 1 doctor found a failing check or the config is
 * invalid, 2 the command line is wrong (unknown command, option or argument, option without value).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isEntryPoint } from "./entry-point.js";
import { parseArgs } from "node:util";
import { loadConfigFile } from "../modules/config/parse.js";
import { ConfigError } from "../modules/config/problems.js";
import { runCapacity } from "./capacity.js";
import { formatFindings, kubectlFor, runDoctor, type Kubectl } from "./doctor.js";

type Write = (text: string) => void;

interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  /** Placeholder of a string option's value in the usage, e.g. `FILE`. */
  readonly arg?: string;
  readonly help: string;
}

interface CommandSpec {
  readonly summary: string;
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
}

const HELP: OptionSpec = { type: "boolean", short: "h", help: "print this help and exit" };

const COMMANDS = {
  capacity: {
    summary: "per pool: admitted instance types, their reach under the caps, vCPU quotas to request",
    description:
      "Reads a karpenter-gpu configuration and prints, per NodePool, the instance types its requirements\n" +
      "admit, the most nodes and GPUs each can reach under the pool's caps, and the EC2 vCPU quotas to\n" +
      "request (summed over pools). Needs no AWS credentials and no cluster.",
    options: {
      config: { type: "string", arg: "FILE", help: "configuration file, YAML or JSON (default: $KARPENTER_GPU_CONFIG)" },
      json: { type: "boolean", help: "print the report as JSON" },
      help: HELP,
    },
  },
  doctor: {
    summary: "check a live cluster through kubectl and name the gotcha behind each problem",
    description:
      "Runs the operate-and-debug checks against a live cluster with the kubectl found on PATH.\n" +
      "Exits 1 when a check fails, 0 otherwise.",
    options: {
      context: { type: "string", arg: "NAME", help: "kubectl context (default: the current context)" },
      namespace: { type: "string", arg: "NS", help: "Karpenter's namespace (default: kube-system)" },
      "gpu-operator-namespace": { type: "string", arg: "NS", help: "the GPU Operator's namespace (default: gpu-operator)" },
      json: { type: "boolean", help: "print the findings as JSON" },
      help: HELP,
    },
  },
} satisfies Record<string, CommandSpec>;

type Command = keyof typeof COMMANDS;
const isCommand = (name: string): name is Command => Object.hasOwn(COMMANDS, name);

const flag = (name: string, o: OptionSpec) => `${o.short ? `-${o.short}, ` : ""}--${name}${o.arg ? ` ${o.arg}` : ""}`;

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd()).join("\n");
}

/** A command's usage, built from its option table so the two cannot drift apart. */
export function commandUsage(command: Command): string {
  const spec: CommandSpec = COMMANDS[command];
  const synopsis = Object.entries(spec.options)
    .filter(([name]) => name !== "help")
    .map(([name, o]) => `[--${name}${o.arg ? ` ${o.arg}` : ""}]`)
    .join(" ");
  const options = table(Object.entries(spec.options).map(([name, o]) => [flag(name, o), o.help]));
  return `usage: karpenter-gpu ${command} ${synopsis}\n\n${spec.description}\n\noptions:\n${options}\n`;
}

/** The top-level usage: the commands and the global options. */
export function topUsage(): string {
  const commands = table(Object.entries(COMMANDS).map(([name, spec]) => [name, spec.summary]));
  const options = table([
    ["-h, --help", "print this help and exit"],
    ["--version", "print the version and exit"],
  ]);
  return `usage: karpenter-gpu COMMAND [options]\n\ncommands:\n${commands}\n\noptions:\n${options}\n\nRun "karpenter-gpu COMMAND --help" for a command's options.\n`;
}

/** The version in the package.json this file ships in: `../` from cli/main.ts, `../../` from dist/cli/main.js. */
export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "karpenter-gpu" && pkg.version) return pkg.version;
    } catch {
      // no (readable) package.json here: look one directory up
    }
    if (dirname(dir) === dir) return "unknown";
  }
}

/** A command-line mistake: printed as one line plus a pointer to the usage, exit 2. */
class UsageError extends Error {}

/** `parseArgs`'s options for a command. */
function parserOptions(spec: CommandSpec) {
  return Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]));
}

/** Says which argument strict parsing rejected, in one line, from the tokens of a lenient parse. */
function describeParseError(args: string[], spec: CommandSpec, error: Error): string {
  const { tokens } = parseArgs({ args, options: parserOptions(spec), strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === "positional") return `unexpected argument ${JSON.stringify(t.value)}`;
    if (t.kind !== "option") continue;
    const o = spec.options[t.name];
    if (!o) return `unknown option ${t.rawName}`;
    if (o.type === "boolean" && t.value !== undefined) return `option ${t.rawName} takes no value`;
    if (o.type === "string" && t.value === undefined) return `option ${t.rawName} needs a value (${t.rawName} ${o.arg})`;
    if (o.type === "string" && !t.inlineValue && t.value?.startsWith("-")) {
      return `option ${t.rawName} needs a value, got ${t.value} (write ${t.rawName}=${t.value} if that is the value)`;
    }
  }
  return (error.message.split("\n")[0] ?? String(error)).trim();
}

/** Parses a command's arguments strictly; `undefined` when help was asked for. */
function parseCommand(command: Command, args: string[]): Record<string, string | boolean | undefined> | undefined {
  const spec: CommandSpec = COMMANDS[command];
  // -h/--help anywhere before `--` wins over everything else, as in most command lines.
  const { tokens } = parseArgs({ args, options: parserOptions(spec), strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) return undefined;
  try {
    return parseArgs({ args, options: parserOptions(spec), strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS_")) throw new UsageError(describeParseError(args, spec, e as Error));
    throw e;
  }
}

export interface MainDependencies {
  /** Makes the kubectl runner doctor uses, bound to a context. @default kubectlFor (kubectl from PATH) */
  readonly kubectlFor?: (context?: string) => Kubectl;
}

export function main(argv: readonly string[], out: Write = (t) => process.stdout.write(t), err: Write = (t) => process.stderr.write(t), deps: MainDependencies = {}): number {
  const [first, ...rest] = argv;
  if (first === undefined) {
    err(topUsage());
    return 2;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    // `help`, `help COMMAND`, `--help COMMAND`
    const [about, extra] = rest;
    if (extra !== undefined) return usageError(err, undefined, `unexpected argument ${JSON.stringify(extra)}`);
    if (about !== undefined && !isCommand(about)) return usageError(err, undefined, `unknown command ${JSON.stringify(about)}`);
    out(about === undefined ? topUsage() : commandUsage(about));
    return 0;
  }
  if (first === "--version") {
    out(`${packageVersion()}\n`);
    return 0;
  }
  if (first.startsWith("-")) return usageError(err, undefined, `unknown option ${first.split("=")[0]}`);
  if (!isCommand(first)) return usageError(err, undefined, `unknown command ${JSON.stringify(first)}`);

  let parsed: Record<string, string | boolean | undefined> | undefined;
  try {
    parsed = parseCommand(first, rest);
  } catch (e) {
    if (e instanceof UsageError) return usageError(err, first, e.message);
    throw e;
  }
  if (parsed === undefined) {
    out(commandUsage(first));
    return 0;
  }
  const values = parsed;
  const str = (name: string) => values[name] as string | undefined;

  try {
    if (first === "capacity") {
      const path = str("config") ?? process.env.KARPENTER_GPU_CONFIG;
      if (!path) {
        err(`karpenter-gpu capacity needs a config file: --config FILE or KARPENTER_GPU_CONFIG\nRun "karpenter-gpu capacity --help" for usage.\n`);
        return 2;
      }
      return runCapacity(loadConfigFile(path), values.json ? ["--json"] : [], out);
    }
    const now = process.env.KARPENTER_GPU_DOCTOR_NOW ? new Date(process.env.KARPENTER_GPU_DOCTOR_NOW) : undefined;
    const findings = runDoctor((deps.kubectlFor ?? kubectlFor)(str("context")), {
      context: str("context"),
      karpenterNamespace: str("namespace"),
      gpuOperatorNamespace: str("gpu-operator-namespace"),
      now,
    });
    out(values.json ? `${JSON.stringify(findings, null, 2)}\n` : formatFindings(findings));
    return findings.some((f) => f.severity === "fail") ? 1 : 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** `karpenter-gpu[ COMMAND]: MESSAGE` and where to find the usage; exit 2. */
function usageError(err: Write, command: Command | undefined, message: string): number {
  const prog = command ? `karpenter-gpu ${command}` : "karpenter-gpu";
  err(`${prog}: ${message}\nRun "${prog} --help" for usage.\n`);
  return 2;
}

if (isEntryPoint(import.meta.url)) process.exitCode = main(process.argv.slice(2));
