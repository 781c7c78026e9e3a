// The TextMate grammar, run by the same engine VS Code uses (vscode-textmate with the
// Oniguruma regex library), on lines shaped like docs/format.md §1–§2.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { EXTENSION_DIR, REPO_DIR } from './repo';

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: (scopeName: string) => {
      if (scopeName !== 'text.article') {
        return Promise.resolve(null);
      }
      const file = path.join(EXTENSION_DIR, 'syntaxes/article.tmLanguage.json');
      return Promise.resolve(textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file));
    },
  });
  const grammar = await registry.loadGrammar('text.article');
  assert.ok(grammar, 'grammar did not load');
  return grammar;
}

const grammarPromise = loadGrammar();

/** Every token of a document as [line, text, innermost scope], blanks left out. */
async function tokenize(text: string): Promise<Array<[number, string, string]>> {
  const grammar = await grammarPromise;
  let state = textmate.INITIAL;
  const out: Array<[number, string, string]> = [];
  text.split('\n').forEach((line, index) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const piece = line.slice(token.startIndex, token.endIndex);
      if (piece.trim() !== '') {
        out.push([index, piece, token.scopes[token.scopes.length - 1]]);
      }
    }
    state = result.ruleStack;
  });
  return out;
}

/** The scope of the first token with exactly this text on this line. */
function scopeOf(tokens: Array<[number, string, string]>, line: number, text: string): string | undefined {
  return tokens.find(([l, t]) => l === line && t === text)?.[2];
}

const DOCUMENT = [
  '-',
  '',
  'First [Title]{place} Line',
  'Body with [Seoul]{place ref=seoul note="a \\"quoted\\" note"} and \\[not a tag\\] words.',
  '[Photo News] Plain body text; date2026 in the middle is no marker. date2026-03-04',
  '-',
  '   -  ',
  'Second Title',
  '- Korea Herald',
  'date: 2026-03-05',
].join('\n');

test('separators, titles and date markers', async () => {
  const tokens = await tokenize(DOCUMENT);
  assert.equal(scopeOf(tokens, 0, '-'), 'punctuation.separator.article.article');
  assert.equal(scopeOf(tokens, 2, 'First '), 'markup.heading.title.article');
  assert.equal(scopeOf(tokens, 5, '-'), 'punctuation.separator.article.article');
  assert.equal(scopeOf(tokens, 6, '-'), 'punctuation.separator.article.article');
  assert.equal(scopeOf(tokens, 7, 'Second Title'), 'markup.heading.title.article');
  // A hyphen followed by text is body text, and the body is not a title.
  assert.equal(scopeOf(tokens, 8, '- Korea Herald'), 'text.article');
  assert.equal(scopeOf(tokens, 3, 'Body with '), 'text.article');
  assert.equal(scopeOf(tokens, 4, 'date'), 'keyword.other.date-marker.article');
  assert.equal(scopeOf(tokens, 4, '2026-03-04'), 'constant.numeric.date.article');
  assert.equal(scopeOf(tokens, 9, '2026-03-05'), 'constant.numeric.date.article');
  assert.ok(tokens.some(([l, t, s]) => l === 4 && t.includes('date2026 in the middle') && s === 'text.article'));
});

test('tags inside titles and bodies; plain brackets and escapes are not tags', async () => {
  const tokens = await tokenize(DOCUMENT);
  assert.equal(scopeOf(tokens, 2, '['), 'punctuation.definition.tag.begin.article');
  assert.equal(scopeOf(tokens, 2, 'place'), 'entity.name.tag.article');
  assert.equal(scopeOf(tokens, 3, 'place'), 'entity.name.tag.article');
  assert.equal(scopeOf(tokens, 3, 'ref'), 'entity.other.attribute-name.article');
  assert.equal(scopeOf(tokens, 3, 'seoul'), 'string.unquoted.attribute-value.article');
  assert.equal(scopeOf(tokens, 3, '"a \\"quoted\\" note"'), 'string.unquoted.attribute-value.article');
  assert.equal(scopeOf(tokens, 3, '}'), 'punctuation.definition.tag.end.article');
  assert.equal(scopeOf(tokens, 3, '\\['), 'constant.character.escape.article');
  assert.ok(tokens.some(([l, t, s]) => l === 4 && t.startsWith('[Photo News]') && s === 'text.article'));
});

test('a file without separators starts with its title, and the examples keep their titles', async () => {
  const tokens = await tokenize('Only Title\nBody.');
  assert.equal(scopeOf(tokens, 0, 'Only Title'), 'markup.heading.title.article');
  assert.equal(scopeOf(tokens, 1, 'Body.'), 'text.article');
  // Every article of the repository's examples has one title line per separator-delimited article.
  const examples = path.join(REPO_DIR, 'examples');
  for (const name of fs.readdirSync(examples).filter((f) => f.endsWith('.article'))) {
    const text = fs.readFileSync(path.join(examples, name), 'utf8').replace(/^\uFEFF/, '').replace(/\r/g, '');
    const articles = text.split(/^[ \t]*-[ \t]*$/m).filter((chunk) => chunk.trim() !== '').length;
    const titleLines = new Set((await tokenize(text)).filter(([, , s]) => s.startsWith('markup.heading')).map(([l]) => l));
    assert.equal(titleLines.size, articles, name);
  }
});
