/**
 * docs/deploy.md against the code: its generated blocks (the deploy policies, the endpoints, the
 * charts) are what `npm run gen` writes, and what it says by hand about chart repositories still
 * holds. The deploy policy map itself: well-formed actions, and no write on `Resource: "*"`.
 * (Whether the map covers every block type of every stack is checked in security.test.ts, on the
 * synthesized examples and 100 generated configurations.)
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DEPLOY_PERMISSIONS, DEPLOY_STACKS, deployPolicyDocument, resourceArns, type DeployGrant } from "../../modules/aws/deploy-policy.js";
import * as api from "../../modules/index.js";
import { awsEndpointOf, controllerServices, DEPLOY_DOC, generatedBlocks, PLACEHOLDER_SCOPE, withGeneratedBlocks } from "../../scripts/gen-deploy-doc.js";
import { newApp } from "../helpers.js";

const doc = readFileSync(DEPLOY_DOC, "utf8");

describe("docs/deploy.md", () => {
  it("has the generated blocks `npm run gen` writes from the code (run it after changing the deploy policy map, the charts or the providers)", () => {
    const blocks = generatedBlocks(newApp());
    assert.deepEqual(Object.keys(blocks), ["policies", "endpoints", "charts"]);
    const expected = withGeneratedBlocks(doc, blocks);
    const differing = Object.keys(blocks).filter((name) => {
      const block = (text: string) => text.slice(text.indexOf(`<!-- generated:${name} `), text.indexOf(`<!-- /generated:${name} -->`));
      return block(expected) !== block(doc);
    });
    assert.deepEqual(differing, [], "generated blocks that differ from what npm run gen writes");
    assert.ok(expected === doc);
  });

  it("names every chart repository the package installs from, and the policy of every stack", () => {
    const repositories = Object.entries(api).filter(([name]) => name.endsWith("_CHART_REPOSITORY"));
    assert.ok(repositories.length >= 3, repositories.map(([n]) => n).join(", "));
    assert.deepEqual(repositories.filter(([, url]) => !doc.includes(`\`${url as string}\``)).map(([name]) => name), []);
    for (const stack of ["aws", "charts", "nodepools"]) assert.ok(doc.includes(`#### \`<cluster>-${stack}\``), stack);
  });

  it("links from the README's prerequisites and usage", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = (title: string) => readme.slice(readme.indexOf(`\n## ${title}\n`), readme.indexOf("\n## ", readme.indexOf(`\n## ${title}\n`) + 1));
    for (const title of ["Prerequisites", "Usage"]) assert.match(section(title), /\]\(docs\/deploy\.md\)/, title);
  });

  it("knows the endpoint of every AWS service a stack or the controller calls", () => {
    const services = [...new Set([...DEPLOY_STACKS.flatMap((stack) => deployPolicyDocument(stack, PLACEHOLDER_SCOPE).Statement.flatMap((s) => s.Action.map((a) => a.split(":")[0]))), ...controllerServices()])];
    assert.ok(services.includes("eks") && services.includes("pricing"), services.join(", "));
    for (const service of services) assert.match(awsEndpointOf(service), /^[a-z0-9.-]+(\.REGION)?\.amazonaws\.com$/, service);
    assert.throws(() => awsEndpointOf("lambda"), /no endpoint known for AWS service "lambda"/);
  });
});

describe("the deploy policy map", () => {
  const grants = Object.entries(DEPLOY_PERMISSIONS).flatMap(([type, p]) => p.grants.map((g): [string, DeployGrant] => [type, g]));

  it("names actions as service:Action, and gives every type with no grant a reason", () => {
    for (const [type, g] of grants) for (const action of g.actions) assert.match(action, /^[a-z0-9-]+:[A-Z][A-Za-z]+$/, `${type}: ${action}`);
    for (const [type, p] of Object.entries(DEPLOY_PERMISSIONS)) {
      assert.match(type, /^(resource|data|ephemeral)\.[a-z0-9_]+$/, type);
      if (p.grants.length === 0) assert.ok(p.note, `${type} has no grant and no note saying why`);
    }
  });

  it("grants on Resource \"*\" only reads, and every write on named resources", () => {
    const isRead = (action: string) => /:(Describe|Get|List)/.test(action);
    const wide = grants.filter(([, g]) => resourceArns(g.on, PLACEHOLDER_SCOPE).includes("*")).flatMap(([type, g]) => g.actions.filter((a) => !isRead(a)).map((a) => `${type}: ${a}`));
    assert.deepEqual(wide, []);
    for (const stack of DEPLOY_STACKS) {
      for (const st of deployPolicyDocument(stack, PLACEHOLDER_SCOPE).Statement) if (st.Resource.includes("*")) assert.deepEqual(st.Action.filter((a) => !isRead(a)), [], `${stack}: ${st.Sid}`);
    }
  });

  it("refuses two grants of one statement on different resources (they would be merged into a wider one)", () => {
    const type = "resource.aws_sqs_queue";
    const original = DEPLOY_PERMISSIONS[type];
    const permissions = DEPLOY_PERMISSIONS as Record<string, typeof original>;
    permissions[type] = { ...original, grants: [...original.grants, { sid: "ManageInterruptionQueue", actions: ["sqs:DeleteQueue"], on: "any" }] };
    try {
      assert.throws(() => deployPolicyDocument("aws", PLACEHOLDER_SCOPE), /grants of ManageInterruptionQueue name different resources or conditions \(resource\.aws_sqs_queue/);
    } finally {
      permissions[type] = original;
    }
  });
});
