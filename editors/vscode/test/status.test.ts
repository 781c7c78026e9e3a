// The status-bar texts for each server state.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { statusView } from '../src/status';

test('status texts follow the server state, progress and entity count', () => {
  const cases: Array<[Parameters<typeof statusView>[0], string, boolean]> = [
    [{ state: 'starting' }, '$(sync~spin) accord: starting', false],
    [{ state: 'running', indexing: 0 }, '$(sync~spin) accord: indexing 0%', false],
    [{ state: 'running', indexing: 42.6, entities: 3 }, '$(sync~spin) accord: indexing 43%', false],
    [{ state: 'running', indexing: 140 }, '$(sync~spin) accord: indexing 100%', false],
    [{ state: 'running', entities: 57 }, '$(check) accord: 57 entities', false],
    [{ state: 'running', entities: 1 }, '$(check) accord: 1 entity', false],
    [{ state: 'running' }, '$(check) accord', false],
    [{ state: 'stopped', entities: 5 }, '$(debug-stop) accord: stopped', true],
    [{ state: 'missing' }, '$(error) accord: no server', true],
  ];
  for (const [model, text, error] of cases) {
    const view = statusView(model);
    assert.equal(view.text, text, JSON.stringify(model));
    assert.equal(view.error, error, JSON.stringify(model));
    // A click restarts a server that is not there; otherwise it shows the entity index.
    assert.equal(view.command, error ? 'accord.restartServer' : 'accord.openEntityIndex', JSON.stringify(model));
  }
});
