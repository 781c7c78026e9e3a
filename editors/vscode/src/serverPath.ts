// Finding the `accord` binary: the user's setting, else a binary shipped inside the
// extension, else `accord` on PATH. Pure apart from the file-system probe it is given.
import * as path from 'node:path';
import * as os from 'node:os';

export type ServerSource = 'setting' | 'bundled' | 'path';

export interface FoundServer {
  command: string;
  source: ServerSource;
}

export interface ServerSearch {
  /** `accord.server.path`, possibly empty. */
  configured: string | undefined;
  /** The extension's own folder. */
  extensionPath: string;
  /** The first workspace folder, against which a relative setting is resolved. */
  workspaceFolder: string | undefined;
  /** The PATH environment variable. */
  envPath: string | undefined;
  platform: NodeJS.Platform;
  /** Whether a file exists there and can be run. */
  isExecutable: (file: string) => boolean;
}

export interface ServerNotFound {
  /** Every place that was looked at, in order, for the error message. */
  tried: string[];
  /** Set when the user's setting names a file that cannot be run. */
  badSetting?: string;
}

function binaryName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'accord.exe' : 'accord';
}

/** Expands `~` and resolves a relative path against the workspace folder. */
export function resolveConfiguredPath(configured: string, workspaceFolder: string | undefined): string {
  let file = configured.trim();
  if (file === '~' || file.startsWith('~/')) {
    file = path.join(os.homedir(), file.slice(1));
  }
  if (!path.isAbsolute(file) && workspaceFolder) {
    file = path.resolve(workspaceFolder, file);
  }
  return file;
}

/** Where the package built for a platform ships the server. */
export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform): string {
  return path.join(extensionPath, 'server', binaryName(platform));
}

export function findServer(search: ServerSearch): FoundServer | ServerNotFound {
  const tried: string[] = [];
  const configured = search.configured?.trim();
  if (configured) {
    const file = resolveConfiguredPath(configured, search.workspaceFolder);
    if (search.isExecutable(file)) {
      return { command: file, source: 'setting' };
    }
    // A setting that points nowhere is a mistake to report, not to paper over with PATH.
    return { tried: [file], badSetting: file };
  }
  const name = binaryName(search.platform);
  const bundled = bundledServerPath(search.extensionPath, search.platform);
  tried.push(bundled);
  if (search.isExecutable(bundled)) {
    return { command: bundled, source: 'bundled' };
  }
  const separator = search.platform === 'win32' ? ';' : ':';
  for (const dir of (search.envPath ?? '').split(separator)) {
    if (dir === '') {
      continue;
    }
    const candidate = path.join(dir, name);
    tried.push(candidate);
    if (search.isExecutable(candidate)) {
      return { command: candidate, source: 'path' };
    }
  }
  return { tried };
}

export function isFound(result: FoundServer | ServerNotFound): result is FoundServer {
  return 'command' in result;
}

/** The error shown when no server was found. */
export function notFoundMessage(result: ServerNotFound): string {
  if (result.badSetting) {
    return `accord: the language server set in accord.server.path (${result.badSetting}) does not exist or cannot be run.`;
  }
  return (
    'accord: the language server was not found. Install the extension package that ships it ' +
    '(accord-linux-x64.vsix), install it with `cargo install --path .` in the accord repository, ' +
    'or set accord.server.path to the `accord` binary.'
  );
}
