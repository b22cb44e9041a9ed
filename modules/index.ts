/** karpenter-gpu: the public API. */
export * from "./aws-context.js";
export * from "./aws-stack.js";
export * from "./config.js";
export * from "./controller-iam.js";
export * from "./controller-policy.js";
export * from "./discovery-tags.js";
export * from "./interruption-queue.js";
export * from "./karpenter-aws.js";
export * from "./node-role.js";
export * from "./policy.js";
export * from "./rules.js";
export * from "./app.js";
