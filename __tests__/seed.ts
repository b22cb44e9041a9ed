/**
 * The seed's production spec (karpenter-gpu-nodepool.yaml), restated by hand: the default
 * example must reproduce it field by field, plus the additions the README documents.
 */
import { parseAllDocuments } from "yaml";

const SEED_YAML = `
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: gpu-workloads
spec:
  limits:
    cpu: 1000
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 30s
  template:
    spec:
      expireAfter: 720h
      nodeClassRef:
        group: karpenter.k8s.aws
        kind: EC2NodeClass
        name: gpu-nodeclass
      requirements:
        - key: karpenter.k8s.aws/instance-category
          operator: In
          values: ["g", "p"]
        - key: karpenter.sh/capacity-type
          operator: In
          values: ["spot", "on-demand"]
        - key: kubernetes.io/arch
          operator: In
          values: ["amd64"]
      taints:
        - key: sku
          value: gpu
          effect: NoSchedule
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: gpu-nodeclass
spec:
  role: KarpenterNodeRole-prod-cluster
  amiFamily: AL2023
  amiSelectorTerms:
    - alias: al2023@latest
  subnetSelectorTerms:
    - tags:
        karpenter.sh/discovery: prod-cluster
  securityGroupSelectorTerms:
    - tags:
        karpenter.sh/discovery: prod-cluster
  blockDeviceMappings:
    - deviceName: /dev/xvda
      ebs:
        volumeSize: 200Gi
        volumeType: gp3
        deleteOnTermination: true
`;

type Json = Record<string, any>;
const [nodePool, nodeClass] = parseAllDocuments(SEED_YAML).map((d) => d.toJS() as Json);

const SEED_NODE_POOL: Json = nodePool;
const SEED_NODE_CLASS: Json = nodeClass;

/** The seed NodePool plus the documented additions: a GPU limit, and NVIDIA-only, whole-GPU requirements. */
export function seedNodePoolWithAdditions(): Json {
  const np = structuredClone(SEED_NODE_POOL);
  np.spec.limits["nvidia.com/gpu"] = 250;
  np.spec.template.spec.requirements.push(
    { key: "karpenter.k8s.aws/instance-gpu-manufacturer", operator: "In", values: ["nvidia"] },
    { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] },
  );
  return np;
}

/**
 * The seed EC2NodeClass plus the documented additions: encrypted EBS with gp3 IOPS/throughput
 * raised, IMDSv2 with hop limit 1, discovery tag; and the node role under `role` (the app's
 * default, `KarpenterNodeRole-<cluster>-<region>`, differs from the seed's name by the region).
 */
export function seedNodeClassWithAdditions(role = "KarpenterNodeRole-prod-cluster-us-west-2"): Json {
  const nc = structuredClone(SEED_NODE_CLASS);
  nc.spec.role = role;
  Object.assign(nc.spec.blockDeviceMappings[0].ebs, { encrypted: true, iops: 6000, throughput: 500 });
  nc.spec.metadataOptions = { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" };
  nc.spec.tags = { "karpenter.sh/discovery": "prod-cluster" };
  return nc;
}
