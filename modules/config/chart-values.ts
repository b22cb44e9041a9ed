/** `karpenter.additionalValues` and `gpuOperator.additionalValues`: chart values passed through, except those the module owns. */
import { z } from "./fields.js";
import { quoted } from "../core/rules.js";
import { isRecord } from "./raw.js";

/**
 * Chart values the module sets itself from other keys: set there, not in `additionalValues`,
 * so they cannot disagree with the IAM, queue and identity the other stacks create.
 */
const OWNED_VALUES: Readonly<Record<"karpenter" | "gpuOperator", readonly (readonly [path: readonly string[], instead: string])[]>> = {
  karpenter: [
    [["affinity"], "it would replace the chart's default affinity that keeps the controller off Karpenter-managed nodes; remove it"],
    [["settings", "clusterName"], "set clusterName instead"],
    [["settings", "clusterEndpoint"], "the module reads it from the cluster; remove it"],
    [["settings", "interruptionQueue"], "set interruptionQueue.name instead"],
    [["settings", "enableZonalShift"], "set karpenter.zonalShift instead (it also grants the IAM permission)"],
    [["serviceAccount", "name"], "set controller.serviceAccount instead (the IAM trust names it)"],
    [["serviceAccount", "annotations", "eks.amazonaws.com/role-arn"], "the module sets it with controller.identity: irsa; remove it"],
    [["controller", "resources"], "set karpenter.controllerResources instead"],
  ],
  gpuOperator: [
    [["driver", "enabled"], "set gpuOperator.installDriver instead"],
    [["toolkit", "enabled"], "set gpuOperator.installDriver instead"],
  ],
};

export const additionalValues = (chart: keyof typeof OWNED_VALUES) =>
  z.record(z.string(), z.unknown()).superRefine((values, ctx) => {
    const reported = new Set<string>();
    for (const [path, instead] of OWNED_VALUES[chart]) {
      let node: unknown = values;
      for (let i = 0; i < path.length && node !== undefined; i++) {
        // A parent set to null or to a non-object would replace (in Helm, delete) the module's values below it.
        if (i > 0 && !isRecord(node)) {
          const at = path.slice(0, i);
          if (!reported.has(at.join("."))) ctx.addIssue({ code: "custom", path: [...at], message: `must be an object (got ${quoted(node)}): the module sets ${path.slice(i).join(".")} inside it` });
          reported.add(at.join("."));
          node = undefined;
          break;
        }
        node = isRecord(node) ? node[path[i]] : undefined;
      }
      if (node !== undefined) ctx.addIssue({ code: "custom", path: [...path], message: `is set by the module: ${instead}` });
    }
    // The module's AWS_REGION is merged into controller.env by name, so the list must hold env entries.
    const env = isRecord(values.controller) ? values.controller.env : undefined;
    if (chart === "karpenter" && env !== undefined) {
      if (!Array.isArray(env)) ctx.addIssue({ code: "custom", path: ["controller", "env"], message: `must be a list of {name, value} entries (got ${quoted(env)}); the chart puts it in the container's env list` });
      else env.forEach((e, i) => {
        if (!isRecord(e) || typeof e.name !== "string" || e.name === "") ctx.addIssue({ code: "custom", path: ["controller", "env", i], message: `must be an env entry with a name, such as {name: GOMEMLIMIT, value: "900MiB"} (got ${quoted(e)})` });
        // The API server's rule for env var names that every supported Kubernetes version accepts (C identifiers with '-' and '.').
        else if (!/^[-._a-zA-Z][-._a-zA-Z0-9]{0,254}$/.test(e.name)) ctx.addIssue({ code: "custom", path: ["controller", "env", i, "name"], message: `must be an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit (got ${quoted(e.name)})` });
        // EnvVar.value is a string: the Deployment would be refused with a number or a boolean.
        else if (e.value !== undefined && typeof e.value !== "string") ctx.addIssue({ code: "custom", path: ["controller", "env", i, "value"], message: `must be a string (got ${quoted(e.value)}): quote it, as Kubernetes takes env values as text` });
      });
    }
  });
