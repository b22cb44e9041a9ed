/** The checks of a configuration that span several keys. */
import { DISCOVERY_TAG_KEY, KARPENTER_RELEASE_NAMES, stackNames } from "../core/names.js";
import { arnPlacementProblem, clusterNameProblem, crdNameProblem, MAX_AWS_TAGS, oidcProviderRegionProblem, quoted, regionProblem, securityGroupCountProblem } from "../core/rules.js";
import type { EfaPool } from "../karpenter/efa.js";
import { defaultGpuLimit, managedRequirements } from "../karpenter/node-pool-spec.js";
import { KARPENTER_CHART_VERSION } from "../core/versions.js";
import { karpenterCrdNameProblem } from "../validation/chart-keys.js";
import { efaClassProblems } from "../validation/efa.js";
import { instanceTagCountProblem } from "../validation/karpenter-rules.js";
import { nodeClassSpecProblems } from "../validation/escape-hatch.js";
import { WELL_KNOWN_LABELS } from "../validation/karpenter-runtime.js";
import { launchProblems, requirementTypoProblems } from "../validation/launchability.js";
import { chartValueProblems } from "./chart-derived.js";
import { nodePoolCrdProblems } from "./crd.js";
import { nodePool } from "./pool-schema.js";
import { formatPath } from "./problems.js";
import { isRecord, listAt, recordAt, stringAt, type KeyProblem } from "./raw.js";

/** HCP Terraform's (and Terraform Enterprise's) limit on a workspace name. */
const MAX_WORKSPACE_NAME = 90;

/** The NodePool label a pool's `capacityReservationType` requires. */
const CAPACITY_RESERVATION_TYPE = "karpenter.k8s.aws/capacity-reservation-type";

/**
 * The checks that span several keys (cross-references, duplicates, settings that contradict
 * each other, pools that can never launch). They read the file as it is, defaults in mind, so
 * they run even when other keys are wrong: every problem of a file is reported in one run.
 * A check whose keys are themselves malformed stays silent; the schema reports those.
 */
export function crossKeyProblems(raw: unknown): KeyProblem[] {
  const out: KeyProblem[] = [];
  const issue = (path: (string | number)[], message: string) => out.push({ path, message });
  const clusterName = stringAt(raw, "clusterName");
  const clusterOk = clusterName !== undefined && clusterNameProblem(clusterName) === undefined;

  const discovery = recordAt(raw, "discovery");
  const groups = listAt(discovery, "securityGroupIds");
  const sgProblem = securityGroupCountProblem(groups.length, discovery.allowMultipleSecurityGroups === true);
  if (Array.isArray(discovery.securityGroupIds) && sgProblem) issue(["discovery", "securityGroupIds"], sgProblem);

  // With exec, `aws eks get-token --role-arn` assumes the role itself, and it takes no external ID.
  const assumeRole = recordAt(recordAt(raw, "aws"), "assumeRole");
  if (assumeRole.externalId !== undefined && stringAt(raw, "kubernetesAuth") === "exec") {
    issue(["aws", "assumeRole", "externalId"], 'cannot be used with kubernetesAuth "exec": aws eks get-token assumes aws.assumeRole.roleArn without an external ID, so the Kubernetes token would fail; use kubernetesAuth: token (the default)');
  }

  // Default names are cut to their limits with a hash (core/names.ts); given names are checked by the schema.
  const nodeRole = recordAt(raw, "nodeRole");
  const controller = recordAt(raw, "controller");
  if (nodeRole.existingRoleArn !== undefined) {
    for (const key of ["name", "additionalPolicyArns", "permissionsBoundaryArn"] as const) {
      if (nodeRole[key] !== undefined) issue(["nodeRole", key], "applies only to a created role; remove it, or remove nodeRole.existingRoleArn");
    }
  }
  const identity = controller.identity ?? "podIdentity";
  if (identity === "irsa" && controller.oidcProviderArn === undefined) {
    issue(["controller", "oidcProviderArn"], "is required when controller.identity is \"irsa\" (the cluster's IAM OIDC provider ARN)");
  }
  const region = stringAt(raw, "region");
  if (identity === "irsa" && typeof controller.oidcProviderArn === "string" && region !== undefined && regionProblem(region) === undefined) {
    const problem = oidcProviderRegionProblem(controller.oidcProviderArn, region);
    if (problem) issue(["controller", "oidcProviderArn"], problem);
  }
  // IAM and KMS ARNs of the region's partition, the queue's KMS key of the region itself.
  if (region !== undefined && regionProblem(region) === undefined) {
    const arns: [(string | number)[], unknown, boolean][] = [
      [["nodeRole", "existingRoleArn"], nodeRole.existingRoleArn, false],
      [["nodeRole", "permissionsBoundaryArn"], nodeRole.permissionsBoundaryArn, false],
      [["controller", "permissionsBoundaryArn"], controller.permissionsBoundaryArn, false],
      [["interruptionQueue", "kmsKeyArn"], recordAt(raw, "interruptionQueue").kmsKeyArn, true],
      [["aws", "assumeRole", "roleArn"], recordAt(recordAt(raw, "aws"), "assumeRole").roleArn, false],
      ...Object.entries(recordAt(nodeRole, "additionalPolicyArns")).map(([name, arn]): [(string | number)[], unknown, boolean] => [["nodeRole", "additionalPolicyArns", name], arn, false]),
      ...Object.entries(recordAt(controller, "additionalPolicyArns")).map(([name, arn]): [(string | number)[], unknown, boolean] => [["controller", "additionalPolicyArns", name], arn, false]),
    ];
    for (const [path, arn, sameRegion] of arns) {
      const problem = typeof arn === "string" ? arnPlacementProblem(arn, region, sameRegion) : undefined;
      if (problem) issue(path, problem);
    }
  }
  if (identity === "podIdentity" && controller.oidcProviderArn !== undefined) {
    issue(["controller", "oidcProviderArn"], "is only used with controller.identity \"irsa\"; remove it or set identity: irsa");
  }
  if (identity === "irsa" && controller.podIdentityAgent !== undefined) {
    issue(["controller", "podIdentityAgent"], `is only used with controller.identity "podIdentity" (got ${quoted(controller.podIdentityAgent)} with "irsa"); remove it`);
  }
  if (identity === "podIdentity") {
    const fargate = controller.runsOnFargate === true ? ["controller", "runsOnFargate"] : fargateSelectorPath(recordAt(recordAt(raw, "karpenter"), "additionalValues"));
    if (fargate) {
      issue(["controller", "identity"], `"podIdentity" cannot work on Fargate (${formatPath(fargate)} puts the controller there): EKS Pod Identity does not run on Fargate pods; set controller.identity: irsa with controller.oidcProviderArn`);
    }
  }
  // HCP Terraform workspace names are at most 90 characters; the longest is the node-pools stack's.
  const cloud = recordAt(raw, "terraformCloud");
  const prefix = typeof cloud.workspacePrefix === "string" ? cloud.workspacePrefix : undefined;
  if (clusterOk && prefix !== undefined) {
    const longest = Object.values(stackNames(clusterName)).reduce((a, b) => (b.length > a.length ? b : a));
    const name = `${prefix}${longest}`;
    if (name.length > MAX_WORKSPACE_NAME) {
      issue(["terraformCloud", "workspacePrefix"], `makes a workspace name of ${name.length} characters (${quoted(name)}); HCP Terraform allows at most ${MAX_WORKSPACE_NAME}: shorten the prefix to at most ${Math.max(0, MAX_WORKSPACE_NAME - longest.length)} characters`);
    }
  }
  // Karpenter's two Helm releases share the controller's namespace: one name each. The CRDs to
  // adopt must be the pinned chart's (another chart version may ship others).
  const karpenter = recordAt(raw, "karpenter");
  const releaseName = karpenter.releaseName ?? KARPENTER_RELEASE_NAMES.controller;
  if (karpenter.crdReleaseName !== undefined && karpenter.crdReleaseName === releaseName) {
    issue(["karpenter", "crdReleaseName"], `is the same as karpenter.releaseName (${quoted(releaseName)}): the CRD chart and the controller chart are two Helm releases in one namespace and need two names`);
  }
  if ((karpenter.chartVersion ?? KARPENTER_CHART_VERSION) === KARPENTER_CHART_VERSION) {
    listAt(karpenter, "adoptExistingCrds").forEach((name, i) => {
      const problem = typeof name === "string" && crdNameProblem(name) === undefined ? karpenterCrdNameProblem(name) : undefined;
      if (problem) issue(["karpenter", "adoptExistingCrds", i], problem);
    });
  }
  const queue = recordAt(raw, "interruptionQueue");
  if (queue.manageKmsKeyPolicy === true && queue.kmsKeyArn === undefined) {
    issue(["interruptionQueue", "manageKmsKeyPolicy"], "needs interruptionQueue.kmsKeyArn: there is no key policy to manage with SSE-SQS");
  }

  const classNames = new Set<string>();
  // Where each node class is, and whether it selects a capacity reservation (for reserved pools).
  const classIndex = new Map<string, number>();
  listAt(raw, "nodeClasses").forEach((nc, i) => {
    // The spec hatch's rules depend on the typed keys beside it (amiAlias as written, efa).
    if (isRecord(nc) && isRecord(nc.spec)) {
      const typed = { amiAlias: typeof nc.amiAlias === "string" ? nc.amiAlias : undefined, efa: nc.efa === true };
      for (const p of nodeClassSpecProblems(nc.spec, typed)) issue(["nodeClasses", i, "spec", ...p.path], p.problem);
    }
    const name = stringAt(nc, "name");
    if (name === undefined) return;
    if (classNames.has(name)) issue(["nodeClasses", i, "name"], `${quoted(name)} is used by another node class; names must be unique`);
    classNames.add(name);
    if (!classIndex.has(name)) classIndex.set(name, i);
  });
  // Every instance of a class carries the global tags, the class's own, the discovery tag and
  // Karpenter's: together they must fit EC2's limit, not only each map on its own.
  const globalTags = Object.keys(recordAt(raw, "tags"));
  if (clusterOk && globalTags.length <= MAX_AWS_TAGS) {
    listAt(raw, "nodeClasses").forEach((nc, i) => {
      const own = Object.keys(recordAt(nc, "tags"));
      if (own.length > MAX_AWS_TAGS) return;
      const problem = instanceTagCountProblem([...globalTags, ...own, DISCOVERY_TAG_KEY], clusterName);
      if (problem) issue(own.length ? ["nodeClasses", i, "tags"] : ["tags"], own.length ? `with the global tags, this node class ${problem}` : `node class ${quoted(stringAt(nc, "name") ?? "")} (nodeClasses[${i}]) ${problem}`);
    });
  }
  const staticPools: string[] = [];
  const reservedPools: string[] = [];
  const sharingPools: string[] = [];
  const poolNames = new Set<string>();
  listAt(raw, "nodePools").forEach((rawPool, i) => {
    const name = stringAt(rawPool, "name");
    if (name !== undefined) {
      if (poolNames.has(name)) issue(["nodePools", i, "name"], `${quoted(name)} is used by another node pool; names must be unique`);
      poolNames.add(name);
    }
    const nodeClassName = stringAt(rawPool, "nodeClass");
    if (nodeClassName !== undefined && !classNames.has(nodeClassName)) {
      issue(["nodePools", i, "nodeClass"], `refers to ${quoted(nodeClassName)}, which is not in nodeClasses (known: ${[...classNames].join(", ") || "none"})`);
    }
    const label = name === undefined ? `nodePools[${i}]` : quoted(name);
    const shapeProblems = out.length;
    const capacityTypes = isRecord(rawPool) && Array.isArray(rawPool.capacityTypes) ? rawPool.capacityTypes : ["on-demand"];
    const reserved = capacityTypes.includes("reserved");
    if (reserved) reservedPools.push(label);
    if (isRecord(rawPool) && rawPool.gpuSharing !== undefined) sharingPools.push(label);
    // A reserved pool launches only into the reservations its node class selects: none, no node.
    const classAt = nodeClassName === undefined ? undefined : classIndex.get(nodeClassName);
    const rawClass = classAt === undefined ? undefined : listAt(raw, "nodeClasses")[classAt];
    if (reserved && isRecord(rawClass) && !Array.isArray(rawClass.capacityReservations)) {
      issue(["nodePools", i, "capacityTypes"], `lists "reserved", but its node class ${quoted(nodeClassName)} (nodeClasses[${classAt}]) selects no capacity reservation, so the pool could never launch a reserved node: add nodeClasses[${classAt}].capacityReservations ({ id } or { tags, ownerId? }), or remove "reserved"`);
    }
    const reservationType = stringAt(rawPool, "capacityReservationType");
    if (reservationType !== undefined && !reserved) {
      issue(["nodePools", i, "capacityReservationType"], `is ${quoted(reservationType)}, but capacityTypes (${quoted(capacityTypes)}) does not list "reserved": capacity reservations and Capacity Blocks are launched as capacity type reserved; add "reserved" to capacityTypes, or remove capacityReservationType`);
    }
    if (reservationType !== undefined) {
      listAt(rawPool, "requirements").forEach((r, j) => {
        if (stringAt(r, "key") === CAPACITY_RESERVATION_TYPE) {
          issue(["nodePools", i, "requirements", j, "key"], `${CAPACITY_RESERVATION_TYPE} is set by nodePools[${i}].capacityReservationType; remove this requirement`);
        }
      });
    }
    // Static pools (replicas): the NodePool CRD's rules, at the config keys that break them.
    const limits = recordAt(rawPool, "limits");
    const replicas = isRecord(rawPool) && typeof rawPool.replicas === "number" ? rawPool.replicas : undefined;
    if (replicas !== undefined) {
      staticPools.push(label);
      const fix = "remove it, or remove replicas for a pool that scales with its pods";
      for (const key of ["cpu", "gpus", "memoryGiB"] as const) {
        if (limits[key] !== undefined) issue(["nodePools", i, "limits", key], `is ${quoted(limits[key])}, but a static pool (replicas: ${replicas}) takes only limits.nodes: Karpenter's NodePool CRD refuses other limits with replicas; ${fix}`);
      }
      if (isRecord(rawPool) && rawPool.weight !== undefined) issue(["nodePools", i, "weight"], `is ${quoted(rawPool.weight)}, but a static pool (replicas: ${replicas}) takes no weight: Karpenter's NodePool CRD refuses it with replicas; ${fix}`);
      const disruption = recordAt(rawPool, "disruption");
      for (const key of ["consolidationPolicy", "consolidateAfter"] as const) {
        if (disruption[key] !== undefined) issue(["nodePools", i, "disruption", key], `is ${quoted(disruption[key])}, but a static pool (replicas: ${replicas}) is never consolidated: Karpenter ignores it with replicas; ${fix}`);
      }
      if (typeof limits.nodes === "number" && limits.nodes < replicas) {
        issue(["nodePools", i, "replicas"], `is ${replicas}, more than limits.nodes (${limits.nodes}): Karpenter would stop at ${limits.nodes} nodes; lower replicas, or raise limits.nodes (above replicas, so a node can be replaced before the old one goes)`);
      }
    } else if (isRecord(rawPool)) {
      if (limits.cpu === undefined) issue(["nodePools", i, "limits", "cpu"], "is required: the pool's cap on total vCPUs (size it to your EC2 vCPU quota); or set replicas for a static pool of fixed size");
    }
    // Whether the pool can launch is asked only of a pool that is valid on its own.
    const parsed = nodePool.safeParse(rawPool);
    if (!parsed.success || out.length > shapeProblems) return;
    const pool = parsed.data;
    // A static pool has no CPU or GPU cap: any admitted type fits it.
    const cpuLimit = pool.replicas !== undefined ? Infinity : pool.limits.cpu!;
    // Field names as messages write them, and the config key each stands for.
    const keys = new Map<string, (string | number)[]>();
    const key = (...path: (string | number)[]) => {
      const full = ["nodePools", i, ...path];
      keys.set(formatPath(full), full);
      return formatPath(full);
    };
    // A typo is named where it is; the pool's launchability is asked only without one.
    const typos = pool.requirements.flatMap((r, j) => requirementTypoProblems(r, WELL_KNOWN_LABELS).map((t) => ({ path: ["nodePools", i, "requirements", j, ...t.path], problem: t.problem })));
    for (const t of typos) issue(t.path, t.problem);
    const launch = typos.length ? [] : launchProblems(
      { name: pool.name, managed: managedRequirements(pool), requirements: pool.requirements, labels: pool.labels, cpuLimit, gpuLimit: pool.replicas !== undefined ? Infinity : (pool.limits.gpus ?? defaultGpuLimit(cpuLimit, pool.gpuSharing)), sharing: pool.gpuSharing },
      { pool: key(), instanceCategories: key("instanceCategories"), architectures: key("architectures"), requirement: (j) => key("requirements", j), label: (k) => key("labels", k), cpuLimit: key("limits", "cpu"), gpuLimit: key("limits", "gpus") },
    );
    for (const p of launch) issue(keys.get(p.field) ?? ["nodePools", i], p.problem);
    // The NodePool built from the pool, against the pinned Karpenter CRD (schema and CEL rules).
    for (const p of nodePoolCrdProblems(pool, i)) issue([...p.path], p.message);
  });

  // An EFA node class is written for one network-card layout: every pool using it must admit
  // only EFA types of that layout (karpenter/efa.ts). Checked once every pool using it is valid.
  listAt(raw, "nodeClasses").forEach((nc, i) => {
    const name = stringAt(nc, "name");
    if (name === undefined || !isRecord(nc) || nc.efa !== true) return;
    const users: EfaPool[] = [];
    let valid = true;
    listAt(raw, "nodePools").forEach((rawPool, index) => {
      if (stringAt(rawPool, "nodeClass") !== name) return;
      const parsed = nodePool.safeParse(rawPool);
      if (parsed.success) users.push({ index, pool: parsed.data });
      else valid = false;
    });
    if (valid) for (const message of efaClassProblems(name, users)) issue(["nodeClasses", i, "efa"], message);
  });
  for (const p of chartValueProblems(raw, { staticPools, reservedPools, sharingPools })) issue(p.path, p.message);
  return out;
}

/**
 * Where `karpenter.additionalValues` puts the controller on Fargate (a `nodeSelector` on
 * `eks.amazonaws.com/compute-type: fargate`), or undefined.
 */
function fargateSelectorPath(values: Readonly<Record<string, unknown>> | undefined): (string | number)[] | undefined {
  const selector = values?.nodeSelector as Record<string, unknown> | undefined;
  return selector?.["eks.amazonaws.com/compute-type"] === "fargate"
    ? ["karpenter", "additionalValues", "nodeSelector", "eks.amazonaws.com/compute-type"]
    : undefined;
}
