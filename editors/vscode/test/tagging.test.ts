// Tagging a selection: the replacement text and the offsets it replaces.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ENTITY_TYPES, tagEdit } from '../src/tagging';
import { readRepoFile } from './repo';

test('the quick pick offers the eight types of the default schema', () => {
  const types = ENTITY_TYPES.map((entry) => entry.type);
  assert.deepEqual(types, ['org', 'person', 'place', 'agreement', 'event', 'date', 'money', 'percent']);
  // The same names are the server's entity token types.
  const legend = readRepoFile('src/ide/mod.rs');
  for (const type of types) {
    assert.ok(legend.includes(`=> "${type}"`), type);
  }
});

test('selections are wrapped, blanks around them stay outside', () => {
  const cases: Array<[string, string, { start: number; end: number; replacement: string }]> = [
    ['Seoul', 'place', { start: 0, end: 5, replacement: '[Seoul]{place}' }],
    [' Yeo Han-koo  ', 'person', { start: 1, end: 12, replacement: '[Yeo Han-koo]{person}' }],
    ['[Korea]{place}–[UK]{place} FTA', 'agreement', { start: 0, end: 30, replacement: '[[Korea]{place}–[UK]{place} FTA]{agreement}' }],
    ['USD 4.8 billion\t', 'money', { start: 0, end: 15, replacement: '[USD 4.8 billion]{money}' }],
  ];
  for (const [selected, type, expected] of cases) {
    assert.deepEqual(tagEdit(selected, type), expected, selected);
  }
});

test('empty, multi-line and badly typed selections are refused', () => {
  for (const [selected, type, message] of [
    ['', 'org', /select/],
    ['  \t', 'org', /select/],
    ['Korea\nJapan', 'place', /one line/],
    ['Korea\r\nJapan', 'place', /one line/],
    ['Korea', 'Place', /not a type name/],
    ['Korea', '', /not a type name/],
  ] as const) {
    const result = tagEdit(selected, type);
    assert.ok('error' in result, JSON.stringify(selected));
    assert.match(result.error, message);
  }
});
