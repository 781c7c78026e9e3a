// The commands, views and menus package.json contributes against what the extension's
// sources register, so that a renamed command or view cannot leave a dead entry behind.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXTENSION_DIR, packageJson, type Json } from './repo';

const sources = (): string =>
  fs
    .readdirSync(path.join(EXTENSION_DIR, 'src'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => fs.readFileSync(path.join(EXTENSION_DIR, 'src', name), 'utf8'))
    .join('\n');

test('every contributed command is registered, and every registered command contributed', () => {
  const contributed = (packageJson().contributes.commands as Json[]).map((c) => c.command as string).sort();
  const registered = [...sources().matchAll(/registerCommand\(\s*'([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(contributed, registered);
});

test('menus name contributed commands only', () => {
  const contributes = packageJson().contributes;
  const commands = new Set((contributes.commands as Json[]).map((c) => c.command as string));
  for (const [menu, entries] of Object.entries(contributes.menus as Record<string, Json[]>)) {
    for (const entry of entries) {
      assert.ok(commands.has(entry.command), `${menu}: ${entry.command}`);
    }
  }
  const context = (contributes.menus['editor/context'] as Json[]).map((e) => e.command as string);
  assert.ok(context.includes('accord.showEntityTimeline'));
});

test('the timeline view is contributed under the id the extension creates it with', () => {
  const contributes = packageJson().contributes;
  const view = (contributes.views.explorer as Json[]).find((v) => v.id === 'accordEntityTimeline');
  assert.equal(view?.name, 'accord: Entity Timeline');
  assert.match(sources(), /TIMELINE_VIEW = 'accordEntityTimeline'/);
  // The view shows where the extension runs: it sets the context key its `when` names.
  assert.equal(view.when, 'accord.active');
  assert.match(sources(), /'setContext', 'accord\.active', true/);
  const welcome = (contributes.viewsWelcome as Json[]).find((w) => w.view === view.id);
  assert.match(welcome.contents, /command:accord\.showEntityTimeline/);
});
