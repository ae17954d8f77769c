// The Songs view: the workspace's audio files grouped by folder, with their
// scores. Children are built per folder on expansion; files are found once with
// findFiles and kept current by a file system watcher.
import * as path from 'node:path';
import picomatch from 'picomatch';
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import type { Results } from './results';
import { FILE_SETTINGS, readSettings } from './settings';
import { SongIndex, type SortOrder } from './song-index';
import { childNodes, dimensionSpecs, folderLabel, folderSpec, songSpec, type ItemSpec, type SongNode } from './songs-model';

const REFRESH_DELAY_MS = 150;

export class SongsView extends Disposable implements vscode.TreeDataProvider<SongNode> {
  static readonly viewId = 'hear.songs';
  private index: SongIndex | undefined;
  private scanning: Promise<SongIndex> | undefined;
  private order: SortOrder = 'name';
  private readonly changed = this.register(new vscode.EventEmitter<SongNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private refreshTimer: NodeJS.Timeout | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  readonly treeView: vscode.TreeView<SongNode>;

  constructor(private readonly results: Results, private readonly log: vscode.LogOutputChannel) {
    super();
    this.treeView = this.register(vscode.window.createTreeView(SongsView.viewId, { treeDataProvider: this, showCollapseAll: true, canSelectMany: true }));
    this.register(results.onDidChange(() => this.scheduleRefresh()));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (FILE_SETTINGS.some((k) => e.affectsConfiguration(k))) this.rescan();
    }));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.rescan()));
    this.register({ dispose: () => this.watcher?.dispose() });
    this.register({ dispose: () => clearTimeout(this.refreshTimer) });
    void vscode.commands.executeCommand('setContext', 'hear.songs.sort', this.order);
  }

  setOrder(order: SortOrder): void {
    this.order = order;
    void vscode.commands.executeCommand('setContext', 'hear.songs.sort', order);
    this.changed.fire(undefined);
  }

  /** Finds the audio files again (settings or folders changed, or Refresh). */
  rescan(): void {
    this.index = undefined;
    this.scanning = undefined;
    this.changed.fire(undefined);
  }

  /** Every listed audio file, found on first use. */
  async songs(): Promise<SongIndex> {
    if (this.index) return this.index;
    this.scanning ??= this.scan();
    return this.scanning;
  }

  private async scan(): Promise<SongIndex> {
    const { include, exclude } = readSettings();
    const started = Date.now();
    const uris = await vscode.workspace.findFiles(include, exclude);
    const index = new SongIndex(uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath));
    this.log.info(`songs: ${index.size} audio files in ${index.folders().length} folders (${Date.now() - started} ms)`);
    this.watch(include, exclude);
    this.index = index;
    return index;
  }

  private watch(include: string, exclude: string): void {
    this.watcher?.dispose();
    const roots = vscode.workspace.workspaceFolders ?? [];
    const included = picomatch(include, { dot: true, nocase: true });
    const excluded = picomatch(exclude, { dot: true });
    const wanted = (uri: vscode.Uri) => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder || uri.scheme !== 'file') return false;
      const rel = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
      return included(rel) && !excluded(rel);
    };
    // One watcher over the whole workspace: deletes of folders arrive as the folder only.
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.watcher.onDidCreate((uri) => {
      if (wanted(uri) && this.index?.add(uri.fsPath)) this.scheduleRefresh();
    });
    this.watcher.onDidDelete((uri) => {
      const removed = this.index?.remove(uri.fsPath) ?? [];
      if (removed.length) {
        this.results.forget(removed);
        this.scheduleRefresh();
      }
    });
    this.watcher.onDidChange((uri) => {
      // New content: the old score no longer describes the file.
      if (this.index?.has(uri.fsPath)) this.results.forget([uri.fsPath]);
    });
    if (!roots.length) this.log.info('songs: no workspace folder open');
  }

  /** Coalesces bursts (a folder scored, files copied in) into one repaint. */
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire(undefined);
    }, REFRESH_DELAY_MS);
  }

  async getChildren(node?: SongNode): Promise<SongNode[]> {
    const index = await this.songs();
    return childNodes(node, index, this.results, this.order);
  }

  getParent(node: SongNode): SongNode | undefined {
    if (node.kind === 'folder') return undefined;
    if (node.kind === 'song') return { kind: 'folder', dir: path.dirname(node.file) };
    return { kind: 'song', file: node.file };
  }

  /** The row's content as data (the host tests read it too). */
  spec(node: SongNode): ItemSpec {
    switch (node.kind) {
      case 'folder': {
        const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, dir: f.uri.fsPath }));
        return folderSpec(node.dir, this.index ?? new SongIndex(), this.results, folderLabel(node.dir, roots));
      }
      case 'song':
        return songSpec(node.file, this.results);
      case 'dimension': {
        const score = this.results.score(node.file);
        return score ? dimensionSpecs(score)[node.index] : { id: `dimension:${node.file}:${node.index}`, label: '', description: '', tooltip: '', icon: { id: 'blank' }, contextValue: 'dimension', collapsible: false };
      }
    }
  }

  getTreeItem(node: SongNode): vscode.TreeItem {
    const s = this.spec(node);
    const item = new vscode.TreeItem(s.label, s.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = s.id;
    item.description = s.description;
    const tooltip = new vscode.MarkdownString(s.tooltip, true);
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(s.icon.id, s.icon.color ? new vscode.ThemeColor(s.icon.color) : undefined);
    item.contextValue = s.contextValue;
    if (s.resource) item.resourceUri = vscode.Uri.file(s.resource);
    if (node.kind === 'song') {
      item.command = s.contextValue === 'song.scored'
        ? { command: 'hear.showReport', title: 'Show Song Report', arguments: [item.resourceUri] }
        : { command: 'vscode.open', title: 'Open', arguments: [item.resourceUri] };
    }
    return item;
  }
}
