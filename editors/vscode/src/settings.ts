// The extension's settings and the object the language server reads from them.
// Kept free of the `vscode` module so unit tests can check it against the server.

/** Severity levels a client may give a diagnostic code; `off` hides the code. */
export const SEVERITY_LEVELS = ['error', 'warning', 'info', 'hint', 'off'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

/** What the server reads from `initializationOptions` and `settings.accord`. */
export interface ServerSettings {
  diagnostics?: { severity?: Record<string, SeverityLevel> };
  inlayHints?: { dates?: boolean; acronyms?: boolean };
  files?: { include?: string[]; exclude?: string[] };
  codeLens?: { enabled?: boolean };
  cache?: { location?: CacheLocation };
}

/** Where the server saves its index of the workspace between sessions. */
export const CACHE_LOCATIONS = ['platform', 'workspace', 'off'] as const;
export type CacheLocation = (typeof CACHE_LOCATIONS)[number];

/** Reads one setting by its key below `accord.`, as `WorkspaceConfiguration.get` does. */
export type SettingReader = (key: string) => unknown;

/** The settings that are sent to the server, by their key below `accord.`. */
export const SERVER_SETTING_KEYS = [
  'diagnostics.severity',
  'inlayHints.dates',
  'inlayHints.acronyms',
  'files.include',
  'files.exclude',
  'codeLens.enabled',
  'cache.location',
] as const;

/** The settings only the client reads. */
export const CLIENT_SETTING_KEYS = ['server.path', 'trace.server', 'readingMode'] as const;

function isSeverityLevel(value: unknown): value is SeverityLevel {
  return typeof value === 'string' && (SEVERITY_LEVELS as readonly string[]).includes(value);
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const globs = value.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
  return globs.length > 0 ? globs : undefined;
}

/**
 * Maps the user's settings to the server's settings object. Values of the wrong shape
 * are left out rather than sent, so the server keeps its own defaults for them.
 */
export function toServerSettings(read: SettingReader): ServerSettings {
  const settings: ServerSettings = {};

  const severity = read('diagnostics.severity');
  if (severity !== null && typeof severity === 'object' && !Array.isArray(severity)) {
    const levels: Record<string, SeverityLevel> = {};
    for (const [code, level] of Object.entries(severity)) {
      if (isSeverityLevel(level)) {
        levels[code] = level;
      }
    }
    if (Object.keys(levels).length > 0) {
      settings.diagnostics = { severity: levels };
    }
  }

  const dates = read('inlayHints.dates');
  const acronyms = read('inlayHints.acronyms');
  if (typeof dates === 'boolean' || typeof acronyms === 'boolean') {
    settings.inlayHints = {};
    if (typeof dates === 'boolean') {
      settings.inlayHints.dates = dates;
    }
    if (typeof acronyms === 'boolean') {
      settings.inlayHints.acronyms = acronyms;
    }
  }

  const include = stringList(read('files.include'));
  const exclude = stringList(read('files.exclude'));
  if (include || exclude) {
    settings.files = {};
    if (include) {
      settings.files.include = include;
    }
    if (exclude) {
      settings.files.exclude = exclude;
    }
  }

  const lenses = read('codeLens.enabled');
  if (typeof lenses === 'boolean') {
    settings.codeLens = { enabled: lenses };
  }

  const location = read('cache.location');
  if (typeof location === 'string' && (CACHE_LOCATIONS as readonly string[]).includes(location)) {
    settings.cache = { location: location as CacheLocation };
  }
  return settings;
}
