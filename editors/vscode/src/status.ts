// What the status-bar item says: the server's state, indexing progress and the size of
// the entity index. Pure, so the texts are unit-tested.

export type ServerState = 'starting' | 'running' | 'stopped' | 'missing';

export interface StatusModel {
  state: ServerState;
  /** Percentage while the server reports indexing progress. */
  indexing?: number;
  /** Number of entities once indexing has ended. */
  entities?: number;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** Whether the item should stand out as a problem. */
  error: boolean;
  /** What a click runs: the entity index while running, else a restart that looks for the server again. */
  command: 'accord.openEntityIndex' | 'accord.restartServer';
}

const INDEX = 'accord.openEntityIndex';
const RESTART = 'accord.restartServer';

export function statusView(model: StatusModel): StatusView {
  switch (model.state) {
    case 'missing':
      return {
        text: '$(error) accord: no server',
        tooltip: 'The accord language server was not found; click to look again',
        error: true,
        command: RESTART,
      };
    case 'stopped':
      return {
        text: '$(debug-stop) accord: stopped',
        tooltip: 'The accord language server is not running; click to restart it',
        error: true,
        command: RESTART,
      };
    case 'starting':
      return { text: '$(sync~spin) accord: starting', tooltip: 'Starting the accord language server', error: false, command: INDEX };
    case 'running':
      break;
  }
  if (model.indexing !== undefined) {
    const percent = Math.max(0, Math.min(100, Math.round(model.indexing)));
    return { text: `$(sync~spin) accord: indexing ${percent}%`, tooltip: 'Indexing the workspace', error: false, command: INDEX };
  }
  if (model.entities !== undefined) {
    const noun = model.entities === 1 ? 'entity' : 'entities';
    return {
      text: `$(check) accord: ${model.entities} ${noun}`,
      tooltip: 'accord is running; click to show the entity index',
      error: false,
      command: INDEX,
    };
  }
  return { text: '$(check) accord', tooltip: 'accord is running; click to show the entity index', error: false, command: INDEX };
}
