// Finding tag markup in semantic tokens: decoding with the legend's modifier bit, applying
// deltas as LSP specifies them, and merging range results.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  DocumentMarkup,
  TAG_SYNTAX_MODIFIER,
  applyTokensEdits,
  modifierBit,
  rangesWithModifier,
  replaceLines,
  type LineRange,
} from '../src/tagMarkup';

const LEGEND = { tokenModifiers: ['tagged', 'recognized', 'unresolved', 'tagSyntax'] };
const MARKUP = 8;
const TAGGED = 1;

/** Absolute tokens `[line, start, length, type, modifiers]` as the relative data LSP sends. */
function encode(tokens: Array<[number, number, number, number, number]>): number[] {
  const data: number[] = [];
  let line = 0;
  let start = 0;
  for (const [l, s, length, type, modifiers] of tokens) {
    data.push(l - line, l === line ? s - start : s, length, type, modifiers);
    line = l;
    start = s;
  }
  return data;
}

// `[Korea]{place ref=south-korea} met` on line 0 and `[EU]{place}` at column 4 of line 2:
// brackets, type, attribute name and value carry the markup modifier, the span does not.
const TOKENS: Array<[number, number, number, number, number]> = [
  [0, 0, 1, 8, MARKUP],
  [0, 1, 5, 2, TAGGED],
  [0, 6, 2, 8, MARKUP],
  [0, 8, 5, 9, MARKUP],
  [0, 13, 1, 8, MARKUP],
  [0, 14, 3, 10, MARKUP],
  [0, 17, 1, 8, MARKUP],
  [0, 18, 11, 11, MARKUP],
  [0, 29, 1, 8, MARKUP],
  [2, 4, 1, 8, MARKUP],
  [2, 5, 2, 2, TAGGED],
  [2, 7, 2, 8, MARKUP],
  [2, 9, 5, 9, MARKUP | TAGGED],
  [2, 14, 1, 8, MARKUP],
];

test('the modifier bit comes from the legend, and is 0 when the legend lacks it', () => {
  assert.equal(modifierBit(LEGEND, TAG_SYNTAX_MODIFIER), MARKUP);
  assert.equal(modifierBit({ tokenModifiers: ['tagSyntax'] }, TAG_SYNTAX_MODIFIER), 1);
  assert.equal(modifierBit({ tokenModifiers: ['tagged'] }, TAG_SYNTAX_MODIFIER), 0);
  assert.equal(modifierBit(undefined, TAG_SYNTAX_MODIFIER), 0);
  const many = Array.from({ length: 32 }, (_, i) => `m${i}`);
  assert.equal(modifierBit({ tokenModifiers: many }, 'm31'), 2 ** 31);
});

test('markup ranges are the tokens with the modifier, joined where adjacent', () => {
  assert.deepEqual(rangesWithModifier(encode(TOKENS), MARKUP), [
    { line: 0, start: 0, end: 1 },
    { line: 0, start: 6, end: 30 },
    { line: 2, start: 4, end: 5 },
    { line: 2, start: 7, end: 15 },
  ]);
  // Another bit finds other tokens: here the tagged spans (and one tag type marked both ways).
  assert.deepEqual(rangesWithModifier(encode(TOKENS), TAGGED), [
    { line: 0, start: 1, end: 6 },
    { line: 2, start: 5, end: 7 },
    { line: 2, start: 9, end: 14 },
  ]);
  assert.deepEqual(rangesWithModifier(encode(TOKENS), 0), []);
  assert.deepEqual(rangesWithModifier([], MARKUP), []);
});

test('the highest modifier bit is read as unsigned', () => {
  const high = 2 ** 31;
  assert.deepEqual(rangesWithModifier(Uint32Array.from(encode([[1, 2, 3, 0, high]])), high), [
    { line: 1, start: 2, end: 5 },
  ]);
});

test('a truncated last token and empty tokens are ignored', () => {
  const data = encode([[0, 0, 1, 8, MARKUP], [0, 3, 0, 8, MARKUP]]);
  assert.deepEqual(rangesWithModifier([...data, 0, 1, 1], MARKUP), [{ line: 0, start: 0, end: 1 }]);
});

/** A deterministic pseudo-random sequence, so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Edits that turn `from` into `to`: the differing middle, split into up to `pieces` edits. */
function diff(from: number[], to: number[], pieces: number, next: () => number) {
  let prefix = 0;
  while (prefix < from.length && prefix < to.length && from[prefix] === to[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < from.length - prefix &&
    suffix < to.length - prefix &&
    from[from.length - 1 - suffix] === to[to.length - 1 - suffix]
  )
    suffix++;
  const deleted = from.length - prefix - suffix;
  const inserted = to.slice(prefix, to.length - suffix);
  // Split the deleted stretch into pieces that each delete something, so that no two
  // edits start at the same place (the order of such edits would be ambiguous).
  const count = deleted >= pieces ? pieces : 1;
  const edits: Array<{ start: number; deleteCount: number; data?: Uint32Array }> = [];
  let at = prefix;
  let taken = 0;
  for (let piece = 0; piece < count; piece++) {
    const last = piece === count - 1;
    const left = deleted - (at - prefix);
    const del = last ? left : 1 + Math.floor(next() * (left - (count - piece - 1)));
    const ins = last ? inserted.length - taken : Math.floor(next() * (inserted.length - taken + 1));
    edits.push({
      start: at,
      deleteCount: del,
      data: ins > 0 ? Uint32Array.from(inserted.slice(taken, taken + ins)) : undefined,
    });
    at += del;
    taken += ins;
  }
  return edits;
}

test('deltas applied to the previous data give the new data, in any order of edits', () => {
  const next = random(7);
  for (let round = 0; round < 300; round++) {
    const from = Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 5));
    const to = Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 5));
    const edits = diff(from, to, 1 + Math.floor(next() * 3), next);
    const shuffled = next() < 0.5 ? edits : [...edits].reverse();
    assert.deepEqual([...applyTokensEdits(from, shuffled)!], to, `round ${round}: ${JSON.stringify({ from, to, edits })}`);
  }
});

test('a delta that does not fit the previous data is refused', () => {
  assert.equal(applyTokensEdits([1, 2, 3], [{ start: 2, deleteCount: 5 }]), undefined);
  assert.equal(applyTokensEdits([1, 2, 3], [{ start: 4, deleteCount: 0 }]), undefined);
  assert.equal(
    applyTokensEdits([1, 2, 3, 4], [
      { start: 0, deleteCount: 2 },
      { start: 1, deleteCount: 1 },
    ]),
    undefined,
  );
  assert.deepEqual([...applyTokensEdits([1, 2, 3], [])!], [1, 2, 3]);
});

test('a range result replaces the markup on its lines only', () => {
  const old: LineRange[] = [
    { line: 0, start: 0, end: 1 },
    { line: 3, start: 2, end: 4 },
    { line: 9, start: 0, end: 2 },
  ];
  const fresh: LineRange[] = [
    { line: 2, start: 5, end: 6 },
    { line: 4, start: 1, end: 2 },
    // Outside the requested lines: not taken.
    { line: 7, start: 0, end: 1 },
  ];
  assert.deepEqual(replaceLines(old, 2, 5, fresh), [
    { line: 0, start: 0, end: 1 },
    { line: 2, start: 5, end: 6 },
    { line: 4, start: 1, end: 2 },
    { line: 9, start: 0, end: 2 },
  ]);
});

test('a document follows full results, deltas against them, and range results', () => {
  const markup = new DocumentMarkup();
  markup.full(encode(TOKENS), '1', MARKUP);
  assert.equal(markup.ranges.length, 4);

  // The tag on line 2 moves one column right (a character typed before it).
  const moved = TOKENS.map(([l, s, n, t, m]): [number, number, number, number, number] => [l, l === 2 ? s + 1 : s, n, t, m]);
  const edits = diff(encode(TOKENS), encode(moved), 1, random(1));
  assert.ok(markup.edits('1', edits, '2', MARKUP));
  assert.deepEqual(markup.ranges.slice(2), [
    { line: 2, start: 5, end: 6 },
    { line: 2, start: 8, end: 16 },
  ]);

  // A delta against a result this document never had is not applied, and the ranges stay.
  assert.equal(markup.edits('0', edits, '3', MARKUP), false);
  assert.equal(markup.ranges.length, 4);
  assert.equal(markup.ranges[3].start, 8);

  // A delta against an older result that is still kept applies (the editor dropped a
  // later result, e.g. of a cancelled request, and kept the older one).
  assert.ok(markup.edits('1', [], '3', MARKUP));
  assert.deepEqual(markup.ranges.slice(2), [
    { line: 2, start: 4, end: 5 },
    { line: 2, start: 7, end: 15 },
  ]);
  // Only the most recent few results are kept.
  for (let id = 4; id < 10; id++) {
    assert.ok(markup.edits(String(id - 1), [], String(id), MARKUP));
  }
  assert.equal(markup.edits('1', [], '10', MARKUP), false);
  assert.ok(markup.edits('6', [], '10', MARKUP));

  markup.range(0, 0, encode([[0, 3, 2, 8, MARKUP]]), MARKUP);
  assert.deepEqual(markup.ranges[0], { line: 0, start: 3, end: 5 });
  assert.equal(markup.ranges.length, 3);

  markup.full(encode(TOKENS), '5', MARKUP);
  assert.ok(markup.edits('5', [], '6', MARKUP));
  assert.equal(markup.ranges.length, 4);
});
