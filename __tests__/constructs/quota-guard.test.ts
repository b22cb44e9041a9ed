import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../modules/config/parse.js";
import { stackNames } from "../../modules/core/names.js";
import { GpuNodePoolsStack } from "../../modules/stacks/node-pools-stack.js";
import { configInput, newApp, ofType, synthOf } from "../helpers.js";

const input = configInput({
  nodePools: [{ name: "training", nodeClass: "gpu-nodeclass", instanceCategories: ["p"], capacityTypes: ["spot"], limits: { cpu: 384, gpus: 16 } }],
});
const synthGuard = (quotaGuard?: "warn" | "fail" | "off") =>
  synthOf(new GpuNodePoolsStack(newApp(), stackNames("prod-cluster").nodePools, { config: parseConfig({ ...input, quotaGuard }) })) as any;

/** The terraform_data resources that carry preconditions (the pools' kind triggers carry none). */
const planChecks = (s: { resource?: Record<string, unknown> }) => Object.values(ofType(s.resource as never, "terraform_data")).filter((r: any) => r.lifecycle?.precondition) as any[];

describe("QuotaGuard", () => {
  it("by default warns through a check block per quota the pools draw on, with its own scoped lookup", () => {
    const s = synthGuard();
    assert.deepEqual(Object.keys(s.check), ["gpu_vcpu_quota_L-7212CCBC"]);
    const check = s.check["gpu_vcpu_quota_L-7212CCBC"];
    assert.deepEqual(check.data, { aws_servicequotas_service_quota: { "gpu_vcpu_quota_L-7212CCBC": { service_code: "ec2", quota_code: "L-7212CCBC" } } });
    assert.equal(check.assert[0].condition, "${data.aws_servicequotas_service_quota.gpu_vcpu_quota_L-7212CCBC.value >= 384}");
    assert.equal(
      check.assert[0].error_message,
      'EC2 quota L-7212CCBC "All P Spot Instance Requests" in us-west-2 is ${data.aws_servicequotas_service_quota.gpu_vcpu_quota_L-7212CCBC.value} vCPUs, but node pool(s) training may launch up to 384 vCPUs of it: request at least 384 vCPUs (Service Quotas, service ec2, quota L-7212CCBC) or lower their limits.cpu (a static pool: replicas and limits.nodes). Until then Karpenter gets VcpuLimitExceeded and GPU pods stay Pending.',
    );
    assert.deepEqual(planChecks(s), [], "warn mode never fails the plan");
  });

  it("with quotaGuard: fail, fails the plan through a precondition on the quota's value", () => {
    const s = synthGuard("fail");
    assert.equal(s.check, undefined);
    const [quotaId, quota] = Object.entries(ofType(s.data, "aws_servicequotas_service_quota"))[0];
    assert.deepEqual(quota, { service_code: "ec2", quota_code: "L-7212CCBC" });
    const [guard] = planChecks(s);
    const logicalId = Object.keys(s.data.aws_servicequotas_service_quota)[0];
    assert.ok(quotaId.startsWith("quotaGuard_L-7212CCBC"));
    assert.equal(guard.lifecycle.precondition[0].condition, `\${data.aws_servicequotas_service_quota.${logicalId}.value >= 384}`);
    assert.match(guard.lifecycle.precondition[0].error_message, /request at least 384 vCPUs \(Service Quotas, service ec2, quota L-7212CCBC\)/);
  });

  it("with quotaGuard: off, looks nothing up (for runners without servicequotas:GetServiceQuota)", () => {
    const s = synthGuard("off");
    assert.equal(s.check, undefined);
    assert.equal(s.data?.aws_servicequotas_service_quota, undefined);
    assert.deepEqual(planChecks(s), []);
  });
});
