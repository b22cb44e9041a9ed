import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target/index.js";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy/index.js";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy/index.js";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { assignProvider } from "../core/provider.js";
import { interruptionQueueNameFor, interruptionRuleNameFor, INTERRUPTION_RULE_KEYS, type InterruptionEvent } from "../core/names.js";
import { clusterNameProblem, eventRuleNameProblem, kmsKeyArnProblem, queueNameProblem, regionProblem, throwIfProblems, warn } from "../core/rules.js";
import { AwsContext } from "./aws-context.js";
import { condition, policyDocument, type PolicyStatement } from "./policy.js";

/**
 * The events Karpenter handles before EC2 takes a node away, keyed by the construct id of
 * their EventBridge rule. Karpenter cordons and drains the node on each.
 * @see https://karpenter.sh/docs/concepts/disruption/#interruption
 */
export const INTERRUPTION_EVENTS: Readonly<Record<InterruptionEvent, { readonly source: string; readonly detailType: string }>> = {
  healthEvent: { source: "aws.health", detailType: "AWS Health Event" },
  spotInterrupt: { source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
  rebalance: { source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
  instanceStateChange: { source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
  capacityReservationInterrupt: {
    source: "aws.ec2",
    detailType: "EC2 Capacity Reservation Instance Interruption Warning",
  },
};
export type { InterruptionEvent };

export interface InterruptionQueueProps {
  /** Name of the existing EKS cluster; names the queue and rules. */
  readonly clusterName: string;
  /** The cluster's region, e.g. `us-west-2`; part of the default names. */
  readonly region: string;
  /**
   * Name of the SQS queue; the Karpenter chart's `settings.interruptionQueue`.
   * @default `Karpenter-<clusterName>-<region>` (cut to SQS's 80 characters with a hash if needed)
   */
  readonly queueName?: string;
  /**
   * Names of the EventBridge rules, by event (1-64 letters, digits, `.`, `-`, `_`). Events left
   * out get the default.
   * @default `Karpenter<Event>-<clusterName>-<region>`, e.g. `KarpenterSpotInterrupt-gpu-us-west-2` (cut to 64 characters with a hash if needed)
   */
  readonly ruleNames?: Readonly<Partial<Record<InterruptionEvent, string>>>;
  /**
   * How long an unread event stays in the queue, in seconds (60-1209600). Interruption
   * notices are useless after a few minutes (a spot notice gives two).
   * @default 300
   */
  readonly messageRetentionSeconds?: number;
  /**
   * ARN of a customer-managed KMS key to encrypt the queue with (SSE-KMS) instead of SSE-SQS.
   * EventBridge must be allowed to use the key: see `manageKmsKeyPolicy`.
   * @default - SSE-SQS (SQS-owned keys)
   */
  readonly kmsKeyArn?: string;
  /**
   * Replace the KMS key's policy with one that keeps the account's IAM access to the key and
   * lets EventBridge encrypt messages for the queue. Off by default because it overwrites the
   * key's whole policy; when off, merge `eventBridgeKeyPolicyJson` into your key policy.
   * @default false
   */
  readonly manageKmsKeyPolicy?: boolean;
  /** Tags for the queue and rules. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** The AWS provider of everything this creates (an aliased one for a second region or account in the stack). @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * The SQS queue Karpenter reads interruption events from, encrypted at rest, TLS-only, fed by
 * five EventBridge rules (health events, spot interruption warnings, rebalance
 * recommendations, instance state changes, capacity-reservation interruptions).
 */
export class InterruptionQueue extends Construct {
  /** The `aws_sqs_queue`. Escape hatch. */
  public readonly queue: SqsQueue;
  /** The queue's name (the chart's `settings.interruptionQueue`). */
  public readonly queueName: string;
  /** The queue's ARN (the controller role reads this queue: `KarpenterControllerIam` prop `interruptionQueueArn`). */
  public readonly queueArn: string;
  /** The queue's URL. */
  public readonly queueUrl: string;
  /** The KMS key encrypting the queue, when SSE-KMS is used. */
  public readonly kmsKeyArn?: string;
  /** The EventBridge rules, keyed by event. Escape hatch. */
  public readonly rules: Readonly<Record<InterruptionEvent, CloudwatchEventRule>>;
  /**
   * With `kmsKeyArn`: the key-policy statement (as a policy document JSON) that lets EventBridge
   * use the key. Merge it into the key's policy unless `manageKmsKeyPolicy` is on.
   */
  public readonly eventBridgeKeyPolicyJson?: string;

  constructor(scope: Construct, id: string, props: InterruptionQueueProps) {
    super(scope, id);
    this.queueName = interruptionQueueNameFor(props);
    // Five minutes: longer than any interruption notice is worth acting on.
    const retention = props.messageRetentionSeconds ?? 300;
    const manageKeyPolicy = props.manageKmsKeyPolicy ?? false;
    throwIfProblems(this, "InterruptionQueue", [
      { prop: "clusterName", problem: clusterNameProblem(props.clusterName) },
      { prop: "region", problem: regionProblem(props.region) },
      { prop: "queueName", problem: queueNameProblem(this.queueName) },
      ...Object.entries(props.ruleNames ?? {}).map(([event, name]) => ({
        prop: `ruleNames.${event}`,
        problem: (INTERRUPTION_RULE_KEYS as readonly string[]).includes(event) ? eventRuleNameProblem(name) : `is not an interruption event; use one of ${INTERRUPTION_RULE_KEYS.join(", ")}`,
      })),
      {
        prop: "messageRetentionSeconds",
        problem:
          Number.isInteger(retention) && retention >= 60 && retention <= 1_209_600
            ? undefined
            : `must be a whole number of seconds from 60 to 1209600 (got ${retention})`,
      },
      { prop: "kmsKeyArn", problem: props.kmsKeyArn === undefined ? undefined : kmsKeyArnProblem(props.kmsKeyArn) },
      {
        prop: "manageKmsKeyPolicy",
        problem: manageKeyPolicy && props.kmsKeyArn === undefined ? "needs kmsKeyArn: there is no key policy to manage with SSE-SQS" : undefined,
      },
    ]);
    const tags = props.tags ? { ...props.tags } : undefined;

    this.kmsKeyArn = props.kmsKeyArn;
    this.queue = new SqsQueue(this, "queue", {
      name: this.queueName,
      messageRetentionSeconds: retention,
      // Encrypted at rest either way: SSE-SQS unless the user brings a key.
      sqsManagedSseEnabled: props.kmsKeyArn === undefined ? true : undefined,
      kmsMasterKeyId: props.kmsKeyArn,
      tags,
    });
    this.queueArn = this.queue.arn;
    this.queueUrl = this.queue.url;

    const queuePolicy = policyDocument(this, "queuePolicyDocument", queuePolicyStatements(this.queue.arn));
    new SqsQueuePolicy(this, "queuePolicy", { queueUrl: this.queue.url, policy: queuePolicy.json });

    if (props.kmsKeyArn !== undefined) {
      const eventBridgeUse = policyDocument(this, "eventBridgeKeyPolicy", [eventBridgeKeyStatement()]);
      this.eventBridgeKeyPolicyJson = eventBridgeUse.json;
      if (manageKeyPolicy) {
        this.manageKeyPolicy(props.kmsKeyArn, props.provider);
      } else {
        warn(
          this,
          "kmsKeyArn is set but manageKmsKeyPolicy is off: EventBridge cannot deliver interruption events to an SSE-KMS queue until the key policy allows events.amazonaws.com kms:GenerateDataKey and kms:Decrypt. Merge the eventBridgeKeyPolicyJson output into the key policy, or set manageKmsKeyPolicy: true.",
        );
      }
    }

    const rules: Partial<Record<InterruptionEvent, CloudwatchEventRule>> = {};
    for (const key of INTERRUPTION_RULE_KEYS) {
      const event = INTERRUPTION_EVENTS[key];
      const rule = new CloudwatchEventRule(this, key, {
        name: interruptionRuleNameFor(props, key),
        description: `Karpenter interruption handling for ${props.clusterName}: ${event.detailType}`,
        eventPattern: JSON.stringify({ source: [event.source], "detail-type": [event.detailType] }),
        tags,
      });
      new CloudwatchEventTarget(this, `${key}Target`, {
        rule: rule.name,
        targetId: "KarpenterInterruptionQueueTarget",
        arn: this.queue.arn,
      });
      rules[key] = rule;
    }
    this.rules = rules as Record<InterruptionEvent, CloudwatchEventRule>;
    assignProvider(this, props.provider);
  }

  private manageKeyPolicy(kmsKeyArn: string, provider: TerraformProvider | undefined): void {
    const ctx = AwsContext.of(this, provider);
    // Keep the key administrable through IAM (the default key policy's root statement), then
    // add EventBridge's use.
    const keyPolicy = policyDocument(this, "kmsKeyPolicyDocument", [
      {
        sid: "EnableIamUserPermissions",
        actions: ["kms:*"],
        resources: ["*"],
        principals: [{ type: "AWS", identifiers: [`arn:${ctx.partition}:iam::${ctx.accountId}:root`] }],
      },
      eventBridgeKeyStatement(),
    ]);
    new KmsKeyPolicy(this, "kmsKeyPolicy", { keyId: kmsKeyArn, policy: keyPolicy.json });
  }
}

/** EventBridge and SQS may send; nobody may use the queue without TLS. */
export function queuePolicyStatements(queueArn: string): PolicyStatement[] {
  return [
    {
      sid: "AllowEventBridgeToSendInterruptionEvents",
      actions: ["sqs:SendMessage"],
      resources: [queueArn],
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com", "sqs.amazonaws.com"] }],
    },
    {
      sid: "DenyHTTP",
      effect: "Deny",
      actions: ["sqs:*"],
      resources: [queueArn],
      principals: [{ type: "*", identifiers: ["*"] }],
      conditions: [condition("Bool", "aws:SecureTransport", "false")],
    },
  ];
}

function eventBridgeKeyStatement(): PolicyStatement {
  return {
    sid: "AllowEventBridgeToUseKeyForKarpenterQueue",
    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    resources: ["*"],
    principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
  };
}
