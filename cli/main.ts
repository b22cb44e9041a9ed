#!/usr/bin/env node
/**
 * karpenter-gpu command line.
 *
 *   karpenter-gpu capacity [--config FILE] [--json]   per pool: admitted types, reach, quotas to request
 *   karpenter-gpu doctor [--context NAME] [--namespace NS] [--json]
 *                                                      check a live cluster through kubectl
 */
import { loadConfigFile, ConfigError } from "../modules/config.js";
import { runCapacity } from "./capacity.js";
import { formatFindings, kubectlFor, runDoctor } from "./doctor.js";

const USAGE = `usage:
  karpenter-gpu capacity [--config FILE] [--json]
  karpenter-gpu doctor [--context NAME] [--namespace NAMESPACE] [--json]

capacity reads FILE, or the file named by KARPENTER_GPU_CONFIG.
doctor uses kubectl's current context unless --context is given; it exits 1 when it finds a problem.
`;

/** The value after `--name`, or undefined. */
function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export function main(argv: readonly string[], out = (t: string) => process.stdout.write(t), err = (t: string) => process.stderr.write(t)): number {
  const [command, ...args] = argv;
  try {
    if (command === "capacity") {
      const path = option(args, "--config") ?? process.env.KARPENTER_GPU_CONFIG;
      if (!path) {
        err(`capacity needs a config file: --config FILE or KARPENTER_GPU_CONFIG\n\n${USAGE}`);
        return 2;
      }
      return runCapacity(loadConfigFile(path), args, out);
    }
    if (command === "doctor") {
      const now = process.env.KARPENTER_GPU_DOCTOR_NOW ? new Date(process.env.KARPENTER_GPU_DOCTOR_NOW) : undefined;
      const findings = runDoctor(kubectlFor(option(args, "--context")), { karpenterNamespace: option(args, "--namespace"), now });
      out(args.includes("--json") ? `${JSON.stringify(findings, null, 2)}\n` : formatFindings(findings));
      return findings.some((f) => f.severity === "fail") ? 1 : 0;
    }
    err(command === undefined || command === "--help" || command === "help" ? USAGE : `unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return command === undefined || command === "--help" || command === "help" ? 0 : 2;
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
