/**
 * Where Amazon EKS add-on images live in each region: the regional ECR registry of the EKS
 * account there. Images of charts such as aws-efa-k8s-device-plugin default to us-west-2's,
 * which a node in China or GovCloud cannot pull, and a node behind regional-only ECR endpoints
 * pulls only from its own region.
 *
 * Source: Amazon EKS User Guide, "View Amazon container image registries for Amazon EKS add-ons"
 * (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-images.html), as listed in
 * aws-ia/terraform-aws-eks-blueprints-addons main.tf (`amazon_container_image_registry_uris`).
 * A region missing here gets no override (see `eksAddonRegistryFor`).
 */
const EKS_REGISTRY_ACCOUNTS: Readonly<Record<string, string>> = {
  "af-south-1": "877085696533",
  "ap-east-1": "800184023465",
  "ap-northeast-1": "602401143452",
  "ap-northeast-2": "602401143452",
  "ap-northeast-3": "602401143452",
  "ap-south-1": "602401143452",
  "ap-south-2": "900889452093",
  "ap-southeast-1": "602401143452",
  "ap-southeast-2": "602401143452",
  "ap-southeast-3": "296578399912",
  "ap-southeast-4": "491585149902",
  "ca-central-1": "602401143452",
  "cn-north-1": "918309763551",
  "cn-northwest-1": "961992271922",
  "eu-central-1": "602401143452",
  "eu-central-2": "900612956339",
  "eu-north-1": "602401143452",
  "eu-south-1": "590381155156",
  "eu-south-2": "455263428931",
  "eu-west-1": "602401143452",
  "eu-west-2": "602401143452",
  "eu-west-3": "602401143452",
  "me-central-1": "759879836304",
  "me-south-1": "558608220178",
  "sa-east-1": "602401143452",
  "us-east-1": "602401143452",
  "us-east-2": "602401143452",
  "us-gov-east-1": "151742754352",
  "us-gov-west-1": "013241004608",
  "us-west-1": "602401143452",
  "us-west-2": "602401143452",
};

/** The EKS add-on image registry of `region` (e.g. `602401143452.dkr.ecr.eu-west-1.amazonaws.com`), or undefined when the table does not know the region. */
export function eksAddonRegistryFor(region: string): string | undefined {
  const account = Object.hasOwn(EKS_REGISTRY_ACCOUNTS, region) ? EKS_REGISTRY_ACCOUNTS[region] : undefined;
  return account && `${account}.dkr.ecr.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}
