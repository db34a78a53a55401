/**
 * The hand-written part of RULES.md that `npm run docs` keeps: what `amr check` understands of the Terraform
 * language in `.tf` inputs (src/rules/input/hcl/), and how it reports what it cannot know.
 */
export const TERRAFORM_LANGUAGE_SECTION = `## What \`amr check\` understands of Terraform

A folder of \`.tf\` (and \`.tf.json\`) files is one module, read as Terraform reads it before apply. Expressions are
parsed by HashiCorp's HCL parser (\`@cdktf/hcl2json\`) and evaluated for this subset:

- literals, strings and heredocs with \`\${…}\` interpolation and \`%{ if }\` directives; lists, maps and objects;
  arithmetic, comparison and logical operators; conditionals; index, attribute and splat (\`[*]\`) access; \`for\`
  expressions (with \`if\` and \`...\` grouping);
- \`var.x\`: the value from \`--var NAME=VALUE\` and \`--var-file FILE\` (in the order given, later wins), else
  \`*.auto.tfvars\` (lexical order), else \`terraform.tfvars\` beside the root module, else the variable's \`default\`,
  converted to its \`type\` (\`optional(type, default)\` attributes included); \`local.x\`; \`path.module\`;
  \`terraform.workspace\` ("default");
- functions: abs, alltrue, anytrue, can, ceil, chomp, chunklist, coalesce, coalescelist, compact, concat, contains,
  distinct, element, endswith, flatten, floor, format, formatlist, index, join, jsondecode, jsonencode, keys, length,
  lookup, lower, max, merge, min, nonsensitive, one, parseint, pow, range, replace, reverse, sensitive, setunion,
  signum, slice, sort, split, startswith, strcontains, strrev, substr, sum, title, tobool, tolist, tomap, tonumber,
  toset, tostring, trim, trimprefix, trimspace, trimsuffix, try, upper, values, zipmap;
- \`count\` and \`for_each\` (maps, sets of strings, objects): one resource per instance, addressed as Terraform does
  (\`type.name[0]\`, \`type.name["key"]\`), with \`count.index\`, \`each.key\` and \`each.value\`; \`count = 0\` or an
  empty \`for_each\` gives no resource;
- \`dynamic\` blocks (\`for_each\`, \`iterator\`, \`content\`, nested);
- local module calls (\`source = "./…"\` or \`"../…"\`), recursively, with \`count\`/\`for_each\`: inputs are evaluated in
  the caller, outputs are usable as \`module.x.name\`, and resources are addressed \`module.x.type.name\` (or
  \`module.x["key"].type.name\`) with the file and line of the module's own \`.tf\` file;
- references to another resource's configured arguments (\`azurerm_resource_group.rg.location\`, \`.name\`, per
  instance \`type.name[0].x\` / \`type.name["k"].x\`, also through module outputs): Terraform knows at plan time an
  argument the configuration sets to a known value, so the reference is that value.

**Unknown, never a silent pass.** A value Terraform knows only at apply, or that this subset does not cover, is
*unknown* and the finding names its expression: a computed resource attribute (\`id\`, or any argument the
configuration does not set or sets to an unknown value, written with its absolute address, e.g.
\`module.x.azurerm_managed_redis.this.id\`), a reference cycle, a data source, a variable with neither
value nor default (\`var.x\`), a function not listed above (\`timestamp()\`, \`file()\`, ...), or an expression Terraform
would reject. An unknown \`count\`/\`for_each\` keeps the resource as one instance addressed \`type.name[*]\`, whose
\`count.index\`/\`each\` are unknown, and which counts only as *maybe* referring to a cache (so it cannot satisfy
AMR-OBS-001 or AMR-SEC-003). An unknown \`for_each\` of a \`dynamic\` block makes that block unknown.

**Not checked, and said so.** A module call with a remote source (registry, git, http) is not read: the report lists
it under *Not checked* (text, Markdown), in \`notices\` and \`summary.notChecked\` (JSON), as a tool notification
(SARIF), a skipped test case (JUnit) and a \`::warning\` (GitHub); check the plan (\`terraform show -json\`) to cover it.

**Rejected like Terraform.** A resource, data source, variable, local value or module declared twice in a folder, a
local module source that is not a folder of \`.tf\` files, or a module that calls itself exits 2 with one line naming
the files and lines. An empty \`.tf\` file is valid.
`;
