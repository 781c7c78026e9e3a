// The VS Code client of the accord language server: starts `accord lsp`, keeps its
// settings in sync, shows indexing progress in the status bar and adds the commands the
// server does not offer by itself (tagging a selection, the references of a code lens),
// reading mode and the entity timeline view.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  ResponseError,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  type StaticFeature,
  type FeatureState,
  type ClientCapabilities,
  type ProgressToken,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type WorkDoneProgressBegin,
  type WorkDoneProgressReport,
  type WorkDoneProgressEnd,
  type Location as ProtocolLocation,
  type Position as ProtocolPosition,
} from 'vscode-languageclient/node';
import { bundledServerPath, findServer, isFound, notFoundMessage } from './serverPath';
import { isExecutable, makeExecutable } from './executable';
import { toServerSettings, type ServerSettings } from './settings';
import { ENTITY_TYPES, tagEdit } from './tagging';
import { statusView, type StatusModel } from './status';
import { parseEntityIndex, renderEntityIndex } from './entityIndex';
import { ReadingMode } from './readingMode';
import { TimelineView } from './timelineView';

const INDEX_SCHEME = 'accord-index';
const INDEX_URI = vscode.Uri.parse(`${INDEX_SCHEME}:/Entity%20Index.md`);

type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

let client: LanguageClient | undefined;
let readingMode: ReadingMode | undefined;
let status: vscode.StatusBarItem;
let model: StatusModel = { state: 'starting' };
let indexDocument = '';
const indexChanged = new vscode.EventEmitter<vscode.Uri>();

function render(): void {
  const view = statusView(model);
  status.text = view.text;
  status.tooltip = view.tooltip;
  status.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  status.command = view.command;
  status.show();
}

function update(change: Partial<StatusModel>): void {
  model = { ...model, ...change };
  render();
}

function serverSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration('accord');
  return toServerSettings((key) => config.get(key));
}

/**
 * Watches the server's work-done progress for the status bar. It replaces the client's
 * built-in progress handler (one handler per token is possible) and shows the progress
 * in the window's progress area itself.
 */
class IndexingProgress implements StaticFeature {
  constructor(private readonly languageClient: LanguageClient) {
    // Registered before the start too: the server may ask for progress as soon as it is
    // initialized, before the client initializes its features.
    this.listen();
  }

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = { ...capabilities.window, workDoneProgress: true };
  }

  initialize(): void {
    // Runs after the built-in progress feature has registered its handler; this replaces it.
    this.listen();
  }

  private listen(): void {
    this.languageClient.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => this.watch(token));
  }

  getState(): FeatureState {
    return { kind: 'static' };
  }

  /** Progress still open when the client stops (a crashed server) ends here. */
  private readonly open = new Set<() => void>();

  clear(): void {
    for (const finish of this.open) {
      finish();
    }
    this.open.clear();
  }

  private watch(token: ProgressToken): void {
    this.languageClient.debug(`progress ${String(token)} created`);
    let finish: (() => void) | undefined;
    let report: ((message: string | undefined) => void) | undefined;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'accord' }, (progress) => {
      report = (message) => progress.report({ message });
      return new Promise<void>((resolve) => {
        finish = () => {
          this.open.delete(finish!);
          resolve();
        };
        this.open.add(finish);
      });
    });
    const subscription = this.languageClient.onProgress(WorkDoneProgress.type, token, (value: ProgressValue) => {
      switch (value.kind) {
        case 'begin':
        case 'report':
          update({ indexing: value.percentage ?? model.indexing ?? 0, entities: undefined });
          report?.(value.message);
          break;
        case 'end':
          update({ indexing: undefined });
          finish?.();
          subscription.dispose();
          void refreshEntityCount();
          break;
      }
    });
  }
}

async function executeServerCommand(command: string): Promise<unknown> {
  if (!client || client.state !== State.Running) {
    throw new Error('the accord language server is not running');
  }
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [] });
}

let entityCountRequests = 0;

async function refreshEntityCount(): Promise<void> {
  // A slow answer to an earlier request must not overwrite a newer count.
  const request = ++entityCountRequests;
  try {
    const entities = parseEntityIndex(await executeServerCommand('accord.showEntityIndex'));
    if (request === entityCountRequests) {
      update({ entities: entities.length });
    }
  } catch (error) {
    client?.warn(`entity index: ${String(error)}`);
  }
}

function workspaceFolderPath(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  // A tool that unpacks the .vsix without file modes leaves the shipped server unrunnable.
  const bundled = bundledServerPath(context.extensionPath, process.platform);
  const repaired = makeExecutable(bundled, process.platform);
  const found = findServer({
    configured: vscode.workspace.getConfiguration('accord').get<string>('server.path'),
    extensionPath: context.extensionPath,
    workspaceFolder: workspaceFolderPath(),
    envPath: process.env.PATH,
    platform: process.platform,
    isExecutable,
  });
  if (!isFound(found)) {
    update({ state: 'missing', indexing: undefined, entities: undefined });
    const choice = await vscode.window.showErrorMessage(notFoundMessage(found), 'Open README', 'Open Settings');
    if (choice === 'Open README') {
      // The README shipped inside the extension says how to install the server; packaging
      // renames it to lower case.
      const readme = ['readme.md', 'README.md']
        .map((name) => vscode.Uri.joinPath(context.extensionUri, name))
        .find((uri) => fs.existsSync(uri.fsPath));
      if (readme) {
        await vscode.commands.executeCommand('markdown.showPreview', readme);
      }
    } else if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'accord.server.path');
    }
    return;
  }

  const serverOptions: ServerOptions = {
    run: { command: found.command, args: ['lsp'] },
    debug: { command: found.command, args: ['lsp'], options: { env: { ...process.env, ACCORD_LOG: 'debug' } } },
  };
  const clientOptions: LanguageClientOptions = {
    // The configuration and knowledge-base files go to the server too, so what is typed
    // into them (or written by "Add to the knowledge base", unsaved) applies at once.
    documentSelector: [
      { language: 'article' },
      { scheme: 'file', pattern: '**/accord.toml' },
      { scheme: 'file', pattern: '**/kb/**/*.toml' },
    ],
    initializationOptions: serverSettings(),
    outputChannelName: 'accord',
    middleware: {
      ...readingMode?.middleware(),
      workspace: {
        // A server that pulls its settings gets the same object as the one pushed to it.
        configuration: async (params, token, next) => {
          const answers = (await next(params, token)) as unknown[] | ResponseError;
          if (answers instanceof ResponseError) {
            return answers;
          }
          const values: unknown[] = answers;
          return params.items.map((item, i) => (item.section === 'accord' ? serverSettings() : values[i]));
        },
      },
    },
  };
  const languageClient = new LanguageClient('accord', 'accord', serverOptions, clientOptions);
  languageClient.registerFeature(new IndexingProgress(languageClient));
  languageClient.onDidChangeState(({ newState }) => {
    if (newState === State.Running) {
      // The count follows when the server reports the end of indexing.
      update({ state: 'running' });
    } else if (newState === State.Starting) {
      update({ state: 'starting', indexing: undefined });
    } else {
      update({ state: 'stopped', indexing: undefined });
    }
  });
  client = languageClient;
  readingMode?.reset();
  update({ state: 'starting', indexing: undefined, entities: undefined });
  try {
    await languageClient.start();
    if (repaired) {
      languageClient.info(`made ${bundled} executable: the package was unpacked without its file modes`);
    }
    languageClient.info(`started ${found.command} (found by ${found.source})`);
  } catch (error) {
    update({ state: 'stopped' });
    void vscode.window.showErrorMessage(`accord: the language server failed to start: ${String(error)}`);
  }
}

async function restartClient(context: vscode.ExtensionContext): Promise<void> {
  const previous = client;
  client = undefined;
  if (previous) {
    await previous.dispose().catch(() => undefined);
  }
  await startClient(context);
}

async function showEntityIndex(): Promise<void> {
  const entities = parseEntityIndex(await executeServerCommand('accord.showEntityIndex'));
  update({ entities: entities.length });
  indexDocument = renderEntityIndex(entities);
  indexChanged.fire(INDEX_URI);
  const document = await vscode.workspace.openTextDocument(INDEX_URI);
  await vscode.window.showTextDocument(document, { preview: true });
}

async function tagSelection(type?: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  const chosen =
    type ??
    (
      await vscode.window.showQuickPick(
        ENTITY_TYPES.map((entry) => ({ label: entry.type, detail: entry.description })),
        { title: 'Tag selection as', placeHolder: 'entity type' },
      )
    )?.label;
  if (!chosen) {
    return;
  }
  const document = editor.document;
  const edit = new vscode.WorkspaceEdit();
  for (const selection of editor.selections) {
    const selected = document.getText(selection);
    const planned = tagEdit(selected, chosen);
    if ('error' in planned) {
      void vscode.window.showWarningMessage(`accord: ${planned.error}`);
      return;
    }
    const base = document.offsetAt(selection.start);
    const range = new vscode.Range(document.positionAt(base + planned.start), document.positionAt(base + planned.end));
    edit.replace(document.uri, range, planned.replacement);
  }
  await vscode.workspace.applyEdit(edit);
}

/**
 * The code lens command: `[uri, position]` in protocol form, and optionally the
 * locations. Lenses carry no locations (an entity may be mentioned thousands of times):
 * they are asked of the server when the lens is clicked.
 */
async function showReferences(uri: string, position: ProtocolPosition, locations?: ProtocolLocation[]): Promise<void> {
  const converter = client?.protocol2CodeConverter;
  if (!converter) {
    return;
  }
  const at = converter.asUri(uri);
  const where = converter.asPosition(position);
  const found = locations
    ? locations.map((location) => converter.asLocation(location))
    : ((await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', at, where)) ?? []);
  await vscode.commands.executeCommand('editor.action.showReferences', at, where, found);
}

function reportErrors<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      void vscode.window.showErrorMessage(`accord: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  status = vscode.window.createStatusBarItem('accord.status', vscode.StatusBarAlignment.Left, 0);
  status.name = 'accord';
  readingMode = new ReadingMode(() => client?.initializeResult?.capabilities.semanticTokensProvider?.legend);
  const timeline = new TimelineView(() => client);
  void vscode.commands.executeCommand('setContext', 'accord.active', true);
  context.subscriptions.push(
    status,
    readingMode,
    timeline,
    indexChanged,
    vscode.workspace.registerTextDocumentContentProvider(INDEX_SCHEME, {
      onDidChange: indexChanged.event,
      provideTextDocumentContent: () => indexDocument,
    }),
    vscode.commands.registerCommand('accord.restartServer', reportErrors(() => restartClient(context))),
    vscode.commands.registerCommand(
      'accord.reindexWorkspace',
      reportErrors(async () => {
        update({ indexing: 0 });
        await executeServerCommand('accord.reindex');
      }),
    ),
    vscode.commands.registerCommand('accord.openEntityIndex', reportErrors(showEntityIndex)),
    vscode.commands.registerCommand(
      'accord.tagSelection',
      reportErrors((type?: string) => tagSelection(type)),
    ),
    vscode.commands.registerCommand(
      'accord.toggleReadingMode',
      reportErrors(() => readingMode?.toggle() ?? Promise.resolve()),
    ),
    vscode.commands.registerCommand('accord.showEntityTimeline', reportErrors(() => timeline.show())),
    vscode.commands.registerCommand(
      'accord.showReferences',
      reportErrors((uri: string, position: ProtocolPosition, locations?: ProtocolLocation[]) =>
        showReferences(uri, position, locations),
      ),
    ),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('accord.server.path')) {
        await restartClient(context);
      } else if (event.affectsConfiguration('accord') && client?.state === State.Running) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { accord: serverSettings() },
        });
      }
    }),
  );
  render();
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
  client = undefined;
}
