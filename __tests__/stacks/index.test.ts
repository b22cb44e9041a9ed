import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import * as api from "../../modules/index.js";
import { ROOT } from "../helpers.js";

/** Every value the package exported in 0.1.0 (before the layer folders); CHANGELOG.md says what moved. */
const API_0_1_0 = [
  "AwsContext", "CONTROLLER_POLICY_GROUPS", "CRD_VERSION", "ClusterPrerequisites", "ConfigError",
  "CrdValidationError", "DEFAULT_CONSOLIDATE_AFTER", "DEFAULT_GPU_BUDGETS", "DISCOVERY_TAG_KEY",
  "DiscoveryTags", "EFA_DEVICE_PLUGIN_CHART_REPOSITORY", "EFA_DEVICE_PLUGIN_CHART_VERSION",
  "EFA_DEVICE_PLUGIN_DEFAULT_TOLERATIONS", "EfaDevicePlugin", "EksClusterConnection",
  "EphemeralEksClusterAuth", "GP3_DEFAULTS", "GPU_INSTANCE_TYPES", "GPU_OPERATOR_CHART_REPOSITORY",
  "GPU_OPERATOR_CHART_VERSION", "GPU_OPERATOR_DEFAULT_TOLERATIONS", "GpuNodeClass", "GpuNodePool",
  "GpuNodePoolsStack", "GpuOperator", "INTERRUPTION_EVENTS", "InterruptionQueue",
  "KARPENTER_CHART_REPOSITORY", "KARPENTER_CHART_VERSION", "KarpenterAws", "KarpenterAwsStack",
  "KarpenterChart", "KarpenterChartsStack", "KarpenterControllerIam", "KarpenterGpu",
  "KarpenterNodeRole", "MANAGED_REQUIREMENT_KEYS", "MAX_AWS_TAGS", "MAX_CONFIG_BYTES",
  "MAX_CONFIG_DEPTH", "MAX_CPU_LIMIT", "MAX_LISTED_PROBLEMS", "MIN_TERRAFORM_VERSION",
  "NODE_MANAGED_POLICIES", "POD_IDENTITY_AGENT_ADDON", "QUOTA_BUCKETS", "QuotaGuard",
  "SPOT_SERVICE_LINKED_ROLE", "admittedInstanceTypes", "allMacro", "amiAliasProblem",
  "awsTagKeyProblem", "awsTagValueProblem", "boundedName", "buildGpuNodeClass", "buildGpuNodePool",
  "buildStacks", "capacityReport", "celProblems", "celRulesOf", "clusterNameProblem", "compileRule",
  "condition", "configCrdProblems", "configSchema", "configuredAwsProvider",
  "controllerPolicyStatements", "controllerRoleNameFor", "cpuLimitProblem", "crdProblems",
  "defaultGpuLimit", "describeEfaLayout", "duplicatesProblem", "efaClassProblems", "efaLayoutOf",
  "efaLayoutOfPools", "efaLayoutProblem", "efaNetworkInterfaces", "evaluateRule",
  "formatCapacityReport", "formatFieldPath", "formatPath", "gpuLimitProblem", "iamRoleNameProblem",
  "interruptionQueueNameFor", "isEvaluated", "isTransitionRule", "k8sNameProblem", "kmsKeyArnProblem",
  "kubernetesCelEnvironment", "labelValue", "launchProblems", "literal", "literalDeep",
  "loadConfigFile", "localStatePath", "managedPolicyArnProblem", "managedRequirements", "manifestOf",
  "mergeValues", "modelProblems", "nodeClassCrdProblems", "nodeClassPropOf", "nodeClassPropsOf",
  "nodePoolCrdProblems", "nodePoolPropOf", "nodePoolPropsOf", "nodeRoleNameFor",
  "oidcProviderArnProblem", "parseConfig", "placementGroupProblems", "podIdentityAgentMode",
  "policyDocument", "poolCapacity", "queueNameProblem", "queuePolicyStatements", "quotaBucketFor",
  "regionProblem", "requireTerraform", "requirementProblems", "roleArnProblem", "rootVolumeProblems",
  "satisfies", "schemaProblems", "securityGroupCountProblem", "securityGroupIdProblem", "stackNames",
  "subnetIdProblem", "taintProblems", "throwIfProblems", "toValuesYaml", "tolerationsFor",
  "useLocalState", "useTerraformCloud", "validateModel", "warn", "withEnv", "workspaceName",
];

/** Modules reached only through parseConfig: the pieces the config schema is built from. */
const INTERNAL = new Set(["config/fields.ts", "config/raw.ts", "config/pool-schema.ts", "config/chart-values.ts", "config/cross-key.ts", "config/chart-derived.ts", "config/issues.ts"]);

describe("modules/index.ts (the package's public API)", () => {
  it("re-exports everything every module exports, except the config schema's building blocks", async () => {
    const missing: string[] = [];
    const files = readdirSync(join(ROOT, "modules"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && f !== "index.ts");
    assert.ok(files.length > 40, `found ${files.length} modules`);
    for (const file of files.filter((f) => !INTERNAL.has(f))) {
      const mod = await import(pathToFileURL(join(ROOT, "modules", file)).href);
      for (const name of Object.keys(mod)) if (!(name in api)) missing.push(`${file}: ${name}`);
    }
    assert.deepEqual(missing, []);
  });

  it("keeps every name the 0.1.0 API exported", () => {
    assert.deepEqual(API_0_1_0.filter((name) => !(name in api)), []);
  });

  it("exposes the one-call entry point, every construct and every stack", () => {
    for (const name of [
      "KarpenterGpu", "buildStacks", "parseConfig", "loadConfigFile",
      "KarpenterAws", "DiscoveryTags", "KarpenterNodeRole", "KarpenterControllerIam", "InterruptionQueue",
      "EksClusterConnection", "KarpenterChart", "GpuOperator", "GpuNodeClass", "GpuNodePool",
      "KarpenterAwsStack", "KarpenterChartsStack", "GpuNodePoolsStack",
    ]) {
      assert.equal(typeof (api as Record<string, unknown>)[name], "function", name);
    }
  });
});
