// Reading the server's entity timeline and describing its entries for the tree view.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { entryDescription, entryTooltip, fileName, parseTimeline, timelineSummary } from '../src/timeline';

const range = (line: number) => ({ start: { line, character: 4 }, end: { line, character: 9 } });

const RESULT = [
  { uri: 'file:///ws/news/first%20week.article', range: range(1), title: 'Ministers Meet in Busan', date: '2025-11-03', mentions: 3 },
  { uri: 'file:///ws/wire.article', range: range(7), title: '  Talks Resume  ', date: '2026-01-20', mentions: 1 },
  { uri: 'file:///ws/news/first%20week.article', range: range(12), title: 'Undated Note', date: null, mentions: 2 },
  { uri: 'file:///ws/x.article', range: { start: { line: -1, character: 0 }, end: { line: 0, character: 1 } }, title: 'bad range' },
  { range: range(0), title: 'no uri' },
  { uri: 'file:///ws/y.article', range: range(0), title: '', date: '2026-1-5', mentions: 'many' },
  'not an entry',
  null,
];

test('entries keep the server order; broken ones are skipped and missing fields defaulted', () => {
  const entries = parseTimeline(RESULT);
  assert.deepEqual(
    entries.map((e) => [e.title, e.date, e.mentions, e.range.start.line]),
    [
      ['Ministers Meet in Busan', '2025-11-03', 3, 1],
      ['Talks Resume', '2026-01-20', 1, 7],
      ['Undated Note', undefined, 2, 12],
      ['(untitled article)', undefined, 0, 0],
    ],
  );
  assert.deepEqual(parseTimeline(null), []);
  assert.deepEqual(parseTimeline({ entries: [] }), []);
});

test('descriptions give the date or undated and the count', () => {
  const [first, second, third] = parseTimeline(RESULT);
  assert.equal(entryDescription(first), '2025-11-03 · 3 mentions');
  assert.equal(entryDescription(second), '2026-01-20 · 1 mention');
  assert.equal(entryDescription(third), 'undated · 2 mentions');
});

test('tooltips name the file and line; the summary counts articles and files', () => {
  const entries = parseTimeline(RESULT);
  assert.equal(fileName(entries[0].uri), 'first week.article');
  assert.equal(entryTooltip(entries[0]), 'Ministers Meet in Busan\nfirst week.article:2 · 2025-11-03 · 3 mentions');
  assert.equal(timelineSummary(entries.slice(0, 3)), '3 articles in 2 files, oldest first');
  assert.equal(timelineSummary(entries.slice(0, 1)), '1 article in 1 file, oldest first');
});
