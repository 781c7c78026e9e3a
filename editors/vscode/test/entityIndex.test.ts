// Reading and rendering the server's entity index.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseEntityIndex, renderEntityIndex } from '../src/entityIndex';

const result = [
  { key: 'motir', type: 'org', name: 'Ministry of Trade, Industry and Resources', mentions: 12, articles: 4 },
  { key: 'seoul', type: 'place', name: 'Seoul', mentions: 3, articles: 3 },
  { key: 'a|b', type: 'event', mentions: 3, articles: 1 },
  { type: 'org', name: 'no key' },
  'not an entity',
  null,
];

test('entries without a key or type are skipped, missing fields get defaults', () => {
  const entities = parseEntityIndex(result);
  assert.deepEqual(
    entities.map((e) => [e.key, e.name, e.mentions]),
    [
      ['motir', 'Ministry of Trade, Industry and Resources', 12],
      ['seoul', 'Seoul', 3],
      ['a|b', 'a|b', 3],
    ],
  );
  assert.deepEqual(parseEntityIndex({ entities: [] }), []);
  assert.deepEqual(parseEntityIndex(null), []);
});

test('the rendered table lists the most mentioned first and escapes pipes', () => {
  const lines = renderEntityIndex(parseEntityIndex(result)).trimEnd().split('\n');
  assert.equal(lines[0], '# Entity index (3 entities)');
  assert.equal(lines.length, 4 + 3);
  assert.match(lines[4], /^\| Ministry of Trade, Industry and Resources \| org \| `motir` \| 12 \| 4 \|$/);
  // Equal counts: ordered by type, so the event comes before the place.
  assert.match(lines[5], /^\| a\\\|b \| event \|/);
  assert.match(lines[6], /^\| Seoul \| place \|/);
});
