import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Token } from "cdktf";
import { InterruptionQueue } from "../../modules/aws/interruption-queue.js";
import { at, errorOf, ofType, placeholders, synthStack } from "../helpers.js";

const KEY = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("InterruptionQueue", () => {
  const s = synthStack((stack) => new InterruptionQueue(stack, "q", { clusterName: "prod-cluster", region: "us-west-2" }));
  const queueArn = /^\$\{aws_sqs_queue\.q_queue_\w+\.arn\}$/;

  it("creates Karpenter-<cluster>-<region> with 300 s retention and SSE-SQS encryption", () => {
    assert.deepEqual(at(s.resource, "aws_sqs_queue", "q/queue"), {
      name: "Karpenter-prod-cluster-us-west-2",
      message_retention_seconds: 300,
      sqs_managed_sse_enabled: true,
    });
  });

  it("lets EventBridge and SQS send, and denies any access without TLS", () => {
    const doc = at(s.data, "aws_iam_policy_document", "q/queuePolicyDocument");
    const [send, deny] = doc.statement as Record<string, unknown>[];
    assert.deepEqual({ ...send, resources: undefined }, {
      sid: "AllowEventBridgeToSendInterruptionEvents",
      effect: "Allow",
      actions: ["sqs:SendMessage"],
      resources: undefined,
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com", "sqs.amazonaws.com"] }],
    });
    assert.match((send.resources as string[])[0], queueArn);
    assert.deepEqual({ ...deny, resources: undefined }, {
      sid: "DenyHTTP",
      effect: "Deny",
      actions: ["sqs:*"],
      resources: undefined,
      principals: [{ type: "*", identifiers: ["*"] }],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    });
    assert.match(String(at(s.resource, "aws_sqs_queue_policy", "q/queuePolicy").policy), /queuePolicyDocument_\w+\.json/);
  });

  it("routes the five interruption events to the queue", () => {
    const rules = ofType(s.resource, "aws_cloudwatch_event_rule");
    const patterns = Object.fromEntries(Object.entries(rules).map(([k, r]) => [k, JSON.parse(String(r.event_pattern))]));
    assert.deepEqual(patterns, {
      q_healthEvent: { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
      q_spotInterrupt: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
      q_rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
      q_instanceStateChange: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
      q_capacityReservationInterrupt: { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
    });
    const targets = ofType(s.resource, "aws_cloudwatch_event_target");
    assert.equal(Object.keys(targets).length, 5);
    for (const [key, target] of Object.entries(targets)) {
      assert.match(String(target.arn), queueArn, key);
      assert.match(String(target.rule), new RegExp(`aws_cloudwatch_event_rule\\.${key.replace(/Target$/, "")}_\\w+\\.name`));
    }
    assert.equal(at(s.resource, "aws_cloudwatch_event_rule", "q/spotInterrupt").name, "KarpenterSpotInterrupt-prod-cluster-us-west-2");
  });

  it("takes rule names by event (the rest keep the default) and rejects bad names and unknown events", () => {
    const named = synthStack((stack) => new InterruptionQueue(stack, "q", { clusterName: "c", region: "us-west-2", ruleNames: { spotInterrupt: "SpotRule-c" } }));
    assert.equal(at(named.resource, "aws_cloudwatch_event_rule", "q/spotInterrupt").name, "SpotRule-c");
    assert.equal(at(named.resource, "aws_cloudwatch_event_rule", "q/rebalance").name, "KarpenterRebalance-c-us-west-2");
    const message = errorOf(() =>
      synthStack((stack) => new InterruptionQueue(stack, "q", { clusterName: "c", region: "us-west-2", ruleNames: { spotInterrupt: "bad name", spot: "x" } as never })),
    );
    assert.match(message, /- ruleNames\.spotInterrupt: must be an EventBridge rule name: 1-64 letters, digits or any of "\.-_" \(got "bad name"\)/);
    assert.match(message, /- ruleNames\.spot: is not an interruption event; use one of healthEvent, spotInterrupt, rebalance, instanceStateChange, capacityReservationInterrupt/);
  });

  it("keeps generated names within AWS limits for a 100-character cluster name, and distinct per cluster", () => {
    const names = (cluster: string) => {
      const out = synthStack((stack) => new InterruptionQueue(stack, "q", { clusterName: cluster, region: "us-west-2" }));
      return [at(out.resource, "aws_sqs_queue", "q/queue").name as string, ...Object.values(ofType(out.resource, "aws_cloudwatch_event_rule")).map((r) => r.name as string)];
    };
    const a = names(`${"a".repeat(99)}1`);
    const b = names(`${"a".repeat(99)}2`);
    assert.ok(a[0].length <= 80, a[0]);
    for (const rule of a.slice(1)) assert.ok(rule.length <= 64, rule);
    assert.notDeepEqual(a, b);
  });

  it("with a customer KMS key: SSE-KMS, no key-policy change by default, a warning, and the EventBridge statement exposed", () => {
    let queue: InterruptionQueue | undefined;
    const out = synthStack((stack) => (queue = new InterruptionQueue(stack, "q", { clusterName: "c", region: "us-west-2", kmsKeyArn: KEY })));
    const sqs = at(out.resource, "aws_sqs_queue", "q/queue");
    assert.equal(sqs.kms_master_key_id, KEY);
    assert.equal(sqs.sqs_managed_sse_enabled, undefined);
    assert.deepEqual(ofType(out.resource, "aws_kms_key_policy"), {});
    assert.deepEqual(at(out.data, "aws_iam_policy_document", "q/eventBridgeKeyPolicy").statement, [
      {
        sid: "AllowEventBridgeToUseKeyForKarpenterQueue",
        effect: "Allow",
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: ["*"],
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      },
    ]);
    assert.ok(queue?.eventBridgeKeyPolicyJson && Token.isUnresolved(queue.eventBridgeKeyPolicyJson), "the statement JSON is exposed for outputs");
    const warnings = queue?.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data)) ?? [];
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /manageKmsKeyPolicy is off: EventBridge cannot deliver interruption events/);
  });

  it("with manageKmsKeyPolicy: writes a key policy that keeps account IAM access and lets EventBridge use the key", () => {
    const out = synthStack((stack) => new InterruptionQueue(stack, "q", { clusterName: "c", region: "us-west-2", kmsKeyArn: KEY, manageKmsKeyPolicy: true }));
    assert.equal(at(out.resource, "aws_kms_key_policy", "q/kmsKeyPolicy").key_id, KEY);
    const doc = at(out.data, "aws_iam_policy_document", "q/kmsKeyPolicyDocument");
    assert.deepEqual(
      (placeholders(doc.statement) as { sid: string; principals: unknown }[]).map((st) => [st.sid, st.principals]),
      [
        ["EnableIamUserPermissions", [{ type: "AWS", identifiers: ["arn:PARTITION:iam::ACCOUNT:root"] }]],
        ["AllowEventBridgeToUseKeyForKarpenterQueue", [{ type: "Service", identifiers: ["events.amazonaws.com"] }]],
      ],
    );
  });

  it("names every bad prop in one error", () => {
    const message = errorOf(() =>
      synthStack((stack) => new InterruptionQueue(stack, "q", { clusterName: "c", region: "us-west-2", queueName: "bad name", messageRetentionSeconds: 30, kmsKeyArn: "alias/x" })),
    );
    assert.match(message, /- queueName: must be an SQS queue name: 1-80 letters, digits, '-' or '_' \(got "bad name"\)/);
    assert.match(message, /- messageRetentionSeconds: must be a whole number of seconds from 60 to 1209600 \(got 30\)/);
    assert.match(message, /- kmsKeyArn: must be a KMS key ARN/);
    assert.match(
      errorOf(() => synthStack((stack) => new InterruptionQueue(stack, "q", { clusterName: "c", region: "us-west-2", manageKmsKeyPolicy: true }))),
      /- manageKmsKeyPolicy: needs kmsKeyArn/,
    );
  });
});
