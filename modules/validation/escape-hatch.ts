/**
 * The escape hatches: `spec` props (and config keys) deep-merged into the EC2NodeClass and
 * NodePool the module builds, for what it has no typed key for (a hardened AMI's selector terms,
 * extra block devices, `associatePublicIPAddress`, `detailedMonitoring`, NodePool annotations).
 * The merged object is checked by the same CRD schema, CEL rules and runtime checks as the rest.
 * Fields the module writes from a typed key are refused here, naming that key: a hatch that
 * could overwrite the role, the discovery selectors or the GPU requirements would make the typed
 * checks meaningless.
 */
import { Token } from "cdktf";
import type { FieldPath } from "../core/field-path.js";
import { isPlainObject } from "../core/helm-values.js";
import { quoted } from "../core/rules.js";

/** A hatch problem: the field under `spec` and why. */
export interface HatchProblem {
  readonly path: FieldPath;
  readonly problem: string;
}

/** EC2NodeClass spec fields written from a typed prop / config key, by field: that key. */
const NODE_CLASS_TYPED: Readonly<Record<string, string>> = {
  role: "the node role (nodeRole.* in config, roleName as a prop)",
  instanceProfile: "the node role (nodeRole.* in config, roleName as a prop): Karpenter takes role or instanceProfile, not both",
  subnetSelectorTerms: "discovery (discovery.mode and discovery.subnetIds; subnetIds as a prop)",
  securityGroupSelectorTerms: "discovery (discovery.mode and discovery.securityGroupIds; securityGroupIds as a prop)",
  tags: "tags",
  kubelet: "kubelet",
  userData: "userData",
  instanceStorePolicy: "instanceStorePolicy",
  placementGroupSelector: "placementGroup",
  capacityReservationSelectorTerms: "capacityReservations",
};

/** The security defaults a hatch may not weaken: IMDSv2 only, one hop. */
const METADATA_FIXED: Readonly<Record<string, unknown>> = { httpTokens: "required", httpPutResponseHopLimit: 1 };

/** What the EC2NodeClass hatch may not set, given what the typed props already set. */
export function nodeClassSpecProblems(spec: Readonly<Record<string, unknown>>, typed: { readonly amiAlias?: string; readonly efa: boolean }): HatchProblem[] {
  const out: HatchProblem[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (NODE_CLASS_TYPED[key]) out.push({ path: [key], problem: `is written by the module; use ${NODE_CLASS_TYPED[key]}` });
    else if (key === "networkInterfaces" && typed.efa) out.push({ path: [key], problem: "is written by the module for an EFA node class; use efa" });
    else if (key === "amiSelectorTerms" && typed.amiAlias !== undefined) out.push({ path: [key], problem: "replaces the terms of amiAlias: set amiAlias or spec.amiSelectorTerms, not both" });
    else if (key === "metadataOptions" && isPlainObject(value)) {
      for (const [option, fixed] of Object.entries(METADATA_FIXED)) {
        if (option in value && value[option] !== fixed) {
          out.push({ path: ["metadataOptions", option], problem: `must stay ${quoted(fixed)} (got ${quoted(value[option])}): IMDSv2 with one hop keeps pods on the pod network from reading the node's credentials` });
        }
      }
    } else if (key === "blockDeviceMappings" && Array.isArray(value)) {
      value.forEach((d, i) => {
        if (isPlainObject(d) && d.deviceName === "/dev/xvda") out.push({ path: ["blockDeviceMappings", i, "deviceName"], problem: "is the root volume, which the module writes: use rootVolume (the other mappings are added to it)" });
      });
    }
  }
  return out;
}

/** NodePool spec fields written from typed props / config keys. The hatch keeps the rest (annotations). */
const NODE_POOL_TYPED: Readonly<Record<string, string>> = {
  replicas: "replicas",
  weight: "weight",
  limits: "limits (cpuLimit, gpuLimit, memoryLimitGiB, nodeLimit as props)",
  disruption: "disruption (consolidationPolicy, consolidateAfter, budgets as props)",
  "template.spec.requirements": "instanceCategories, capacityTypes, architectures and requirements",
  "template.spec.taints": "taints",
  "template.spec.startupTaints": "startupTaints",
  "template.spec.nodeClassRef": "nodeClass (nodeClass or nodeClassName as a prop)",
  "template.spec.expireAfter": "expireAfter",
  "template.spec.terminationGracePeriod": "terminationGracePeriod",
  "template.metadata.labels": "labels",
};

/** What the NodePool hatch may not set. */
export function nodePoolSpecProblems(spec: Readonly<Record<string, unknown>>): HatchProblem[] {
  const out: HatchProblem[] = [];
  const walk = (node: Readonly<Record<string, unknown>>, prefix: readonly string[]) => {
    for (const [key, value] of Object.entries(node)) {
      const path = [...prefix, key];
      const field = path.join(".");
      if (NODE_POOL_TYPED[field]) out.push({ path, problem: `is written by the module; use ${NODE_POOL_TYPED[field]}` });
      else if (isPlainObject(value) && Object.keys(NODE_POOL_TYPED).some((typed) => typed.startsWith(`${field}.`))) walk(value, path);
    }
  };
  walk(spec, []);
  return out;
}

/**
 * EC2 takes at most 16 KB of user data, before base64; Karpenter adds its own NodeConfig part,
 * so the user's part must leave room for it.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html
 */
export const MAX_USER_DATA_BYTES = 16 * 1024;

export function userDataProblem(userData: string | undefined): string | undefined {
  if (userData === undefined || Token.isUnresolved(userData)) return undefined;
  const bytes = Buffer.byteLength(userData, "utf8");
  if (bytes === 0) return "is empty: leave it out for Karpenter's own bootstrap only";
  return bytes > MAX_USER_DATA_BYTES ? `is ${bytes} bytes; EC2 takes at most ${MAX_USER_DATA_BYTES} bytes of user data, and Karpenter adds its own NodeConfig to it` : undefined;
}
