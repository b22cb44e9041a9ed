/**
 * The EFA device plugin's image comes from the cluster's own region and partition (the chart's
 * default is us-west-2's registry); a private mirror can be named; an unknown region is a warning.
 * modules/charts/efa-device-plugin.ts, modules/core/registries.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { EfaDevicePlugin } from "../../modules/charts/efa-device-plugin.js";
import { eksAddonRegistryFor } from "../../modules/core/registries.js";
import { errorOf, ofType, synthStack } from "../helpers.js";

const TAINT = { key: "efa", effect: "NoSchedule" as const };

function plugin(props: Partial<ConstructorParameters<typeof EfaDevicePlugin>[2]>) {
  let p: EfaDevicePlugin | undefined;
  const s = synthStack((stack) => (p = new EfaDevicePlugin(stack, "efa", { efaNodeTaints: [TAINT], ...props })));
  const values = parse((Object.values(ofType(s.resource, "helm_release"))[0].values as string[])[0]);
  return { values, warnings: p!.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data)) };
}

describe("EFA device plugin image", () => {
  it("is pulled from the region's EKS registry, in China and GovCloud too", () => {
    assert.equal(plugin({ region: "eu-west-1" }).values.image.repository, "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/aws-efa-k8s-device-plugin");
    assert.equal(plugin({ region: "cn-north-1" }).values.image.repository, "918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn/eks/aws-efa-k8s-device-plugin");
    assert.equal(plugin({ region: "us-gov-west-1" }).values.image.repository, "013241004608.dkr.ecr.us-gov-west-1.amazonaws.com/eks/aws-efa-k8s-device-plugin");
    assert.equal(eksAddonRegistryFor("af-south-1"), "877085696533.dkr.ecr.af-south-1.amazonaws.com");
  });

  it("takes a private mirror, keeps the chart's default without a region, and warns for a region it does not know", () => {
    assert.equal(plugin({ region: "eu-west-1", imageRepository: "registry.example.com/efa" }).values.image.repository, "registry.example.com/efa");
    assert.equal(plugin({}).values.image, undefined);
    const unknown = plugin({ region: "xx-nowhere-1" });
    assert.equal(unknown.values.image, undefined);
    assert.match(unknown.warnings[0], /^no EKS add-on image registry is known for region xx-nowhere-1: .*set imageRepository/);
  });

  it("refuses additionalValues that change the image it derives, naming the prop to use", () => {
    const error = errorOf(() => plugin({ region: "eu-west-1", additionalValues: { image: { repository: "other/efa" } } }));
    assert.match(error, /additionalValues\.image\.repository: would change a value the module sets \("602401143452\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/eks\/aws-efa-k8s-device-plugin"\) to "other\/efa": set the imageRepository prop instead/);
  });
});
