// Validates every manifest under deploy/k8s against the Kubernetes API schemas (kubernetes-models: the OpenAPI
// schemas of the API server, checked with ajv) and lints the Dockerfile at the repository root
// (dockerfile-utils, the Dockerfile language server's checks). Run from anywhere: `node deploy/validate/validate.mjs`.
// Prints one JSON object on stdout: every object validated and its containers' command lines (the xunit test
// checks those against the CLI); problems go to stderr, one line each, and the exit code is 1.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { validate as lintDockerfile } from "dockerfile-utils";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const problems = [];
const objects = [];

function yamlFiles(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}

// apiVersion "batch/v1" -> kubernetes-models/batch/v1/Job; "v1" (the core group) -> kubernetes-models/v1/Service.
async function modelOf(apiVersion, kind) {
  const mod = await import(`kubernetes-models/${apiVersion}/${kind}`).catch(() => null);
  return mod?.[kind] ?? null;
}

// A typo in a field name (parallelizm) passes the schemas, which allow unknown fields; the API server then
// rejects it (kubectl's strict field validation) or drops it. Every key of a manifest must be a field that some
// Kubernetes type declares (read from the models' type declarations), except inside free-form maps.
const freeForm = new Set(["labels", "annotations", "matchLabels", "nodeSelector", "requests", "limits", "data", "stringData"]);
function knownFields() {
  const modules = join(root, "deploy", "validate", "node_modules");
  const names = new Set();
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith(".d.ts")) for (const m of readFileSync(p, "utf8").matchAll(/^\s*"?([A-Za-z$][\w$-]*)"?\??:/gm)) names.add(m[1]);
    }
  };
  walk(join(modules, "kubernetes-models"));
  walk(join(modules, "@kubernetes-models", "apimachinery")); // ObjectMeta, LabelSelector
  return names;
}
const fields = knownFields();
function unknownKeys(value, path, out, parentKey = "") {
  if (Array.isArray(value)) value.forEach((v, i) => unknownKeys(v, `${path}/${i}`, out, parentKey));
  else if (value && typeof value === "object") {
    // a Service's selector is a free-form map too; a workload's selector is a LabelSelector
    if (freeForm.has(parentKey) || (parentKey === "selector" && !("matchLabels" in value) && !("matchExpressions" in value))) return;
    for (const [k, v] of Object.entries(value)) {
      if (!fields.has(k)) out.push(`${path}/${k}`);
      unknownKeys(v, `${path}/${k}`, out, k);
    }
  }
}

function containersOf(obj) {
  const pod = obj.kind === "Pod" ? obj.spec : obj.spec?.template?.spec;
  return (pod?.containers ?? []).map((c) => ({ name: c.name, image: c.image, command: c.command ?? [], args: c.args ?? [] }));
}

const manifests = yamlFiles(join(root, "deploy", "k8s"));
if (manifests.length === 0) problems.push("deploy/k8s: no manifests found");
for (const file of manifests) {
  const rel = relative(root, file);
  const docs = parseAllDocuments(readFileSync(file, "utf8"), { prettyErrors: true });
  for (const [i, doc] of docs.entries()) {
    const where = `${rel} (document ${i + 1})`;
    for (const e of doc.errors) problems.push(`${where}: YAML: ${e.message.split("\n")[0]}`);
    for (const w of doc.warnings) problems.push(`${where}: YAML: ${w.message.split("\n")[0]}`);
    if (doc.errors.length) continue;
    const obj = doc.toJS();
    if (obj == null) continue;
    const { apiVersion, kind } = obj;
    const name = obj.metadata?.name ?? "(no name)";
    const Model = apiVersion && kind ? await modelOf(apiVersion, kind) : null;
    if (!Model) {
      problems.push(`${where}: unknown API object apiVersion=${apiVersion} kind=${kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      const details = (e.errors ?? []).map((x) => `${x.instancePath || "/"} ${x.message}`).join("; ");
      problems.push(`${where}: ${kind} ${name}: ${details || e.message}`);
      continue;
    }
    const unknown = [];
    unknownKeys(obj, "", unknown);
    for (const u of unknown) problems.push(`${where}: ${kind} ${name}: unknown field ${u}`);
    objects.push({ file: rel, kind, name, containers: containersOf(obj) });
  }
}

const dockerfile = join(root, "Dockerfile");
let dockerfileDiagnostics = 0;
try {
  const text = readFileSync(dockerfile, "utf8");
  for (const d of lintDockerfile(text)) {
    dockerfileDiagnostics++;
    // severity 1 = error, 2 = warning: both fail, a warning here is a real mistake (e.g. a missing flag value).
    problems.push(`Dockerfile:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`);
  }
} catch (e) {
  problems.push(`Dockerfile: ${e.message}`);
}

for (const p of problems) console.error(p);
console.log(JSON.stringify({ valid: problems.length === 0, objects, dockerfileDiagnostics, problems }, null, 2));
process.exit(problems.length === 0 ? 0 : 1);
