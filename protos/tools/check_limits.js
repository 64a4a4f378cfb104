// Every repeated field a client can send has a documented limit (issue 6,
// "every answer fits"): walks the API as buf builds it (a JSON image with
// comments, on stdin) from each RPC's request through every field a client
// may set — not OUTPUT_ONLY, not of a google.* type — and fails naming each
// repeated field whose comment states no bound ("at most N", "1..N",
// "exactly", "each … at most once", "one per …"). Services enforce the
// bound; this keeps the contract saying what it is.
// Usage: buf build protos -o -#format=json | node protos/tools/check_limits.js
'use strict';

const image = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const kBound = /at most [0-9]|\b[0-9][0-9,]*\.\.[0-9]|exactly|at most once|one per /i;

const messages = new Map();  // full name → {message, comments: Map(fieldName → text)}
function addMessages(file, list, prefix, path) {
  (list || []).forEach((message, i) => {
    const name = `${prefix}.${message.name}`;
    const here = path.concat([i]);
    messages.set(name, {message, file, path: here});
    addMessages(file, message.nestedType, name, here.concat([3]));
  });
}
for (const file of image.file) {
  addMessages(file, file.messageType, `.${file.package}`, [4]);
}

function commentOf(file, path) {
  const key = path.join(',');
  for (const location of (file.sourceCodeInfo || {}).location || []) {
    if ((location.path || []).join(',') === key) {
      return `${location.leadingComments || ''} ${location.trailingComments || ''}`;
    }
  }
  return '';
}

function isOutputOnly(field) {
  const behaviors = ((field.options || {})['[google.api.field_behavior]']) || [];
  return behaviors.includes('OUTPUT_ONLY');
}

const problems = [];
const seen = new Set();
function walk(typeName, trail) {
  if (seen.has(typeName) || !typeName.startsWith('.kaoping.')) {
    return;
  }
  seen.add(typeName);
  const entry = messages.get(typeName);
  if (!entry) {
    return;
  }
  (entry.message.field || []).forEach((field, i) => {
    if (isOutputOnly(field)) {
      return;
    }
    const where = `${trail}.${field.name}`;
    if (field.label === 'LABEL_REPEATED') {
      const comment = commentOf(entry.file, entry.path.concat([2, i]));
      if (!kBound.test(comment)) {
        problems.push(`${typeName.slice(1)}.${field.name} (reached as ${where}): no limit stated`);
      }
    }
    if (field.type === 'TYPE_MESSAGE') {
      walk(field.typeName, where);
    }
  });
}

for (const file of image.file) {
  for (const service of file.service || []) {
    for (const method of service.method || []) {
      walk(method.inputType, `${service.name}.${method.name}`);
    }
  }
}

if (problems.length > 0) {
  console.error('check_limits: repeated fields a client sends must state their limit:');
  for (const problem of problems) {
    console.error(`  ${problem}`);
  }
  process.exit(1);
}
