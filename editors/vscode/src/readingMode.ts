// Reading mode: dims the markup of annotation tags so an annotated article reads as prose,
// while entities keep their colours. The markup is where the server's semantic tokens carry
// the `tagSyntax` modifier; the client's middleware hands every result here on its way to
// VS Code, and the ranges are drawn as a decoration on each visible editor of the document.
import * as vscode from 'vscode';
import type { Middleware, SemanticTokensLegend } from 'vscode-languageclient/node';
import { DocumentMarkup, TAG_SYNTAX_MODIFIER, modifierBit } from './tagMarkup';

export const READING_MODE_SETTING = 'readingMode';

type TokensMiddleware = Pick<
  Middleware,
  'provideDocumentSemanticTokens' | 'provideDocumentSemanticTokensEdits' | 'provideDocumentRangeSemanticTokens'
>;

export class ReadingMode implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    opacity: '0.35',
    rangeBehavior: vscode.DecorationRangeBehavior.OpenOpen,
  });
  private readonly documents = new Map<string, DocumentMarkup>();
  private readonly subscriptions: vscode.Disposable[];

  /** `legend` gives the legend of the running server, which names the modifier's bit. */
  constructor(private readonly legend: () => SemanticTokensLegend | undefined) {
    this.subscriptions = [
      this.decoration,
      vscode.window.onDidChangeVisibleTextEditors(() => this.applyAll()),
      vscode.workspace.onDidCloseTextDocument((document) => this.documents.delete(document.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`accord.${READING_MODE_SETTING}`)) {
          this.applyAll();
        }
      }),
    ];
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.documents.clear();
  }

  /** Forgets every document's tokens: a new server numbers its results anew. */
  reset(): void {
    this.documents.clear();
    this.applyAll();
  }

  /** Whether reading mode is on for a document. */
  enabled(document: vscode.TextDocument): boolean {
    return vscode.workspace.getConfiguration('accord', document.uri).get<boolean>(READING_MODE_SETTING, true);
  }

  /**
   * Turns reading mode off where it is on for the active document, and on where it is
   * off, in the settings that decide it (a folder's, the workspace's, else the user's).
   */
  async toggle(): Promise<void> {
    const document = vscode.window.activeTextEditor?.document;
    const config = vscode.workspace.getConfiguration('accord', document?.uri);
    const inspected = config.inspect<boolean>(READING_MODE_SETTING);
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    const on = config.get<boolean>(READING_MODE_SETTING, true);
    await config.update(READING_MODE_SETTING, !on, target);
  }

  /** The middleware that sees every semantic tokens result the client receives. */
  middleware(): TokensMiddleware {
    return {
      provideDocumentSemanticTokens: async (document, token, next) => {
        const result = await next(document, token);
        // The editor drops the result of a cancelled request, and so does reading mode.
        if (result && !token.isCancellationRequested) {
          this.markup(document).full(result.data, result.resultId, this.bit());
          this.apply(document);
        }
        return result;
      },
      provideDocumentSemanticTokensEdits: async (document, previousResultId, token, next) => {
        const result = await next(document, previousResultId, token);
        // The editor drops the result of a cancelled request, and so does reading mode.
        if (result && !token.isCancellationRequested) {
          const markup = this.markup(document);
          if ('edits' in result) {
            markup.edits(previousResultId, result.edits, result.resultId, this.bit());
          } else {
            markup.full(result.data, result.resultId, this.bit());
          }
          this.apply(document);
        }
        return result;
      },
      provideDocumentRangeSemanticTokens: async (document, range, token, next) => {
        const result = await next(document, range, token);
        // The editor drops the result of a cancelled request, and so does reading mode.
        if (result && !token.isCancellationRequested) {
          this.markup(document).range(range.start.line, range.end.line, result.data, this.bit());
          this.apply(document);
        }
        return result;
      },
    };
  }

  private bit(): number {
    return modifierBit(this.legend(), TAG_SYNTAX_MODIFIER);
  }

  private markup(document: vscode.TextDocument): DocumentMarkup {
    const key = document.uri.toString();
    let markup = this.documents.get(key);
    if (!markup) {
      markup = new DocumentMarkup();
      this.documents.set(key, markup);
    }
    return markup;
  }

  private apply(document: vscode.TextDocument): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === document.uri.toString()) {
        this.applyTo(editor);
      }
    }
  }

  private applyAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      this.applyTo(editor);
    }
  }

  private applyTo(editor: vscode.TextEditor): void {
    const markup = this.documents.get(editor.document.uri.toString());
    const ranges =
      markup && this.enabled(editor.document)
        ? markup.ranges.map((range) => new vscode.Range(range.line, range.start, range.line, range.end))
        : [];
    editor.setDecorations(this.decoration, ranges);
  }
}
