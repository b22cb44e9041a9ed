/**
 * The benchmark's large configuration: the built-in example's cluster with 50 GPU node pools
 * over 5 node classes, varied the way real fleets vary (instance categories and families, spot
 * and on-demand, taints, labels, budgets), every pool valid. Written as YAML, like a user's file.
 */
import { stringify } from "yaml";

const FAMILIES = [["g6"], ["g6e"], ["g5"], ["p4d", "p5"], ["g6", "g6e"]] as const;

export function fiftyPoolsConfig(): string {
  const nodeClasses = Array.from({ length: 5 }, (_, c) => ({
    name: `gpu-class-${c}`,
    amiAlias: "al2023@v20251120",
    rootVolume: { sizeGiB: 200 + 50 * c, type: "gp3" },
    tags: { team: `team-${c}` },
  }));
  const nodePools = Array.from({ length: 50 }, (_, i) => {
    const families = FAMILIES[i % FAMILIES.length];
    const category = families[0].startsWith("p") ? ["p"] : ["g"];
    return {
      name: `gpu-pool-${String(i).padStart(2, "0")}`,
      nodeClass: `gpu-class-${i % 5}`,
      instanceCategories: category,
      capacityTypes: i % 3 === 0 ? ["spot", "on-demand"] : ["on-demand"],
      requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: [...families] }],
      taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }, { key: "team", value: `team-${i % 5}`, effect: "NoSchedule" }],
      labels: { team: `team-${i % 5}`, pool: `p${i}` },
      limits: { cpu: 1000 + 8 * i, gpus: 64 },
      weight: 1 + (i % 100),
      disruption: {
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "10m",
        budgets: [{ nodes: "0", reasons: ["Drifted"], schedule: "0 8 * * mon-fri", duration: "10h" }, { nodes: "10%" }],
      },
    };
  });
  return stringify({
    clusterName: "prod-cluster",
    region: "us-west-2",
    discovery: { subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"], securityGroupIds: ["sg-0c3d4e5f607182930"] },
    nodeClasses,
    nodePools,
    tags: { "managed-by": "karpenter-gpu" },
  });
}
