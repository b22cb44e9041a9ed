/**
 * Input rules shared by the config file schema (paths like `nodeRole.name`) and by the
 * constructs' own prop validation (paths like `KarpenterNodeRole.roleName`), so a rule is
 * written once and both entry points report it the same way.
 *
 * Each rule returns `undefined` when the value is fine, or the problem as a sentence that
 * says what is allowed and what was given (the caller prefixes the field path).
 */
import { Annotations, Token } from "cdktf";
import type { IConstruct } from "constructs";

/** EKS cluster names: 1-100 chars, alphanumerics, hyphens and underscores, starting alphanumeric. */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** IAM role names: 1-64 chars of `[\w+=,.@-]`. */
const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** Subnet and security group IDs; the patterns are RE2-compatible, so plan-time checks use them too. */
export const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** An EKS cluster's IAM OIDC provider: `oidc.eks.<region>.amazonaws.com[.cn]/id/<issuer id>`. */
const OIDC_PROVIDER_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:oidc-provider\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[0-9A-Za-z]{1,64}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
/** IAM policy ARNs: an optional path, then a name of 1-128 of IAM's name characters. */
const MANAGED_POLICY_ARN = /^arn:aws(-[a-z]+)*:iam::(aws|\d{12}):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;
/** SQS queue names: 1-80 chars of alphanumerics, hyphens and underscores. */
const SQS_QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
// IAM CreatePolicy PolicyName, EventBridge PutRule Name (API references' patterns and lengths).
const IAM_POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const EVENT_RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The most characters of a value a message quotes; longer text is cut, with its length given. */
export const MAX_QUOTED = 80;

/**
 * A value as a message shows it: its JSON, cut after MAX_QUOTED characters with the length
 * given, so a 1 MiB string never floods a terminal or a CI log.
 */
export function quoted(value: unknown): string {
  if (typeof value === "string") return value.length <= MAX_QUOTED ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, MAX_QUOTED - 20))}... (${value.length} characters)`;
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= MAX_QUOTED ? json : `${json.slice(0, MAX_QUOTED - 20)}... (${json.length} characters of JSON)`;
}


/** Kubernetes object names (NodePool, EC2NodeClass, namespaces): DNS-1123, at most 63 characters. */
export function k8sNameProblem(name: string): string | undefined {
  if (name.length <= 63 && DNS1123.test(name)) return undefined;
  return `must be a DNS-1123 name: at most 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (got ${quoted(name)})`;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Namespaces: a DNS-1123 label (the API server's `ValidateNamespaceName`), so no '.' unlike other object names. */
export function namespaceProblem(name: string): string | undefined {
  if (name.length <= 63 && DNS1123_LABEL.test(name)) return undefined;
  return `must be a namespace name: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit, no '.' (got ${quoted(name)})`;
}

/** CustomResourceDefinition names: `<plural>.<group>`, a DNS-1123 subdomain with at least one dot, at most 253 characters. */
export function crdNameProblem(name: string): string | undefined {
  if (name.length <= 253 && name.includes(".") && DNS1123.test(name)) return undefined;
  return `must be a CustomResourceDefinition name, <plural>.<group> such as "nodepools.karpenter.sh": lower-case letters, digits, '-' and '.', at most 253 characters (got ${quoted(name)})`;
}

/** Helm's release name rule: a DNS-1123 subdomain of at most 53 characters (helm v3 pkg/chartutil, `ValidateReleaseName`). */
const HELM_RELEASE_NAME_MAX = 53;

/**
 * Helm release names (helm v3.18 `pkg/chartutil/validate_name.go`, `ValidateReleaseName`): the
 * DNS-1123 subdomain pattern, at most 53 characters, so that names the chart derives from it
 * (`<release>-<suffix>`) still fit Kubernetes' 63.
 */
export function helmReleaseNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name) || (name.length <= HELM_RELEASE_NAME_MAX && DNS1123.test(name))) return undefined;
  return `must be a Helm release name: at most ${HELM_RELEASE_NAME_MAX} lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (got ${quoted(name)}${name.length > HELM_RELEASE_NAME_MAX && name.length <= MAX_QUOTED ? `, ${name.length} characters` : ""})`;
}

export function clusterNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name) || CLUSTER_NAME.test(name)) return undefined;
  return `must be an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit (got ${quoted(name)})`;
}

export function iamRoleNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name) || IAM_ROLE_NAME.test(name)) return undefined;
  if (name.length > 64) {
    return `IAM role names are limited to 64 characters; ${quoted(name)}${name.length <= MAX_QUOTED ? ` has ${name.length}` : ""}. Set a shorter name explicitly`;
  }
  return `must be an IAM role name: 1-64 letters, digits or any of "+=,.@_-" (got ${quoted(name)})`;
}

export function regionProblem(region: string): string | undefined {
  if (Token.isUnresolved(region) || AWS_REGION.test(region)) return undefined;
  return `must be an AWS region code such as "us-west-2" (got ${quoted(region)})`;
}

export function subnetIdProblem(id: string): string | undefined {
  if (Token.isUnresolved(id) || SUBNET_ID.test(id)) return undefined;
  return `must be a subnet ID such as "subnet-0123456789abcdef0" (got ${quoted(id)})`;
}

export function securityGroupIdProblem(id: string): string | undefined {
  if (Token.isUnresolved(id) || SECURITY_GROUP_ID.test(id)) return undefined;
  return `must be a security group ID such as "sg-0123456789abcdef0" (got ${quoted(id)})`;
}

export function roleArnProblem(arn: string): string | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  if (!IAM_ROLE_ARN.test(arn)) return `must be an IAM role ARN such as "arn:aws:iam::111122223333:role/my-role" (got ${quoted(arn)})`;
  const name = arn.slice(arn.lastIndexOf("/") + 1);
  return iamRoleNameProblem(name) === undefined ? undefined : `names a role of ${name.length} characters, but IAM role names are limited to 64 (got ${quoted(arn)})`;
}

export function oidcProviderArnProblem(arn: string): string | undefined {
  if (Token.isUnresolved(arn) || OIDC_PROVIDER_ARN.test(arn)) return undefined;
  return `must be an IAM OIDC provider ARN such as "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE" (got ${quoted(arn)})`;
}

/** The AWS partition of a region: the first part of every ARN there. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}

/**
 * An EKS OIDC provider belongs to one cluster's region: its URL is
 * `oidc.eks.<region>.amazonaws.com[.cn]`, its ARN in that region's partition. A provider of another
 * region or partition cannot be the cluster's, so the controller's web-identity calls would fail
 * (STS checks the token's issuer against the provider). Well-formed ARNs only: see oidcProviderArnProblem.
 */
export function oidcProviderRegionProblem(arn: string, region: string): string | undefined {
  if (Token.isUnresolved(arn) || Token.isUnresolved(region) || !OIDC_PROVIDER_ARN.test(arn)) return undefined;
  const [, partition] = arn.split(":");
  const host = arn.slice(arn.indexOf("oidc-provider/") + "oidc-provider/".length).split("/")[0];
  const providerRegion = host.split(".")[2];
  const expectedPartition = partitionOf(region);
  const expectedHost = `oidc.eks.${region}.amazonaws.com${expectedPartition === "aws-cn" ? ".cn" : ""}`;
  if (providerRegion !== region || host !== expectedHost) return `is the OIDC provider of a cluster in ${providerRegion} (${host}), but the cluster is in ${region}: use the provider of ${expectedHost}`;
  if (partition !== expectedPartition) return `is in partition ${partition}, but ${region} is in ${expectedPartition}: the ARN starts with arn:${expectedPartition}:`;
  return undefined;
}

/**
 * An ARN used from `region`: of that region's partition (IAM and KMS in another partition are
 * out of reach), and with `sameRegion`, of that region too (a KMS key is regional: SQS encrypts
 * with a key of its own region only). Well-formed ARNs only; tokens pass.
 */
export function arnPlacementProblem(arn: string, region: string, sameRegion = false): string | undefined {
  if (Token.isUnresolved(arn) || Token.isUnresolved(region) || !arn.startsWith("arn:")) return undefined;
  const [, partition, , arnRegion] = arn.split(":");
  const expected = partitionOf(region);
  if (partition !== expected) return `is in partition ${partition}, but ${region} is in ${expected}: the ARN must start with arn:${expected}: (got ${quoted(arn)})`;
  if (sameRegion && arnRegion !== region) return `is in ${arnRegion || "no region"}, but the cluster is in ${region}: use a key of ${region} (KMS keys are regional; a multi-Region key has a replica ARN per region) (got ${quoted(arn)})`;
  return undefined;
}

export function kmsKeyArnProblem(arn: string): string | undefined {
  if (Token.isUnresolved(arn) || KMS_KEY_ARN.test(arn)) return undefined;
  return `must be a KMS key ARN such as "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"; aliases are not accepted because the key policy and the controller's kms:Decrypt grant need the key itself (got ${quoted(arn)})`;
}

export function managedPolicyArnProblem(arn: string): string | undefined {
  if (Token.isUnresolved(arn) || MANAGED_POLICY_ARN.test(arn)) return undefined;
  return `must be an IAM policy ARN such as "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" (got ${quoted(arn)})`;
}

/**
 * Named profiles of the AWS shared config files. AWS allows more characters; these are the ones
 * a profile name may use here, so that the name never holds `$`, `%`, `{` or quotes and reaches
 * the provider block as plain text (Terraform reads provider arguments as templates).
 * The 64-character cap is this module's, not AWS's.
 */
const AWS_PROFILE = /^[A-Za-z0-9_.@+=,-]{1,64}$/;
/** STS `RoleSessionName`: 2-64 characters of `[\w+=,.@-]` (AssumeRole API reference). */
const STS_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** STS `ExternalId`: 2-1224 characters of `[\w+=,.@:/-]` (AssumeRole API reference). */
const STS_EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export function awsProfileProblem(name: string): string | undefined {
  if (AWS_PROFILE.test(name)) return undefined;
  return `must be a profile name of the AWS config files: 1-64 letters, digits or any of "_.@+=,-" (got ${quoted(name)})`;
}

export function stsSessionNameProblem(name: string): string | undefined {
  if (STS_SESSION_NAME.test(name)) return undefined;
  return `must be an STS role session name: 2-64 letters, digits or any of "_+=,.@-" (got ${quoted(name)})`;
}

export function stsExternalIdProblem(id: string): string | undefined {
  if (STS_EXTERNAL_ID.test(id)) return undefined;
  return `must be an STS external ID: 2-1224 letters, digits or any of "_+=,.@:/-" (got ${quoted(id)})`;
}

export function queueNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name) || SQS_QUEUE_NAME.test(name)) return undefined;
  return `must be an SQS queue name: 1-80 letters, digits, '-' or '_' (got ${quoted(name)}). Set a shorter name explicitly`;
}

export function iamPolicyNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name) || IAM_POLICY_NAME.test(name)) return undefined;
  return `must be an IAM policy name: 1-128 letters, digits or any of "+=,.@_-" (got ${quoted(name)})`;
}

export function eventRuleNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name) || EVENT_RULE_NAME.test(name)) return undefined;
  return `must be an EventBridge rule name: 1-64 letters, digits or any of ".-_" (got ${quoted(name)})`;
}

/**
 * Discovery-tag rule: Karpenter selects security groups by the discovery tag, and the AWS
 * Load Balancer Controller fails when more than one security group on a node carries the
 * cluster tag (terraform-aws-eks#3096). So exactly one, unless the user opts in.
 */
export function securityGroupCountProblem(count: number, allowMultiple: boolean): string | undefined {
  if (count === 0) return "must list at least one security group ID";
  if (count > 1 && !allowMultiple) {
    return `lists ${count} security groups, but more than one security group carrying the discovery tag breaks load balancers (terraform-aws-eks#3096). Keep one, or set allowMultipleSecurityGroups: true if you accept that`;
  }
  return undefined;
}

/** A list for a message: the first `max` items, then how many more (`a, b, c and 5 more`). */
export function shortList(items: readonly string[], max: number): string {
  return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

export function duplicatesProblem(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const v of values) {
    if (Token.isUnresolved(v)) continue;
    if (seen.has(v)) dups.add(v);
    seen.add(v);
  }
  return dups.size ? `lists ${[...dups].map(quoted).join(", ")} more than once` : undefined;
}

/** One problem found while validating a construct's props: the prop's name and what is wrong. */
export interface PropProblem {
  readonly prop: string;
  readonly problem: string | undefined;
}

/**
 * Throws one error that names every failing prop of a construct, so a user fixes all of them in
 * one pass instead of one per synth.
 */
export function throwIfProblems(scope: IConstruct, constructName: string, problems: readonly PropProblem[]): void {
  const failing = problems.filter((p): p is { prop: string; problem: string } => p.problem !== undefined);
  if (failing.length === 0) return;
  const lines = failing.map((p) => `  - ${p.prop}: ${p.problem}`);
  throw new Error(`${constructName} at '${scope.node.path}' has invalid props:\n${lines.join("\n")}`);
}

/** Suspicious but legal input: a synth-time warning the user sees in `cdktf synth` output. */
export function warn(scope: IConstruct, message: string): void {
  Annotations.of(scope).addWarning(message);
}

/** The most tags AWS allows on one IAM role, EC2 instance or SQS queue. */
export const MAX_AWS_TAGS = 50;
/** Characters every AWS service accepts in tags (IAM is the strictest): letters, digits, spaces and `_ . : / = + - @`. */
const AWS_TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * AWS's tag key rules, for tags that land on IAM roles and instance profiles as well as EC2:
 * 1 to 128 characters from the common set, not starting with `aws:`.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating
 */
export function awsTagKeyProblem(key: string): string | undefined {
  if (key.length < 1 || key.length > 128) return `must be a tag key of 1 to 128 characters (got ${quoted(key)}${key.length <= MAX_QUOTED ? `, ${key.length}` : ""})`;
  if (!AWS_TAG_TEXT.test(key)) return `must use only letters, digits, spaces and _ . : / = + - @ in a tag key (got ${quoted(key)})`;
  if (/^aws:/i.test(key)) return `must not start with "aws:", which AWS reserves (got ${quoted(key)})`;
  return undefined;
}

/** AWS's tag value rules: 1 to 256 characters from the common set (Karpenter refuses empty values). */
export function awsTagValueProblem(value: string): string | undefined {
  if (value.length < 1 || value.length > 256) return `must be a tag value of 1 to 256 characters (got ${quoted(value)}${value.length <= MAX_QUOTED ? `, ${value.length}` : ""})`;
  if (!AWS_TAG_TEXT.test(value)) return `must use only letters, digits, spaces and _ . : / = + - @ in a tag value (got ${quoted(value)})`;
  return undefined;
}

const QUANTITY_SUFFIX: Readonly<Record<string, number>> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/**
 * The value of a Kubernetes quantity ("500m", "1Gi", "1e3") as a number, for comparisons; undefined
 * when the text is not a quantity (k8s.io/apimachinery pkg/api/resource, `ParseQuantity`).
 */
export function quantityValue(text: string): number | undefined {
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([KMGTPE]i|[mkMGTPE])|[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * (m[3] !== undefined ? 10 ** Number(m[3]) : QUANTITY_SUFFIX[m[2] ?? ""]);
}

/**
 * Container resources the API server accepts: a request no larger than the limit of the same
 * resource (kubernetes pkg/apis/core/validation, `ValidateResourceRequirements`: "must be less
 * than or equal to ... limit"); otherwise the controller's pods are refused and the Helm release
 * times out.
 */
export function resourceRequirementsProblems(r: {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}): { field: string; problem: string }[] {
  return (["cpu", "memory"] as const).flatMap((name) => {
    const request = r.requests?.[name];
    const limit = r.limits?.[name];
    if (request === undefined || limit === undefined) return [];
    const [req, lim] = [quantityValue(request), quantityValue(limit)];
    if (req === undefined || lim === undefined || req <= lim) return [];
    return [{ field: `requests.${name}`, problem: `is ${quoted(request)}, more than limits.${name} ${quoted(limit)}: the API server refuses a container whose request exceeds its limit` }];
  });
}
