/**
 * A GPU EC2NodeClass as data: the props a node class is described by, the module's secure
 * defaults, and the `karpenter.k8s.aws/v1` EC2NodeClass built from them. No construct and no
 * check here: the `GpuNodeClass` construct (nodepools/) and the configuration (config/) both
 * build through `buildGpuNodeClass`.
 */
import type { EC2NodeClass } from "../../.gen/karpenter/ec2nodeclass.js";
import type { FieldPath } from "../core/field-path.js";
import { idTerms, tagTerms } from "../core/discovery.js";
import { mergeValues } from "../core/helm-values.js";
import { DISCOVERY_TAG_KEY } from "../core/names.js";
import { efaNetworkInterfaces, type EfaLayout } from "./efa.js";

/**
 * Kubelet settings of the node class (`spec.kubelet`), as the pinned CRD types them. The ones
 * that matter on GPU nodes: image garbage collection (multi-GB images fill the disk),
 * `kubeReserved`/`systemReserved` (keep the kubelet alive next to memory-hungry jobs), `maxPods`.
 * @see https://karpenter.sh/docs/concepts/nodeclasses/#speckubelet
 */
export type KubeletSettings = NonNullable<EC2NodeClass["spec"]["kubelet"]>;

/** EBS settings of a node's root volume (`/dev/xvda` on AL2023). */
export interface RootVolumeProps {
  /** Size in GiB (20-16384). GPU images are large and checkpoints need scratch. @default 200 */
  readonly sizeGiB?: number;
  /** Volume type. @default "gp3" */
  readonly type?: "gp3" | "gp2" | "io1" | "io2";
  /**
   * Provisioned IOPS (gp3: 3000-80000; io1/io2: required by the type).
   * @default 6000 for gp3 (twice the 3000 baseline: image layers are many small files)
   */
  readonly iops?: number;
  /**
   * gp3 throughput in MiB/s (125-2000, at most IOPS / 4).
   * @default 500 for gp3 (four times the 125 baseline: multi-GB GPU images pull and unpack
   * ~4x faster where the instance's EBS bandwidth allows)
   * @see docs/startup-latency.md
   */
  readonly throughputMiBps?: number;
  /** KMS key for the volume. @default - the account's default EBS key */
  readonly kmsKeyId?: string;
}

/**
 * A capacity reservation selector (`capacityReservationSelectorTerms[]`): one reservation by `id`
 * (alone), or the reservations carrying all of `tags` (`"*"` matches any value), optionally only
 * those owned by the account `ownerId` (reservations shared with this account).
 * @see https://karpenter.sh/docs/concepts/nodeclasses/#speccapacityreservationselectorterms
 */
export interface CapacityReservationSelector {
  /** A reservation or Capacity Block ID, `cr-...`. */
  readonly id?: string;
  /** Tags every selected reservation carries (`"*"`: any value). */
  readonly tags?: Readonly<Record<string, string>>;
  /** 12-digit account ID of the reservation's owner. */
  readonly ownerId?: string;
}

export interface GpuNodeClassProps {
  /** EC2NodeClass name (DNS-1123). */
  readonly name: string;
  /** Cluster name: the value of the discovery tag the selector terms match. */
  readonly clusterName: string;
  /** Name (not ARN) of the node role; Karpenter makes an instance profile for it. */
  readonly roleName: string;
  /**
   * Select these subnets by ID (discovery mode `ids`) instead of by the discovery tag. Literal
   * IDs or tokens known at plan (`DataAwsSubnets.ids`, `DiscoveryTags` in mode `ids` gives the
   * same terms as `subnetSelectorTerms`).
   * @default - the subnets tagged `karpenter.sh/discovery=<clusterName>`
   */
  readonly subnetIds?: readonly string[];
  /**
   * Select these security groups by ID instead of by the discovery tag; as `subnetIds`.
   * @default - the security groups tagged `karpenter.sh/discovery=<clusterName>`
   */
  readonly securityGroupIds?: readonly string[];
  /**
   * AMI alias. `al2023@latest` resolves, per instance type, to the EKS-optimized AL2023 AMI,
   * whose NVIDIA variant ships the driver and container toolkit (no driver install at boot).
   * Pin a version (`al2023@v20250101`) to control rollouts.
   * @default "al2023@latest"
   * @see https://karpenter.sh/docs/concepts/nodeclasses/#specamiselectorterms
   */
  readonly amiAlias?: string;
  /** Root volume. @default - 200 GiB gp3, encrypted, deleted with the instance */
  readonly rootVolume?: RootVolumeProps;
  /**
   * `RAID0`: Karpenter stripes the instance's local NVMe disks (g5, g6, g6e, p4d, p5, ...) into
   * one array and puts kubelet and containerd storage on it, so images and emptyDir volumes use
   * local NVMe instead of EBS. Types without NVMe ignore it.
   * @default - none (everything on the root volume)
   * @see https://karpenter.sh/docs/concepts/nodeclasses/#specinstancestorepolicy
   */
  readonly instanceStorePolicy?: "RAID0";
  /** Extra tags for instances, volumes and launch templates. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Kubelet settings, checked against the CRD at synth. @default - the AMI's and Karpenter's */
  readonly kubelet?: KubeletSettings;
  /**
   * Attach EFA interfaces for this network-card layout: an ENA primary interface, then one
   * `efa-only` interface per EFA-capable network card (`efaNetworkInterfaces`). Karpenter drops
   * the instance types whose cards do not fit the list, so every pool using the class must admit
   * only types of this layout; `efaLayoutOf(type)` gives a type's layout from the instance table.
   * Install the EFA device plugin (`EfaDevicePlugin`) so pods can request `vpc.amazonaws.com/efa`.
   * @default - no networkInterfaces (Karpenter's default ENA interface, or EFA interfaces it picks
   * when a pod requests `vpc.amazonaws.com/efa`)
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-acc-inst-types.html
   */
  readonly efa?: EfaLayout;
  /**
   * An existing EC2 placement group every instance of this class is launched into, by name or
   * by ID (`pg-...`). For EFA training use a `cluster` group: its instances share one
   * Availability Zone, so the pools' subnets must include that zone.
   * @default - none
   * @see https://karpenter.sh/docs/concepts/nodeclasses/#specplacementgroupselector
   */
  readonly placementGroup?: PlacementGroupRef;
  /**
   * The On-Demand Capacity Reservations and Capacity Blocks nodes of this class may launch into
   * (any of the selectors). A NodePool uses them only with `reserved` in its capacity types.
   * @default - none: the class launches no reserved capacity
   * @see https://karpenter.sh/docs/tasks/odcrs/
   */
  readonly capacityReservations?: readonly CapacityReservationSelector[];
  /**
   * User data for the nodes (`spec.userData`): with AL2023 a MIME multi-part document whose parts
   * may include a NodeConfig (nodeadm) and shell scripts; Karpenter merges its own NodeConfig
   * into it. For a node bootstrap step, such as mounting a dataset or tuning the kernel.
   * @default - none (Karpenter's own bootstrap only)
   * @see https://karpenter.sh/docs/concepts/nodeclasses/#specuserdata
   */
  readonly userData?: string;
  /**
   * Further EC2NodeClass spec fields, deep-merged over the module's (objects merge, lists
   * replace; `blockDeviceMappings` are added after the root volume): `amiSelectorTerms` of a
   * hardened AMI (with `amiFamily`, instead of `amiAlias`), extra block devices,
   * `associatePublicIPAddress`, `detailedMonitoring`, `metadataOptions.httpEndpoint`, ... The
   * result is checked against the CRD like the rest. Fields the module writes from a typed prop
   * (role, selector terms, tags, kubelet, userData, ...) and the IMDSv2 settings are refused.
   * @default {}
   */
  readonly spec?: Readonly<Record<string, unknown>>;
}

/** An EC2 placement group, by name or by ID: exactly one of the two. */
export type PlacementGroupRef = { readonly name: string; readonly id?: undefined } | { readonly id: string; readonly name?: undefined };

/** gp3 performance this module provisions unless told otherwise (see docs/startup-latency.md). */
export const GP3_DEFAULTS = { iops: 6000, throughputMiBps: 500 } as const;

/**
 * The EC2NodeClass a GPU pool launches with, typed by the CRD of the pinned Karpenter chart
 * (`.gen/karpenter/`). On top of
 * the seed spec it always sets: encrypted EBS, IMDSv2 required with hop limit 1 (pods cannot
 * reach the node's credentials), the discovery tag on everything it launches, and (gp3) IOPS
 * and throughput above the baseline for faster image pulls.
 */
export function buildGpuNodeClass(props: GpuNodeClassProps): EC2NodeClass {
  const v = props.rootVolume ?? {};
  const type = v.type ?? "gp3";
  // Faster image pulls by default on gp3; other types keep what the user sets.
  const iops = v.iops ?? (type === "gp3" ? GP3_DEFAULTS.iops : undefined);
  const throughput = v.throughputMiBps ?? (type === "gp3" ? GP3_DEFAULTS.throughputMiBps : undefined);
  const discovery = { [DISCOVERY_TAG_KEY]: props.clusterName };
  const termsOf = (ids: readonly string[] | undefined) => (ids === undefined ? tagTerms(props.clusterName) : idTerms(ids));
  const built: EC2NodeClass = {
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    metadata: { name: props.name },
    spec: {
      role: props.roleName,
      amiFamily: "AL2023",
      amiSelectorTerms: [{ alias: props.amiAlias ?? "al2023@latest" }],
      subnetSelectorTerms: termsOf(props.subnetIds) as EC2NodeClass["spec"]["subnetSelectorTerms"],
      securityGroupSelectorTerms: termsOf(props.securityGroupIds) as EC2NodeClass["spec"]["securityGroupSelectorTerms"],
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: `${v.sizeGiB ?? 200}Gi`,
            volumeType: type,
            ...(iops !== undefined ? { iops } : {}),
            ...(throughput !== undefined ? { throughput } : {}),
            // Encrypted at rest always; deleted with the node so nothing is left billing.
            encrypted: true,
            ...(v.kmsKeyId !== undefined ? { kmsKeyID: v.kmsKeyId } : {}),
            deleteOnTermination: true,
          },
        },
      ],
      // IMDSv2 only, and one hop: containers on the pod network cannot reach instance credentials.
      metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
      ...(props.instanceStorePolicy ? { instanceStorePolicy: props.instanceStorePolicy } : {}),
      ...(props.kubelet ? { kubelet: structuredClone(props.kubelet) } : {}),
      ...(props.efa ? { networkInterfaces: efaNetworkInterfaces(props.efa) } : {}),
      ...(props.placementGroup ? { placementGroupSelector: props.placementGroup.name !== undefined ? { name: props.placementGroup.name } : { id: props.placementGroup.id } } : {}),
      ...(props.capacityReservations?.length
        ? {
            capacityReservationSelectorTerms: props.capacityReservations.map((t) => ({
              ...(t.id !== undefined ? { id: t.id } : {}),
              ...(t.tags !== undefined ? { tags: { ...t.tags } } : {}),
              ...(t.ownerId !== undefined ? { ownerID: t.ownerId } : {}),
            })),
          }
        : {}),
      tags: { ...props.tags, ...discovery },
      ...(props.userData !== undefined ? { userData: props.userData } : {}),
    },
  };
  return withNodeClassSpec(built, props.spec);
}

/** The built EC2NodeClass with the `spec` escape hatch merged in (see `GpuNodeClassProps.spec`). */
export function withNodeClassSpec(built: EC2NodeClass, extra: Readonly<Record<string, unknown>> | undefined): EC2NodeClass {
  if (!extra) return built;
  const { blockDeviceMappings: devices, ...rest } = extra;
  const spec = mergeValues(built.spec as unknown as Record<string, unknown>, rest);
  if (Array.isArray(devices)) spec.blockDeviceMappings = [...(built.spec.blockDeviceMappings ?? []), ...devices];
  return { ...built, spec: spec as unknown as EC2NodeClass["spec"] };
}

/** The root volume props behind the fields of the EBS block, e.g. `throughput` → `rootVolume.throughputMiBps`. */
const EBS_PROPS: Readonly<Record<string, string>> = {
  volumeSize: "sizeGiB",
  volumeType: "type",
  iops: "iops",
  throughput: "throughputMiBps",
  kmsKeyID: "kmsKeyId",
};

/**
 * Which prop a field of the built EC2NodeClass comes from, e.g. `spec.tags["team"]` → `tags["team"]`,
 * `spec.blockDeviceMappings[0].ebs.iops` → `rootVolume.iops`, a field the `spec` escape hatch
 * (`hatch`) set → `spec.<field>`; undefined for fields the module sets itself.
 */
export function nodeClassPropOf(field: FieldPath, hatch?: Readonly<Record<string, unknown>>): FieldPath | undefined {
  const [a, b, c, d, e] = field;
  if (a === "spec" && hatch && typeof b === "string" && b in hatch) {
    // The hatch's block devices come after the root volume.
    return b === "blockDeviceMappings" && typeof c === "number" ? (c === 0 ? ["rootVolume"] : ["spec", b, c - 1, ...field.slice(3)]) : field;
  }
  if (a === "metadata" && b === "name") return ["name"];
  if (a !== "spec") return undefined;
  switch (b) {
    case "role":
      return ["roleName"];
    case "userData":
      return ["userData"];
    case "amiSelectorTerms":
      return ["amiAlias"];
    case "subnetSelectorTerms":
    case "securityGroupSelectorTerms":
      // The discovery tag's value is the cluster name; ids come from the props of the same name.
      if (d === "id" && typeof c === "number") return [b === "subnetSelectorTerms" ? "subnetIds" : "securityGroupIds", c];
      return typeof d === "string" && d === "tags" ? ["clusterName"] : undefined;
    case "blockDeviceMappings":
      return c === 0 && d === "ebs" && typeof e === "string" && EBS_PROPS[e] ? ["rootVolume", EBS_PROPS[e]] : c === 0 && d === undefined ? ["rootVolume"] : undefined;
    case "instanceStorePolicy":
      return ["instanceStorePolicy"];
    case "kubelet":
      return field.slice(1);
    case "networkInterfaces":
      return ["efa"];
    case "placementGroupSelector":
      return ["placementGroup", ...field.slice(2)];
    case "capacityReservationSelectorTerms":
      // `ownerID` in the CRD is the prop `ownerId`.
      return typeof c === "number" ? ["capacityReservations", c, ...(d === "ownerID" ? ["ownerId", ...field.slice(4)] : field.slice(3))] : ["capacityReservations"];
    case "tags":
      return c === DISCOVERY_TAG_KEY ? ["clusterName"] : field.slice(1);
    default:
      return undefined;
  }
}
