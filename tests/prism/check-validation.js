// Checks that Prism really validates every JSON request body of a spec.
//
// Prism skips validation silently when a body's schema fails to compile, so a spec can look
// fine and check nothing. This sends a number as the body of every operation whose JSON body
// is an object, through Prism's own validator, and fails unless each one is refused.
//
//   node tests/prism/check-validation.js target/prism/xapi-20.0.10.prism.yaml
'use strict';

const { getHttpOperationsFromSpec } = require('@stoplight/prism-cli/dist/operations');
const { validateInput } = require('@stoplight/prism-http/dist/validator');

function isObjectSchema(schema) {
  return Boolean(schema) && (schema.type === 'object' || 'allOf' in schema || 'properties' in schema);
}

async function main(specPath) {
  const operations = await getHttpOperationsFromSpec(specPath);
  let checked = 0;
  const unchecked = [];
  for (const operation of operations) {
    const contents = (operation.request && operation.request.body && operation.request.body.contents) || [];
    const json = contents.find(content => content.mediaType === 'application/json');
    if (!json || !isObjectSchema(json.schema)) continue;

    const element = {
      method: operation.method,
      url: { path: operation.path.replace(/\{[^}]*\}/g, '1') },
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: 12345,
    };
    const result = validateInput({ resource: operation, element });
    const refused = result._tag === 'Left' && result.left.some(violation => violation.path[0] === 'body');
    if (refused) checked += 1;
    else unchecked.push(`${operation.method.toUpperCase()} ${operation.path}`);
  }

  console.log(`prism validates ${checked} of ${checked + unchecked.length} JSON request bodies`);
  if (unchecked.length > 0) {
    for (const operation of unchecked) console.error(`not validated: ${operation}`);
    process.exitCode = 1;
  }
}

if (process.argv.length !== 3) {
  console.error('usage: node tests/prism/check-validation.js DERIVED_SPEC');
  process.exit(2);
}
main(process.argv[2]).catch(error => {
  console.error(error);
  process.exit(1);
});
