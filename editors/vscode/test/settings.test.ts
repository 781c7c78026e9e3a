// The settings in package.json against the server's settings contract and diagnostic
// codes, and the mapping from VS Code settings to the object sent to the server.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CLIENT_SETTING_KEYS, SERVER_SETTING_KEYS, SEVERITY_LEVELS, toServerSettings } from '../src/settings';
import { packageJson, readRepoFile, rustNames, type Json } from './repo';

const properties = (): Record<string, Json> => packageJson().contributes.configuration.properties as Record<string, Json>;

/** The diagnostic codes the server knows, from the table in src/diagnostic.rs. */
function serverDiagnosticCodes(): string[] {
  const source = readRepoFile('src/diagnostic.rs');
  const table = source.slice(source.indexOf('diagnostic_codes! {'));
  return [...table.matchAll(/^\s*\w+ = "([a-z0-9-]+)", \w+, "/gm)].map((m) => m[1]);
}

test('package.json contributes exactly the contract settings', () => {
  const expected = [...SERVER_SETTING_KEYS, ...CLIENT_SETTING_KEYS].map((key) => `accord.${key}`).sort();
  assert.deepEqual(Object.keys(properties()).sort(), expected);
});

test('the server reads every setting the extension sends, at the same path', () => {
  const file = readRepoFile('src/lsp/settings.rs');
  // The reading code, without its tests' paths.
  const testsStart = file.indexOf('#[cfg(test)]');
  const source = testsStart >= 0 ? file.slice(0, testsStart) : file;
  const pointers = [...source.matchAll(/"(\/[A-Za-z]+\/[A-Za-z]+)"/g)].map((m) => m[1]);
  const sent = SERVER_SETTING_KEYS.map((key) => `/${key.replace(/\./g, '/')}`);
  assert.deepEqual([...new Set(pointers)].sort(), [...sent].sort());
});

test('each setting has the type the server reads', () => {
  const types: Record<string, string> = {
    'accord.server.path': 'string',
    'accord.trace.server': 'string',
    'accord.diagnostics.severity': 'object',
    'accord.inlayHints.dates': 'boolean',
    'accord.inlayHints.acronyms': 'boolean',
    'accord.files.include': 'array',
    'accord.files.exclude': 'array',
    'accord.codeLens.enabled': 'boolean',
    'accord.readingMode': 'boolean',
    'accord.cache.location': 'string',
  };
  for (const [key, type] of Object.entries(types)) {
    assert.equal(properties()[key].type, type, key);
  }
  assert.equal(properties()['accord.files.include'].items.type, 'string');
  assert.equal(properties()['accord.files.exclude'].items.type, 'string');
  assert.deepEqual(properties()['accord.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.deepEqual(properties()['accord.cache.location'].enum, ['platform', 'workspace', 'off']);
  // Lenses and reading mode are on unless turned off.
  assert.equal(properties()['accord.codeLens.enabled'].default, true);
  assert.equal(properties()['accord.readingMode'].default, true);
});

test('severity settings name every diagnostic code of the server and its levels', () => {
  const codes = serverDiagnosticCodes();
  assert.ok(codes.length >= 20, `found only ${codes.length} codes in src/diagnostic.rs`);
  const severity = properties()['accord.diagnostics.severity'];
  assert.deepEqual([...severity.propertyNames.enum].sort(), [...codes].sort());
  const serverLevels = rustNames(readRepoFile('src/diagnostic.rs'), 'Severity');
  assert.deepEqual([...new Set(serverLevels)].sort(), ['error', 'hint', 'info', 'warning']);
  assert.deepEqual(severity.additionalProperties.enum, [...SEVERITY_LEVELS]);
  assert.deepEqual([...SEVERITY_LEVELS].sort(), [...new Set([...serverLevels, 'off'])].sort());
});

/** A reader over a flat map of settings, as `WorkspaceConfiguration.get` answers. */
const reader = (values: Record<string, unknown>) => (key: string) => values[key];

test('the contract example maps to itself', () => {
  const contract = {
    diagnostics: { severity: { 'unknown-ref': 'error', 'missing-date': 'off' } },
    inlayHints: { dates: true, acronyms: false },
    files: { include: ['**/*.txt'], exclude: ['drafts/**'] },
    codeLens: { enabled: false },
  };
  const settings = toServerSettings(
    reader({
      'diagnostics.severity': contract.diagnostics.severity,
      'inlayHints.dates': true,
      'inlayHints.acronyms': false,
      'files.include': ['**/*.txt'],
      'files.exclude': ['drafts/**'],
      'codeLens.enabled': false,
      'server.path': '/opt/accord',
      readingMode: false,
      'trace.server': 'verbose',
    }),
  );
  assert.deepEqual(settings, contract);
});

test('client-only and unset settings are not sent', () => {
  assert.deepEqual(toServerSettings(reader({ 'server.path': '/x', 'trace.server': 'off', readingMode: true })), {});
  assert.deepEqual(toServerSettings(reader({ 'files.include': [], 'diagnostics.severity': {} })), {});
});

test('values of the wrong shape are dropped, the rest kept', () => {
  const cases: Array<[Record<string, unknown>, unknown]> = [
    [{ 'diagnostics.severity': { 'unknown-ref': 'loud', 'missing-date': 'hint' } }, { diagnostics: { severity: { 'missing-date': 'hint' } } }],
    [{ 'diagnostics.severity': ['error'] }, {}],
    [{ 'diagnostics.severity': 'error' }, {}],
    [{ 'inlayHints.dates': 'yes', 'inlayHints.acronyms': true }, { inlayHints: { acronyms: true } }],
    [{ 'files.include': ['*.txt', 3, ''], 'files.exclude': 'drafts/**' }, { files: { include: ['*.txt'] } }],
    [{ 'files.exclude': ['tmp/**'] }, { files: { exclude: ['tmp/**'] } }],
    [{ 'codeLens.enabled': 'no' }, {}],
    [{ 'codeLens.enabled': true }, { codeLens: { enabled: true } }],
    [{ 'cache.location': 'home' }, {}],
    [{ 'cache.location': 'workspace' }, { cache: { location: 'workspace' } }],
  ];
  for (const [values, expected] of cases) {
    assert.deepEqual(toServerSettings(reader(values)), expected, JSON.stringify(values));
  }
});
