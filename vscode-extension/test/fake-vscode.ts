// A fake of the part of the `vscode` API the extension uses, for node:test. esbuild puts it in
// place of `vscode` when it bundles the tests. `fake` lets a test set up editors and documents,
// fire events and see what the extension did.

import * as path from "node:path";

type Listener<T> = (value: T) => unknown;

export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners: Array<Listener<T>> = [];
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  get count(): number {
    return this.listeners.length;
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(fsPath: string): Uri {
    return new Uri("file", path.resolve(fsPath));
  }
  static parse(text: string): Uri {
    const match = /^([a-z]+):(.*)$/.exec(text);
    return match ? new Uri(match[1] as string, match[2] as string) : Uri.file(text);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, path.posix.join(base.path, ...parts));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return this.scheme === "file" ? `file://${this.path}` : `${this.scheme}:${this.path}`;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
    this.start = new Position(startLine, startCharacter);
    this.end = new Position(endLine, endCharacter);
  }
}

export class Selection extends Range {
  readonly anchor: Position;
  readonly active: Position;
  constructor(anchorLine: number, anchorCharacter: number, activeLine: number, activeCharacter: number) {
    super(anchorLine, anchorCharacter, activeLine, activeCharacter);
    this.anchor = new Position(anchorLine, anchorCharacter);
    this.active = new Position(activeLine, activeCharacter);
  }
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
  Two = 2,
  Three = 3,
}

export enum TextEditorRevealType {
  Default = 0,
  InCenter = 1,
  InCenterIfOutsideViewport = 2,
  AtTop = 3,
}

export class FakeDocument {
  isDirty = false;
  constructor(
    readonly uri: Uri,
    public text: string,
    readonly languageId: string,
  ) {}
  getText(): string {
    return this.text;
  }
  get lineCount(): number {
    return this.text.split("\n").length;
  }
  lineAt(line: number): { text: string } {
    return { text: this.text.split("\n")[line] ?? "" };
  }
}

export class FakeEditor {
  selection = new Selection(0, 0, 0, 0);
  revealed: Range | undefined;
  constructor(
    readonly document: FakeDocument,
    public viewColumn: ViewColumn | undefined = ViewColumn.One,
  ) {}
  revealRange(range: Range): void {
    this.revealed = range;
  }
}

export class FakeWebview {
  html = "";
  options: Record<string, unknown> = {};
  readonly posted: unknown[] = [];
  readonly htmlHistory: string[] = [];
  readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  readonly cspSource = "vscode-webview:";
  constructor() {
    return new Proxy(this, {
      set(target, key, value) {
        if (key === "html") target.htmlHistory.push(value as string);
        (target as unknown as Record<string | symbol, unknown>)[key] = value;
        return true;
      },
    });
  }
  postMessage(message: unknown): Promise<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
}

export class FakePanel {
  readonly webview = new FakeWebview();
  visible = true;
  disposed = false;
  revealed = 0;
  readonly viewState = new EventEmitter<{ webviewPanel: FakePanel }>();
  readonly onDidChangeViewState = this.viewState.event;
  readonly disposeEvent = new EventEmitter<void>();
  readonly onDidDispose = this.disposeEvent.event;
  constructor(
    readonly viewType: string,
    public title: string,
    readonly showOptions: unknown,
    readonly options: Record<string, unknown>,
  ) {}
  reveal(): void {
    this.revealed += 1;
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEvent.fire();
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.viewState.fire({ webviewPanel: this });
  }
}

/** The state a test sets up and inspects. */
export const fake = {
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  serializers: new Map<string, { deserializeWebviewPanel(panel: unknown, state: unknown): unknown }>(),
  panels: [] as FakePanel[],
  documents: new Map<string, FakeDocument>(),
  written: [] as Array<{ uri: Uri; bytes: Uint8Array }>,
  errors: [] as string[],
  infos: [] as string[],
  saveDialogs: [] as unknown[],
  saveDialogAnswer: undefined as Uri | undefined,
  shown: [] as Array<{ uri: Uri; options: unknown }>,
  config: {} as Record<string, unknown>,
  extensions: new Map<string, unknown>(),
  output: [] as string[],
  activeEditorChanged: new EventEmitter<FakeEditor | undefined>(),
  selectionChanged: new EventEmitter<{ textEditor: FakeEditor }>(),
  documentChanged: new EventEmitter<{ document: FakeDocument; contentChanges: unknown[] }>(),
  documentSaved: new EventEmitter<FakeDocument>(),
  configurationChanged: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
  /** Adds a document (and returns it). */
  document(file: string, text: string, languageId: string): FakeDocument {
    const document = new FakeDocument(Uri.file(file), text, languageId);
    this.documents.set(document.uri.toString(), document);
    return document;
  },
  /** Makes an editor for a document the active one (firing the event). */
  activate(document: FakeDocument, column: ViewColumn = ViewColumn.One): FakeEditor {
    const editor = new FakeEditor(document, column);
    window.activeTextEditor = editor;
    window.visibleTextEditors = [editor, ...window.visibleTextEditors.filter((e) => e.document !== document)];
    this.activeEditorChanged.fire(editor);
    return editor;
  },
  /** Moves the cursor of an editor (firing the event). */
  moveCursor(editor: FakeEditor, line: number, character = 0): void {
    editor.selection = new Selection(line, character, line, character);
    this.selectionChanged.fire({ textEditor: editor });
  },
  reset(): void {
    this.commands.clear();
    this.serializers.clear();
    this.panels.length = 0;
    this.documents.clear();
    this.written.length = 0;
    this.errors.length = 0;
    this.infos.length = 0;
    this.saveDialogs.length = 0;
    this.saveDialogAnswer = undefined;
    this.shown.length = 0;
    this.config = {};
    this.extensions.clear();
    this.output.length = 0;
    for (const emitter of [this.activeEditorChanged, this.selectionChanged, this.documentChanged, this.documentSaved, this.configurationChanged]) emitter.dispose();
    window.activeTextEditor = undefined;
    window.visibleTextEditors = [];
  },
};

export const commands = {
  registerCommand(id: string, fn: (...args: unknown[]) => unknown): Disposable {
    fake.commands.set(id, fn);
    return new Disposable(() => fake.commands.delete(id));
  },
  executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    const fn = fake.commands.get(id);
    if (!fn) return Promise.reject(new Error(`no command ${id}`));
    return Promise.resolve(fn(...args));
  },
};

export const window = {
  activeTextEditor: undefined as FakeEditor | undefined,
  visibleTextEditors: [] as FakeEditor[],
  onDidChangeActiveTextEditor: fake.activeEditorChanged.event,
  onDidChangeTextEditorSelection: fake.selectionChanged.event,
  createWebviewPanel(viewType: string, title: string, showOptions: unknown, options: Record<string, unknown>): FakePanel {
    const panel = new FakePanel(viewType, title, showOptions, options);
    fake.panels.push(panel);
    return panel;
  },
  registerWebviewPanelSerializer(viewType: string, serializer: { deserializeWebviewPanel(panel: unknown, state: unknown): unknown }): Disposable {
    fake.serializers.set(viewType, serializer);
    return new Disposable(() => fake.serializers.delete(viewType));
  },
  createOutputChannel(name: string): { name: string; appendLine(line: string): void; dispose(): void } {
    return { name, appendLine: (line: string) => fake.output.push(line), dispose: () => undefined };
  },
  async showTextDocument(target: Uri | FakeDocument, options: { viewColumn?: ViewColumn } = {}): Promise<FakeEditor> {
    const uri = target instanceof Uri ? target : target.uri;
    fake.shown.push({ uri, options });
    const document = fake.documents.get(uri.toString());
    if (!document) throw new Error(`cannot open ${uri.toString()}`);
    const editor = new FakeEditor(document, options.viewColumn);
    window.activeTextEditor = editor;
    window.visibleTextEditors = [editor, ...window.visibleTextEditors];
    fake.activeEditorChanged.fire(editor);
    return editor;
  },
  async showSaveDialog(options: unknown): Promise<Uri | undefined> {
    fake.saveDialogs.push(options);
    return fake.saveDialogAnswer;
  },
  async showErrorMessage(message: string): Promise<undefined> {
    fake.errors.push(message);
    return undefined;
  },
  async showInformationMessage(message: string): Promise<undefined> {
    fake.infos.push(message);
    return undefined;
  },
};

export const workspace = {
  workspaceFolders: undefined as unknown,
  onDidChangeTextDocument: fake.documentChanged.event,
  onDidSaveTextDocument: fake.documentSaved.event,
  onDidChangeConfiguration: fake.configurationChanged.event,
  getConfiguration(section: string) {
    return {
      get<T>(key: string, fallback?: T): T | undefined {
        const value = fake.config[`${section}.${key}`];
        return (value === undefined ? fallback : value) as T | undefined;
      },
    };
  },
  async openTextDocument(uri: Uri): Promise<FakeDocument> {
    const document = fake.documents.get(uri.toString());
    if (!document) throw new Error(`cannot open ${uri.toString()}`);
    return document;
  },
  fs: {
    async writeFile(uri: Uri, bytes: Uint8Array): Promise<void> {
      fake.written.push({ uri, bytes });
    },
  },
};

export const extensions = {
  getExtension(id: string): unknown {
    return fake.extensions.get(id);
  },
};
