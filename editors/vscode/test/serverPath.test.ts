// Finding the server binary: setting, bundled binary, PATH, and the errors otherwise.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findServer, isFound, notFoundMessage, resolveConfiguredPath, type ServerSearch } from '../src/serverPath';

/** A temporary tree with executables at the given relative paths and plain files elsewhere. */
function tree(executables: string[], plain: string[] = []): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-find-'));
  for (const [files, mode] of [[executables, 0o755], [plain, 0o644]] as const) {
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), '#!/bin/sh\n', { mode });
    }
  }
  return root;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function search(root: string, overrides: Partial<ServerSearch>): ServerSearch {
  return {
    configured: '',
    extensionPath: path.join(root, 'ext'),
    workspaceFolder: path.join(root, 'ws'),
    envPath: [path.join(root, 'bin1'), path.join(root, 'bin2')].join(':'),
    platform: 'linux',
    isExecutable,
    ...overrides,
  };
}

test('the setting wins over the bundled binary and PATH', () => {
  const root = tree(['custom/accord', 'ext/server/accord', 'bin1/accord']);
  const found = findServer(search(root, { configured: path.join(root, 'custom/accord') }));
  assert.deepEqual(found, { command: path.join(root, 'custom/accord'), source: 'setting' });
});

test('a relative setting is resolved against the workspace folder', () => {
  const root = tree(['ws/tools/accord']);
  const found = findServer(search(root, { configured: 'tools/accord' }));
  assert.deepEqual(found, { command: path.join(root, 'ws/tools/accord'), source: 'setting' });
  assert.equal(resolveConfiguredPath('~/bin/accord', undefined), path.join(os.homedir(), 'bin/accord'));
});

test('a setting that names no runnable file is an error, even when PATH has one', () => {
  const root = tree(['bin1/accord'], ['ws/accord']);
  for (const configured of ['missing/accord', 'accord']) {
    const found = findServer(search(root, { configured }));
    assert.ok(!isFound(found));
    assert.equal(found.badSetting, path.join(root, 'ws', configured));
    assert.match(notFoundMessage(found), /accord\.server\.path/);
  }
});

test('without a setting the bundled binary comes before PATH', () => {
  const root = tree(['ext/server/accord', 'bin2/accord']);
  assert.deepEqual(findServer(search(root, { configured: '  ' })), {
    command: path.join(root, 'ext/server/accord'),
    source: 'bundled',
  });
});

test('PATH is searched in order, skipping files that cannot be run', () => {
  const root = tree(['bin2/accord'], ['bin1/accord']);
  assert.deepEqual(findServer(search(root, {})), { command: path.join(root, 'bin2/accord'), source: 'path' });
});

test('windows looks for accord.exe with ; separators', () => {
  const root = tree(['bin2/accord.exe']);
  const envPath = [path.join(root, 'bin1'), path.join(root, 'bin2')].join(';');
  const found = findServer(search(root, { platform: 'win32', envPath, isExecutable: (f) => fs.existsSync(f) }));
  assert.deepEqual(found, { command: path.join(root, 'bin2/accord.exe'), source: 'path' });
});

test('nothing found lists every place looked at', () => {
  const root = tree([]);
  const found = findServer(search(root, { envPath: `${path.join(root, 'bin1')}::` }));
  assert.ok(!isFound(found));
  assert.deepEqual(found.tried, [path.join(root, 'ext/server/accord'), path.join(root, 'bin1/accord')]);
  assert.equal(found.badSetting, undefined);
  assert.match(notFoundMessage(found), /not found/);
});
