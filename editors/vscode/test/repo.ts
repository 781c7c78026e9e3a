// Paths of the repository, found from the compiled test's folder, and the server's own
// source files the tests compare the extension against.
import * as fs from 'node:fs';
import * as path from 'node:path';

function findUp(start: string, marker: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, marker))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`no ${marker} above ${start}`);
    }
    dir = parent;
  }
  return dir;
}

/** The extension's folder (the one with its package.json). */
export const EXTENSION_DIR = findUp(__dirname, 'language-configuration.json');
/** The repository root (the one with Cargo.toml). */
export const REPO_DIR = findUp(EXTENSION_DIR, 'Cargo.toml');

export function readRepoFile(relative: string): string {
  return fs.readFileSync(path.join(REPO_DIR, relative), 'utf8');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function packageJson(): Json {
  return JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, 'package.json'), 'utf8'));
}

/** Every string literal a Rust `match` maps `Enum::Variant` to, in source order. */
export function rustNames(source: string, enumName: string): string[] {
  const pattern = new RegExp(`${enumName}::\\w+ => "([^"]+)"`, 'g');
  return [...source.matchAll(pattern)].map((m) => m[1]);
}
