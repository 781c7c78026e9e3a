// The semantic-token contributions against the legend the server sends (src/ide/mod.rs).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { packageJson, readRepoFile, rustNames, type Json } from './repo';

/** Token types VS Code knows without a contribution. */
const STANDARD_TYPES = new Set([
  'namespace', 'class', 'enum', 'interface', 'struct', 'typeParameter', 'type', 'parameter', 'variable',
  'property', 'enumMember', 'decorator', 'event', 'function', 'method', 'macro', 'label', 'comment',
  'string', 'keyword', 'number', 'regexp', 'operator',
]);
const STANDARD_MODIFIERS = new Set([
  'declaration', 'definition', 'readonly', 'static', 'deprecated', 'abstract', 'async', 'modification',
  'documentation', 'defaultLibrary',
]);
const ENTITY_TYPES = ['org', 'person', 'place', 'agreement', 'event', 'date', 'money', 'percent'];

const legendSource = () => readRepoFile('src/ide/mod.rs');
const contributes = (): Json => packageJson().contributes;

test('every non-standard token type of the server legend is contributed, and nothing else', () => {
  const serverTypes = rustNames(legendSource(), 'TokenType');
  assert.ok(serverTypes.length >= ENTITY_TYPES.length, 'legend not found in src/ide/mod.rs');
  const contributed = (contributes().semanticTokenTypes as Json[]).map((t) => t.id as string);
  assert.deepEqual([...contributed].sort(), serverTypes.filter((t) => !STANDARD_TYPES.has(t)).sort());
  for (const type of contributes().semanticTokenTypes as Json[]) {
    assert.ok(STANDARD_TYPES.has(type.superType), `${type.id} has no standard super type`);
  }
});

test('every token modifier of the server legend is contributed', () => {
  const serverModifiers = rustNames(legendSource(), 'TokenModifier');
  assert.ok(serverModifiers.length > 0, 'modifiers not found in src/ide/mod.rs');
  const contributed = (contributes().semanticTokenModifiers as Json[]).map((m) => m.id as string);
  assert.deepEqual([...contributed].sort(), serverModifiers.filter((m) => !STANDARD_MODIFIERS.has(m)).sort());
});

test('every server token type maps to TextMate scopes, and entity types to distinct ones', () => {
  const serverTypes = rustNames(legendSource(), 'TokenType');
  const entries = contributes().semanticTokenScopes as Json[];
  const scopes = entries.find((entry) => entry.language === 'article').scopes as Record<string, string[]>;
  assert.deepEqual(Object.keys(scopes).sort(), [...serverTypes].sort());
  // The end-to-end test checks that a real theme colours these scopes apart.
  const first = ENTITY_TYPES.map((type) => scopes[type][0]);
  assert.equal(new Set(first).size, ENTITY_TYPES.length, first.join(', '));
  for (const type of ENTITY_TYPES) {
    assert.ok(scopes[type][0].endsWith('.article'), `${type}: scope ${scopes[type][0]} is not the language's own`);
  }
});

test('semantic highlighting is on by default for article files', () => {
  assert.equal(contributes().configurationDefaults['[article]']['editor.semanticHighlighting.enabled'], true);
});
