/**
 * The configuration file as untrusted input: every problem in one run, each named by its key,
 * never a stack trace, and files that are too large, too deep or shaped to reach JavaScript
 * internals refused before anything reads them.
 */
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadConfigFile, parseConfig } from "../../modules/config/parse.js";
import { ConfigError, MAX_LISTED_PROBLEMS } from "../../modules/config/problems.js";
import { configInput, configProblems, runApp, tempDir } from "../helpers.js";

const dir = tempDir("safety-");

const problemsOf = (input: unknown) => configProblems(() => parseConfig(input));

const ARN_70 = `arn:aws:iam::111122223333:role/${"r".repeat(70)}`;
const requirementsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `example.com/label-${i}`, operator: "Exists" as const }));

describe("one round: every problem of a file, from every layer, in one run", () => {
  it("reports a type error, a field rule, a cross-reference, a chart value the module owns, a count, a name inside an ARN, a tag rule and a pool that cannot launch together", () => {
    const problems = problemsOf({
      ...configInput(),
      region: 5,
      nodeRole: { existingRoleArn: ARN_70 },
      karpenter: { additionalValues: { affinity: {} } },
      tags: { "aws:team": "gpu" },
      nodePools: [
        { name: "a", nodeClass: "gpu-nodeclass", limits: { cpu: 100 }, taints: [{ key: "sku", effect: "NoSchedul" }] },
        { name: "b", nodeClass: "missing", limits: { cpu: 100 } },
        { name: "c", nodeClass: "gpu-nodeclass", limits: { cpu: 100 }, requirements: requirementsOf(96) },
        { name: "d", nodeClass: "gpu-nodeclass", limits: { cpu: 100 }, requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g4ad"] }] },
      ],
    });
    assert.deepEqual(problems.map((p) => p.slice(0, p.indexOf(": "))), [
      "region",
      "nodeRole.existingRoleArn",
      "nodePools[0].taints[0].effect",
      "nodePools[2].requirements",
      "karpenter.additionalValues.affinity",
      "tags.aws:team",
      "nodePools[1].nodeClass",
      "nodePools[3].requirements[0]",
    ]);
    assert.match(problems[1], /names a role of 70 characters, but IAM role names are limited to 64/);
    assert.match(problems[3], /must list at most 95 requirements \(Karpenter allows 100 and the module sets 5\)/);
    assert.match(problems[4], /is set by the module: it would replace the chart's default affinity/);
    assert.match(problems[7], /g4ad.* leaves pool d no instance type to launch/);
  });

  it("refuses chart values the module sets from other keys, naming the key to use", () => {
    assert.deepEqual(problemsOf(configInput({
      karpenter: { additionalValues: { settings: { clusterName: "other", interruptionQueue: "q" }, serviceAccount: { name: "x" }, controller: { resources: {} } } },
      gpuOperator: { additionalValues: { driver: { enabled: true } } },
    })), [
      "karpenter.additionalValues.settings.clusterName: is set by the module: set clusterName instead",
      "karpenter.additionalValues.settings.interruptionQueue: is set by the module: set interruptionQueue.name instead",
      "karpenter.additionalValues.serviceAccount.name: is set by the module: set controller.serviceAccount instead (the IAM trust names it)",
      "karpenter.additionalValues.controller.resources: is set by the module: set karpenter.controllerResources instead",
      "gpuOperator.additionalValues.driver.enabled: is set by the module: set gpuOperator.installDriver instead",
    ]);
  });

  it("refuses more than 50 disruption budgets (the CRD's limit)", () => {
    const budgets = Array.from({ length: 51 }, () => ({ nodes: "1" }));
    assert.deepEqual(problemsOf(configInput({ nodePools: [{ name: "a", nodeClass: "gpu-nodeclass", limits: { cpu: 100 }, disruption: { budgets } }] })), [
      "nodePools[0].disruption.budgets: must list at most 50 budgets (the NodePool CRD's limit)",
    ]);
  });

  it("caps the listed problems and counts the rest", () => {
    const err = (() => {
      try {
        parseConfig(configInput({ tags: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`aws:k${i}`, "v"])) }));
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    assert.equal(err.problems.length, 61, "60 reserved keys and the count over 50");
    const lines = err.message.split("\n").slice(1);
    assert.equal(lines.length, MAX_LISTED_PROBLEMS + 1);
    assert.equal(lines.at(-1), "  ... and 11 more problems");
  });
});

describe("input that once slipped through to a broken plan or a stack trace (review of the one-round work)", () => {
  it("refuses cdktf token markers in any text, which the synthesizer would read as references", () => {
    assert.deepEqual(problemsOf(configInput({ karpenter: { additionalValues: { podAnnotations: { x: "${TfToken[TOKEN.1]}" } } }, gpuOperator: { additionalValues: { ["#{TfToken[TOKEN.2]}"]: 1 } } })), [
      'karpenter.additionalValues.podAnnotations.x: contains "TfToken[", which the CDKTF synthesizer reads as a reference to a Terraform value; configuration text never refers to one',
      'gpuOperator.additionalValues.#{TfToken[TOKEN.2]}: contains "TfToken[", which the CDKTF synthesizer reads as a reference to a Terraform value; configuration text never refers to one',
    ]);
  });

  it("refuses a null or scalar parent of a value the module sets, and a controller.env that is not a list of named entries", () => {
    assert.deepEqual(problemsOf(configInput({ karpenter: { additionalValues: { settings: null, controller: { env: [null, { value: "x" }] } } } })), [
      "karpenter.additionalValues.settings: must be an object (got null): the module sets clusterName inside it",
      'karpenter.additionalValues.controller.env[0]: must be an env entry with a name, such as {name: GOMEMLIMIT, value: "900MiB"} (got null)',
      'karpenter.additionalValues.controller.env[1]: must be an env entry with a name, such as {name: GOMEMLIMIT, value: "900MiB"} (got {"value":"x"})',
    ]);
    assert.deepEqual(problemsOf(configInput({ karpenter: { additionalValues: { controller: { env: { A: "b" } } } } })), [
      'karpenter.additionalValues.controller.env: must be a list of {name, value} entries (got {"A":"b"}); the chart puts it in the container\'s env list',
    ]);
  });

  it("refuses additional node policy names that cannot be Terraform addresses", () => {
    const arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    assert.deepEqual(problemsOf(configInput({ nodeRole: { additionalPolicyArns: { "a/b": arn, "": arn } } })).map((p) => p.replace(/:.*/, "")), ["nodeRole.additionalPolicyArns.a/b", "nodeRole.additionalPolicyArns."]);
  });

  it("checks node classes against the CRD in the same run as a problem elsewhere", () => {
    const problems = problemsOf(configInput({ region: "nowhere", nodeClasses: [{ name: "gpu-nodeclass", kubelet: { imageGCHighThresholdPercent: 50, imageGCLowThresholdPercent: 70 } }] }));
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.match(problems[0], /^region: /);
    assert.match(problems[1], /^nodeClasses\[0\]\.kubelet.*imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent/);
  });

  it("checks Terraform Cloud settings instead of escaping them (backend blocks are not templates)", () => {
    assert.deepEqual(problemsOf(configInput({ terraformCloud: { organization: "acme", workspacePrefix: "k-", project: "${x}", hostname: "%{if true}h%{endif}" } })).map((p) => p.replace(/: must.*/, "")), [
      "terraformCloud.project",
      "terraformCloud.hostname",
    ]);
  });
});

describe("tags follow AWS's rules (they land on IAM roles and instance profiles too)", () => {
  it("refuses reserved, long, empty and out-of-charset keys and values, and more than 50 tags", () => {
    assert.deepEqual(problemsOf(configInput({ tags: { "aws:cost": "a", ["k".repeat(129)]: "a", team: "v".repeat(257), owner: "${file(\"/etc/hostname\")}", empty: "" } })), [
      'tags.aws:cost: must not start with "aws:", which AWS reserves (got "aws:cost") (these tags also go on every GPU instance)',
      `tags.${"k".repeat(129)}: must be a tag key of 1 to 128 characters (got "${"k".repeat(60)}"... (129 characters)) (these tags also go on every GPU instance)`,
      `tags.team: must be a tag value of 1 to 256 characters (got "${"v".repeat(60)}"... (257 characters))`,
      'tags.owner: must use only letters, digits, spaces and _ . : / = + - @ in a tag value (got "${file(\\"/etc/hostname\\")}")',
      'tags.empty: must be a tag value of 1 to 256 characters (got "", 0)',
    ]);
    assert.deepEqual(problemsOf(configInput({ nodeClasses: [{ name: "gpu-nodeclass", tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) }] })), [
      "nodeClasses[0].tags: has 51 tags; AWS allows at most 50 on a resource",
    ]);
  });

  it("counts every tag an instance gets: global, the class's own, the discovery tag and Karpenter's six", () => {
    const tags = (n: number, prefix: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "v"]));
    // 30 + 13 + discovery + 6 = 50: fits.
    assert.deepEqual(problemsOf(configInput({ tags: tags(30, "g"), nodeClasses: [{ name: "gpu-nodeclass", tags: tags(13, "c") }] })), []);
    assert.deepEqual(problemsOf(configInput({ tags: tags(30, "g"), nodeClasses: [{ name: "gpu-nodeclass", tags: tags(14, "c") }] })), [
      "nodeClasses[0].tags: with the global tags, this node class gives each instance 51 tags (45 of the node class, 6 that Karpenter adds); EC2 allows at most 50 on a resource, so every launch would fail: remove 1",
    ]);
    assert.deepEqual(problemsOf(configInput({ tags: tags(46, "g") })), [
      'tags: node class "gpu-nodeclass" (nodeClasses[0]) gives each instance 53 tags (47 of the node class, 6 that Karpenter adds); EC2 allows at most 50 on a resource, so every launch would fail: remove 3',
    ]);
    // A key the class repeats from the global tags counts once.
    assert.deepEqual(problemsOf(configInput({ tags: tags(30, "g"), nodeClasses: [{ name: "gpu-nodeclass", tags: { ...tags(13, "c"), g0: "override" } }] })), []);
  });

  it("accepts the common set, non-ASCII letters included", () => {
    assert.deepEqual(problemsOf(configInput({ tags: { "cost-center": "ML/GPU @ Zürich: team=a+b_c.d" } })), []);
  });
});

describe("identifiers follow AWS's and HCP Terraform's rules", () => {
  it("refuses OIDC provider and policy ARNs that are not of their service's form, ${} inside included", () => {
    const irsa = (oidcProviderArn: string) => configInput({ controller: { identity: "irsa", oidcProviderArn } });
    assert.deepEqual(problemsOf(irsa("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF")), []);
    assert.deepEqual(problemsOf({ ...irsa("arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"), region: "cn-north-1" }), []);
    for (const arn of ["arn:aws:iam::111122223333:oidc-provider/${var.x}", "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", "arn:awsx:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"]) {
      assert.match(problemsOf(irsa(arn))[0] ?? "(accepted)", /^controller\.oidcProviderArn: must be an IAM OIDC provider ARN/, arn);
    }
    assert.deepEqual(problemsOf(configInput({ nodeRole: { permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/team/boundary" } })), []);
    assert.match(problemsOf(configInput({ nodeRole: { permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/${file(\"x\")}" } }))[0], /^nodeRole\.permissionsBoundaryArn: must be an IAM policy ARN/);
  });

  it("takes capacity reservation IDs as EC2 writes them, and reservation tags within EC2's lengths", () => {
    const classWith = (capacityReservations: unknown) => configInput({ nodeClasses: [{ name: "gpu-nodeclass", capacityReservations } as never] });
    assert.deepEqual(problemsOf(classWith([{ id: "cr-0123456789abcdef0" }])), []);
    assert.deepEqual(problemsOf(classWith([{ id: "cr-123" }])), ['nodeClasses[0].capacityReservations[0].id: must be a capacity reservation ID such as "cr-0123456789abcdef0" (cr- and 17 hexadecimal digits) (got "cr-123")']);
    assert.deepEqual(problemsOf(classWith([{ tags: { [`k${"x".repeat(128)}`]: "v", team: "v".repeat(257) } }])), [
      `nodeClasses[0].capacityReservations[0].tags.k${"x".repeat(128)}: must be a tag key of at most 128 characters (got 129)`,
      "nodeClasses[0].capacityReservations[0].tags.team: must be a tag value of at most 256 characters (got 257)",
    ]);
  });

  it("refuses a workspace prefix that makes a workspace name longer than HCP Terraform's 90 characters", () => {
    const cloud = (workspacePrefix: string) => configInput({ terraformCloud: { organization: "acme", workspacePrefix } });
    // "prod-cluster-nodepools" is 22 characters: a prefix of 68 fits, 69 does not.
    assert.deepEqual(problemsOf(cloud("p".repeat(68))), []);
    assert.match(problemsOf(cloud("p".repeat(69)))[0], /^terraformCloud\.workspacePrefix: makes a workspace name of 91 characters .*HCP Terraform allows at most 90: shorten the prefix to at most 68 characters$/);
  });
});

describe("the file is read safely", () => {
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const loadProblems = (path: string) => configProblems(() => loadConfigFile(path));

  it("refuses a file larger than 1 MiB, and a device that never ends", () => {
    assert.deepEqual(loadProblems(write("big.yaml", `# ${"x".repeat(1024 * 1024)}\n`)), ["cannot read the file: it is larger than 1024 KiB; a karpenter-gpu configuration is a few KiB"]);
    assert.deepEqual(loadProblems("/dev/zero"), ["cannot read the file: it is larger than 1024 KiB; a karpenter-gpu configuration is a few KiB"]);
  });

  it("refuses nesting deeper than 32 levels, naming where", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 700; i++) deep = { a: deep };
    const [problem, ...rest] = loadProblems(write("deep.json", JSON.stringify(configInput({ karpenter: { additionalValues: { deep } } }))));
    assert.equal(rest.length, 0);
    assert.match(problem, /^karpenter\.additionalValues\.deep(\.a){30}: nested deeper than 32 levels; a karpenter-gpu configuration never needs that$/);
  });

  it("refuses __proto__, constructor and prototype keys instead of dropping them", () => {
    const file = write("proto.json", `{"clusterName": "prod-cluster", "__proto__": {"region": "us-west-2"}, "karpenter": {"additionalValues": {"constructor": 1}}}`);
    assert.deepEqual(loadProblems(file), ['__proto__: the key "__proto__" is not allowed', 'karpenter.additionalValues.constructor: the key "constructor" is not allowed']);
    assert.deepEqual(loadProblems(write("proto.yaml", "prototype: 1\n")), ['prototype: the key "prototype" is not allowed']);
  });

  it("quotes at most 80 characters of a value, with its length", () => {
    const long = `x${"y".repeat(4999)}`;
    const problems = problemsOf(
      configInput({
        clusterName: long,
        region: long.slice(0, 100),
        nodePools: [{ name: "p", nodeClass: long, limits: { cpu: 100 }, requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] }, { key: `example.com/${long}`, operator: "Exists" }] }],
      }),
    );
    assert.ok(problems.length >= 4, problems.join("\n"));
    for (const p of problems) assert.ok(p.length < 400, `${p.length} characters: ${p.slice(0, 200)}`);
    assert.ok(problems.some((p) => p.startsWith("clusterName: ") && p.includes(`(got "x${"y".repeat(59)}"... (5000 characters))`)), problems.join("\n"));
  });

  it("refuses limits no quota reaches", () => {
    assert.deepEqual(problemsOf(configInput({ nodePools: [{ name: "a", nodeClass: "gpu-nodeclass", limits: { cpu: 1e21 } }] })), [
      "nodePools[0].limits.cpu: must be at most 1000000 vCPUs (got 1e+21): a cap no EC2 quota reaches caps nothing",
    ]);
    assert.deepEqual(loadProblems(write("inf.yaml", "nodePools: [{limits: {cpu: .inf}}]\n")).filter((p) => p.startsWith("nodePools[0].limits")), [
      "nodePools[0].limits.cpu: must be a positive number (vCPUs) (got Infinity)",
    ]);
  });

  it("treats KARPENTER_GPU_CONFIG set but empty as a mistake, not as the built-in example", () => {
    const run = runApp({ KARPENTER_GPU_CONFIG: "" });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, "Invalid karpenter-gpu configuration (KARPENTER_GPU_CONFIG):\n  - is set but empty: name a YAML or JSON file, or unset it to use the built-in example\n");
    rmSync(run.outdir, { recursive: true, force: true });
  });
});

describe("no stack trace for a user's mistake: the app reports these as config errors", () => {
  const cases: [string, unknown, RegExp][] = [
    ["more than 95 requirements", configInput({ nodePools: [{ name: "a", nodeClass: "gpu-nodeclass", limits: { cpu: 100 }, requirements: requirementsOf(101) }] }), /nodePools\[0\]\.requirements: must list at most 95/],
    ["more than 50 budgets", configInput({ nodePools: [{ name: "a", nodeClass: "gpu-nodeclass", limits: { cpu: 100 }, disruption: { budgets: Array.from({ length: 51 }, () => ({ nodes: "1" })) } }] }), /nodePools\[0\]\.disruption\.budgets: must list at most 50/],
    ["a 70-character role name inside existingRoleArn", configInput({ nodeRole: { existingRoleArn: ARN_70 } }), /nodeRole\.existingRoleArn: names a role of 70 characters/],
    ["additionalValues.affinity", configInput({ karpenter: { additionalValues: { affinity: {} } } }), /karpenter\.additionalValues\.affinity: is set by the module/],
    ["deep additionalValues", configInput({ gpuOperator: { additionalValues: JSON.parse(`${'{"a":'.repeat(700)}1${"}".repeat(700)}`) } }), /gpuOperator\.additionalValues(\.a)+: nested deeper than 32 levels/],
  ];
  for (const [name, config, expected] of cases) {
    it(name, () => {
      const file = join(dir, `${name.replace(/\W+/g, "-")}.json`);
      writeFileSync(file, JSON.stringify(config));
      const run = runApp({ KARPENTER_GPU_CONFIG: file });
      rmSync(run.outdir, { recursive: true, force: true });
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, /^Invalid karpenter-gpu configuration /);
      assert.match(run.stderr, expected);
      assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    });
  }
});
