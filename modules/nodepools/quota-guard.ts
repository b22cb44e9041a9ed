import { DataAwsServicequotasServiceQuota } from "@cdktf/provider-aws/lib/data-aws-servicequotas-service-quota/index.js";
import { TerraformStack, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { assignProvider } from "../core/provider.js";
import { PlanCheck } from "../core/plan-check.js";
import type { BucketTotal } from "../karpenter/quota.js";

/**
 * What the quota guard does when a pool's CPU cap does not fit the EC2 vCPU quota it draws on.
 * - `warn`: a Terraform `check` block: the plan shows a warning, and goes on. If the runner may
 *   not call `servicequotas:GetServiceQuota` and `GetAWSDefaultServiceQuota`, that too is only a warning.
 * - `fail`: a precondition: the plan fails. Needs both.
 * - `off`: no quota lookup at all.
 */
export type QuotaGuardMode = "warn" | "fail" | "off";

export interface QuotaGuardProps {
  /** The vCPUs the pools may draw from each quota (`capacityReport(config).buckets`). */
  readonly needs: readonly BucketTotal[];
  /** What a quota too small for the pools does: a plan warning, a failed plan, or nothing. @default "warn" */
  readonly mode?: QuotaGuardMode;
  /** Region named in the message. */
  readonly region: string;
  /** The AWS provider of everything this creates (an aliased one for a second region or account in the stack). @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * Compares, at plan time, each EC2 GPU vCPU quota (`aws_servicequotas_service_quota`) with the
 * vCPUs the node pools may launch in it, so `VcpuLimitExceeded` is a plan message instead of
 * pods stuck Pending in production.
 */
export class QuotaGuard extends Construct {
  /** The mode used (default applied). */
  public readonly mode: QuotaGuardMode;
  /** With `fail`: the quota data sources, by quota code. */
  public readonly quotas: Readonly<Record<string, DataAwsServicequotasServiceQuota>> = {};

  constructor(scope: Construct, id: string, props: QuotaGuardProps) {
    super(scope, id);
    // Warn by default: a plan should say the quota is short without blocking unrelated changes.
    this.mode = props.mode ?? "warn";
    const quotas: Record<string, DataAwsServicequotasServiceQuota> = {};
    for (const need of this.mode === "off" ? [] : props.needs) {
      const { code, name } = need.bucket;
      const message = (value: string) =>
        `EC2 quota ${code} "${name}" in ${props.region} is ${value} vCPUs, but node pool(s) ${need.pools.join(", ")} may launch up to ${need.vcpus} vCPUs of it: ` +
        `request at least ${need.vcpus} vCPUs (Service Quotas, service ec2, quota ${code}) or lower their limits.cpu (a static pool: replicas and limits.nodes). Until then Karpenter gets VcpuLimitExceeded and GPU pods stay Pending.`;
      if (this.mode === "fail") {
        const quota = new DataAwsServicequotasServiceQuota(this, code, { serviceCode: "ec2", quotaCode: code });
        quotas[code] = quota;
        new PlanCheck(this, `${code}-fits`, {
          lifecycle: {
            precondition: [{ condition: `\${${quota.fqn}.value >= ${need.vcpus}}`, errorMessage: message(`\${${quota.fqn}.value}`) }],
          },
        });
      } else {
        // A check block with its own scoped data source: any failure in it is a warning. Scoped
        // data sources share the module's namespace, so each gets the check's unique name.
        const name = `gpu_vcpu_quota_${code}`;
        const ref = `data.aws_servicequotas_service_quota.${name}`;
        TerraformStack.of(this).addOverride(`check.${name}`, {
          data: { aws_servicequotas_service_quota: { [name]: { service_code: "ec2", quota_code: code } } },
          assert: [{ condition: `\${${ref}.value >= ${need.vcpus}}`, error_message: message(`\${${ref}.value}`) }],
        });
      }
    }
    this.quotas = quotas;
    assignProvider(this, props.provider);
  }
}
