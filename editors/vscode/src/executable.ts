// Whether a file can be run, and giving the server shipped in the extension its executable
// bit back: a .vsix unpacked by a tool that ignores file modes leaves it unrunnable.
import * as fs from 'node:fs';

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Makes a file that exists but cannot be run executable by whoever may read it (0644
 * becomes 0755). Returns whether it did; a missing file, or one whose mode cannot be
 * changed (a read-only install), is left for the server search to report.
 */
export function makeExecutable(file: string, platform: NodeJS.Platform): boolean {
  // Windows has no executable bit: the .exe suffix is what counts.
  if (platform === 'win32' || isExecutable(file)) {
    return false;
  }
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    fs.chmodSync(file, stat.mode | ((stat.mode & 0o444) >> 2));
    return isExecutable(file);
  } catch {
    return false;
  }
}
