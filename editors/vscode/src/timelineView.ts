// The Entity Timeline view: every article that mentions the entity under the cursor, oldest
// first, across the workspace's files. A click opens the article at its first mention.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import {
  ENTITY_TIMELINE_METHOD,
  entryDescription,
  entryTooltip,
  parseTimeline,
  timelineSummary,
  type TimelineEntry,
} from './timeline';

export const TIMELINE_VIEW = 'accordEntityTimeline';

class TimelineProvider implements vscode.TreeDataProvider<TimelineEntry> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  entries: TimelineEntry[] = [];

  constructor(private readonly client: () => LanguageClient | undefined) {}

  set(entries: TimelineEntry[]): void {
    this.entries = entries;
    this.changed.fire();
  }

  getChildren(element?: TimelineEntry): TimelineEntry[] {
    return element ? [] : this.entries;
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(entry: TimelineEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(entry.title, vscode.TreeItemCollapsibleState.None);
    item.description = entryDescription(entry);
    item.tooltip = entryTooltip(entry);
    item.iconPath = new vscode.ThemeIcon(entry.date ? 'calendar' : 'circle-outline');
    const converter = this.client()?.protocol2CodeConverter;
    const uri = converter ? converter.asUri(entry.uri) : vscode.Uri.parse(entry.uri);
    const range = converter
      ? converter.asRange(entry.range)
      : new vscode.Range(entry.range.start.line, entry.range.start.character, entry.range.end.line, entry.range.end.character);
    item.command = {
      command: 'vscode.open',
      title: 'Open Article',
      arguments: [uri, { selection: range } satisfies vscode.TextDocumentShowOptions],
    };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * The text of the entity at a position: the document highlight (the server's mentions of
 * the entity in this document) that holds it, else the word there.
 */
async function entityText(document: vscode.TextDocument, position: vscode.Position): Promise<string | undefined> {
  const highlights =
    (await vscode.commands.executeCommand<vscode.DocumentHighlight[] | undefined>(
      'vscode.executeDocumentHighlights',
      document.uri,
      position,
    )) ?? [];
  const range =
    highlights.find((highlight) => highlight.range.contains(position))?.range ??
    document.getWordRangeAtPosition(position);
  const text = range ? document.getText(range).replace(/\s+/g, ' ').trim() : '';
  return text === '' ? undefined : text;
}

export class TimelineView implements vscode.Disposable {
  private readonly provider: TimelineProvider;
  private readonly view: vscode.TreeView<TimelineEntry>;

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.provider = new TimelineProvider(client);
    this.view = vscode.window.createTreeView(TIMELINE_VIEW, { treeDataProvider: this.provider, showCollapseAll: false });
  }

  dispose(): void {
    this.view.dispose();
    this.provider.dispose();
  }

  /** Asks the server for the timeline of the entity at the cursor and shows it. */
  async show(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'article') {
      void vscode.window.showInformationMessage('accord: put the cursor on an entity in an article to see its timeline.');
      return;
    }
    const client = this.client();
    if (!client || client.state !== State.Running) {
      throw new Error('the accord language server is not running');
    }
    const document = editor.document;
    const position = editor.selection.active;
    const result = await client.sendRequest(ENTITY_TIMELINE_METHOD, {
      textDocument: client.code2ProtocolConverter.asTextDocumentIdentifier(document),
      position: client.code2ProtocolConverter.asPosition(position),
    });
    const entries = parseTimeline(result);
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('accord: no entity at the cursor.');
      return;
    }
    const entity = (await entityText(document, position)) ?? 'entity';
    this.provider.set(entries);
    this.view.title = 'accord: Entity Timeline';
    this.view.description = entity;
    this.view.message = timelineSummary(entries);
    try {
      await this.view.reveal(entries[0], { select: false, focus: false });
    } catch {
      // A view that was never opened may refuse to reveal an element; focus it instead.
      await vscode.commands.executeCommand(`${TIMELINE_VIEW}.focus`);
    }
  }
}
