/** karpenter-gpu: the public API. */
export * from "./aws-context";
export * from "./aws-stack";
export * from "./config";
export * from "./controller-iam";
export * from "./controller-policy";
export * from "./discovery-tags";
export * from "./interruption-queue";
export * from "./karpenter-aws";
export * from "./node-role";
export * from "./policy";
export * from "./rules";
export * from "./app";
