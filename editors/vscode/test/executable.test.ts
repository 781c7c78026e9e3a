// Giving the shipped server its executable bit back when the package was unpacked without it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isExecutable, makeExecutable } from '../src/executable';
import { bundledServerPath, findServer } from '../src/serverPath';

/** An extension folder whose shipped server has the given mode. */
function extensionWithServer(mode: number): { extensionPath: string; server: string } {
  const extensionPath = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-ext-'));
  const server = bundledServerPath(extensionPath, 'linux');
  fs.mkdirSync(path.dirname(server));
  fs.writeFileSync(server, '#!/bin/sh\n');
  // chmod, not writeFileSync's mode, which the umask would narrow.
  fs.chmodSync(server, mode);
  return { extensionPath, server };
}

const permissions = (file: string) => fs.statSync(file).mode & 0o777;

test('a shipped server without its executable bit gets it back, and is then found', () => {
  const { extensionPath, server } = extensionWithServer(0o644);
  assert.equal(isExecutable(server), false);
  assert.equal(makeExecutable(server, 'linux'), true);
  assert.equal(permissions(server), 0o755);
  assert.deepEqual(
    findServer({ configured: '', extensionPath, workspaceFolder: undefined, envPath: '', platform: 'linux', isExecutable }),
    { command: server, source: 'bundled' },
  );
});

test('only the classes that may read the server may run it', () => {
  const { server } = extensionWithServer(0o600);
  assert.equal(makeExecutable(server, 'linux'), true);
  assert.equal(permissions(server), 0o700);
});

test('an executable server, a missing one, a folder and windows are left alone', () => {
  const { extensionPath, server } = extensionWithServer(0o750);
  assert.equal(makeExecutable(server, 'linux'), false);
  assert.equal(permissions(server), 0o750);
  assert.equal(makeExecutable(path.join(extensionPath, 'server', 'missing'), 'linux'), false);
  assert.equal(makeExecutable(path.dirname(server), 'linux'), false);
  fs.chmodSync(server, 0o644);
  assert.equal(makeExecutable(server, 'win32'), false);
  assert.equal(permissions(server), 0o644);
});
