/**
 * karpenter-gpu: the public API, layer by layer (README, Project layout). Every module's exports
 * are re-exported, except the building blocks of the config schema (config/fields, raw,
 * pool-schema, chart-values, chart-derived, cross-key, issues), which are reached through parseConfig.
 */

// core/: The shared vocabulary: names, discovery selector terms, IAM statement rules, chart versions, AWS and Kubernetes identifier rules, field paths, Helm values, plan checks and replace triggers.
export * from "./core/discovery.js";
export * from "./core/field-path.js";
export * from "./core/helm-values.js";
export * from "./core/iam-statements.js";
export * from "./core/literal.js";
export * from "./core/names.js";
export * from "./core/plan-check.js";
export * from "./core/provider.js";
export * from "./core/registries.js";
export * from "./core/rules.js";
export * from "./core/suggest.js";
export * from "./core/trigger.js";
export * from "./core/versions.js";

// karpenter/: Karpenter's objects as data: the GPU instance table, NodePool and EC2NodeClass props and builders, EFA layouts, quotas.
export * from "./karpenter/efa.js";
export * from "./karpenter/gpu-instances.js";
export * from "./karpenter/gpu-sharing.js";
export * from "./karpenter/mig-profiles.js";
export * from "./karpenter/labels.js";
export * from "./karpenter/node-class-spec.js";
export * from "./karpenter/node-pool-spec.js";
export * from "./karpenter/quota.js";

// validation/: What the API server, Karpenter, the kubelet, Helm and AWS would refuse: the CRDs (schema and CEL), Karpenter's runtime rules, launchability, EFA, chart value keys.
export * from "./validation/chart-keys.js";
export * from "./validation/crd.js";
export * from "./validation/cron.js";
export * from "./validation/efa.js";
export * from "./validation/escape-hatch.js";
export * from "./validation/karpenter-rules.js";
export * from "./validation/karpenter-runtime.js";
export * from "./validation/launchability.js";
export * from "./validation/model.js";

// config/: The configuration file: schema, loading, the checks that span keys, config to props, the capacity report.
export * from "./config/capacity.js";
export * from "./config/crd.js";
export * from "./config/document.js";
export * from "./config/parse.js";
export * from "./config/problems.js";
export * from "./config/props.js";
export * from "./config/read.js";
export * from "./config/schema.js";

// aws/: Constructs of the AWS stack.
export * from "./aws/aws-context.js";
export * from "./aws/controller-iam.js";
export * from "./aws/controller-policy.js";
export * from "./aws/deploy-policy.js";
export * from "./aws/discovery-tags.js";
export * from "./aws/efa-security-group-check.js";
export * from "./aws/interruption-queue.js";
export * from "./aws/karpenter-aws.js";
export * from "./aws/node-role.js";
export * from "./aws/policy.js";
export * from "./aws/prerequisites.js";

// charts/: Constructs of the charts stack.
export * from "./charts/cluster-connection.js";
export * from "./charts/crd-adoption.js";
export * from "./charts/efa-device-plugin.js";
export * from "./charts/ephemeral.js";
export * from "./charts/gpu-operator.js";
export * from "./charts/karpenter-chart.js";

// nodepools/: Constructs of the node-pools stack.
export * from "./nodepools/manifest.js";
export * from "./nodepools/node-class.js";
export * from "./nodepools/node-pool.js";
export * from "./nodepools/quota-guard.js";

// stacks/: The three stacks and the app that wires a configuration into them.
export * from "./stacks/app.js";
export * from "./stacks/aws-stack.js";
export * from "./stacks/backend.js";
export * from "./stacks/charts-stack.js";
export * from "./stacks/deploy-policy.js";
export * from "./stacks/node-pools-stack.js";
