// The client of `durable-viz serve`: one long-lived CLI process speaking JSON lines over stdio
// (protocol 1, see the CLI's serve module). It starts the process on first use, waits for its
// ready line, sends one request at a time (the process answers in order anyway, and holding the
// rest back lets a newer render of a document replace an older one that was not sent yet),
// restarts the process with backoff when it dies, and stops it on dispose.
// Nothing here imports `vscode`: the tests drive it with a fake process and a real one.

import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import {
  COMMAND_SETTING,
  displayCommand,
  LineSplitter,
  PROTOCOL,
  ServeError,
  type RenderParams,
  type ServeCommand,
  type ServeResponse,
  type SuccessResponse,
} from "./protocol";

export * from "./protocol";

/** Spawns a process; `child_process.spawn` unless a test provides its own. */
export type SpawnFn = (program: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface ServeClientOptions {
  /** Resolves the command at each start (a changed setting applies at the next start). */
  resolveCommand: () => Promise<ServeCommand> | ServeCommand;
  spawn?: SpawnFn;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How long the process may take to print its ready line (a cold Python start is slow). */
  readyTimeoutMs?: number;
  /** How long one request may take before the process is taken as stuck and replaced. */
  requestTimeoutMs?: number;
  /** After closing stdin on stop, how long before SIGTERM, and again before SIGKILL. */
  killGraceMs?: number;
  /** Waits before restarting after the 1st, 2nd, ... crash in a row (the last repeats). */
  restartDelaysMs?: number[];
  /** Crashes in a row after which the process is no longer restarted by itself. */
  maxAutoRestarts?: number;
  log?: (line: string) => void;
}

const INSTALL_HINT =
  "Install the CLI with `pip install durable-viz` (a version with `serve`), or set " +
  `\`${COMMAND_SETTING}\` to the command that runs it, e.g. ["/path/to/venv/bin/durable-viz"].`;

interface Queued {
  key: string | undefined;
  body: Record<string, unknown>;
  resolve: (response: ServeResponse) => void;
  reject: (error: Error) => void;
}

interface InFlight {
  id: number;
  request: Queued;
  timer: ReturnType<typeof setTimeout>;
}

/** One running process and what we know of it. */
class Connection {
  ready = false;
  exited = false;
  /** We are stopping it: its exit is not a crash. */
  retired = false;
  version: string | undefined;
  readonly lines = new LineSplitter();
  readonly stderrTail: string[] = [];
  private readonly stderrLines = new LineSplitter();
  private readonly exitWaiters: Array<() => void> = [];

  constructor(
    readonly child: ChildProcess,
    readonly command: ServeCommand,
  ) {}

  noteStderr(chunk: Buffer | string, log: (line: string) => void): void {
    for (const line of this.stderrLines.push(chunk)) {
      log(`[serve stderr] ${line}`);
      if (!line.trim()) continue;
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    }
  }

  /** The last thing the process said on stderr, for an error message. */
  lastWords(): string {
    const rest = this.stderrLines.rest().trim();
    const tail = rest ? [...this.stderrTail, rest] : this.stderrTail;
    return tail.slice(-3).join(" | ");
  }

  markExited(): void {
    if (this.exited) return;
    this.exited = true;
    for (const waiter of this.exitWaiters.splice(0)) waiter();
  }

  whenExited(): Promise<void> {
    return this.exited ? Promise.resolve() : new Promise((resolve) => this.exitWaiters.push(resolve));
  }
}

/**
 * The serve client. `render` coalesces by key: a render waiting to be sent is replaced by a newer
 * one for the same key (its promise rejects with a `superseded` ServeError, which callers ignore).
 * Requests resolve with the CLI's response (ok or not) and reject with a ServeError when the
 * process could not answer.
 */
export class ServeClient {
  private readonly spawnFn: SpawnFn;
  private readonly readyTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly killGraceMs: number;
  private readonly restartDelaysMs: number[];
  private readonly maxAutoRestarts: number;
  private readonly log: (line: string) => void;

  private conn: Connection | undefined;
  private starting: Promise<Connection> | undefined;
  private readonly queue: Queued[] = [];
  private inFlight: InFlight | undefined;
  private nextId = 1;
  private crashes = 0;
  private notBefore = 0;
  private disposed = false;
  private readonly retiring = new Set<Connection>();

  constructor(private readonly options: ServeClientOptions) {
    this.spawnFn = options.spawn ?? ((program, args, opts) => nodeSpawn(program, args, opts));
    this.readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.killGraceMs = options.killGraceMs ?? 1_500;
    this.restartDelaysMs = options.restartDelaysMs ?? [200, 1_000, 3_000, 10_000];
    this.maxAutoRestarts = options.maxAutoRestarts ?? 5;
    this.log = options.log ?? (() => undefined);
  }

  /** The CLI's version from its ready line, once it is running. */
  get version(): string | undefined {
    return this.conn?.version;
  }

  /** The running process's id (for tests and logs). */
  get pid(): number | undefined {
    return this.conn?.child.pid;
  }

  /** Renders; a pending render with the same key that was not sent yet is dropped for this one. */
  render(key: string, params: RenderParams): Promise<ServeResponse> {
    return this.request("render", { ...params }, key);
  }

  /** Asks the process whether it is alive. */
  ping(): Promise<ServeResponse> {
    return this.request("ping", {});
  }

  /** Sends any request; with a key, coalesces with the pending one of the same key. */
  request(method: string, params: Record<string, unknown>, key?: string): Promise<ServeResponse> {
    if (this.disposed) return Promise.reject(new ServeError("stopped", "durable-viz serve was stopped"));
    return new Promise<ServeResponse>((resolve, reject) => {
      if (key !== undefined) {
        const index = this.queue.findIndex((queued) => queued.key === key);
        if (index !== -1) {
          const [old] = this.queue.splice(index, 1);
          old?.reject(new ServeError("superseded", "a newer render of the same document replaced this one"));
        }
      }
      this.queue.push({ key, body: { method, ...params }, resolve, reject });
      this.pump();
    });
  }

  /** Stops the process (a changed command setting): the next request starts a new one. */
  restart(): Promise<void> {
    this.crashes = 0;
    this.notBefore = 0;
    const conn = this.conn;
    if (this.inFlight) this.settle(this.inFlight.id, new ServeError("stopped", "durable-viz serve was restarted"));
    return conn ? this.retire(conn) : Promise.resolve();
  }

  /** Stops for good: pending requests are rejected, the process gets EOF, then signals. */
  dispose(): Promise<void> {
    this.disposed = true;
    const stopped = new ServeError("stopped", "durable-viz serve was stopped");
    for (const queued of this.queue.splice(0)) queued.reject(stopped);
    if (this.inFlight) this.settle(this.inFlight.id, stopped);
    const waits = [...this.retiring].map((conn) => conn.whenExited());
    if (this.conn) waits.push(this.retire(this.conn));
    return Promise.all(waits).then(() => undefined);
  }

  // -- sending -------------------------------------------------------------------------------

  private pump(): void {
    if (this.disposed || this.inFlight || this.queue.length === 0) return;
    const conn = this.conn;
    if (!conn || !conn.ready) {
      this.start().then(
        () => this.pump(),
        (error: Error) => this.failQueue(error),
      );
      return;
    }
    const request = this.queue.shift() as Queued;
    const id = this.nextId++;
    const timer = setTimeout(() => this.onTimeout(conn, id), this.requestTimeoutMs);
    this.inFlight = { id, request, timer };
    const line = JSON.stringify({ id, ...request.body }) + "\n";
    try {
      conn.child.stdin?.write(line);
    } catch (error) {
      // The process is going away; its exit event fails the request.
      this.log(`write failed: ${String(error)}`);
    }
  }

  private settle(id: number, outcome: ServeResponse | Error): void {
    const inFlight = this.inFlight;
    if (!inFlight || inFlight.id !== id) return;
    clearTimeout(inFlight.timer);
    this.inFlight = undefined;
    if (outcome instanceof Error) inFlight.request.reject(outcome);
    else inFlight.request.resolve(outcome);
    // Let the caller's handlers run before the next request goes out.
    queueMicrotask(() => this.pump());
  }

  private failQueue(error: Error): void {
    for (const queued of this.queue.splice(0)) queued.reject(error);
  }

  private onTimeout(conn: Connection, id: number): void {
    const seconds = Math.round(this.requestTimeoutMs / 100) / 10;
    this.log(`request ${id} got no answer within ${seconds} s: replacing the process`);
    const hint = "The file may be too large or the CLI stuck; it was restarted. Try again.";
    this.settle(id, new ServeError("timeout", `durable-viz serve did not answer within ${seconds} s`, hint));
    void this.retire(conn);
  }

  // -- the process ---------------------------------------------------------------------------

  private start(): Promise<Connection> {
    if (this.starting) return this.starting;
    const starting = (async () => {
      const wait = this.notBefore - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.disposed) throw new ServeError("stopped", "durable-viz serve was stopped");
      const command = await this.options.resolveCommand();
      // Stopped while the command was being looked up: start nothing nobody would stop.
      if (this.disposed) throw new ServeError("stopped", "durable-viz serve was stopped");
      return this.launch(command);
    })();
    this.starting = starting;
    const clear = (): void => {
      if (this.starting === starting) this.starting = undefined;
    };
    starting.then(clear, clear);
    return starting;
  }

  private launch(command: ServeCommand): Promise<Connection> {
    const shown = displayCommand(command);
    this.log(`starting: ${shown}`);
    return new Promise<Connection>((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = this.spawnFn(command.program, command.args, {
          stdio: ["pipe", "pipe", "pipe"],
          cwd: this.options.cwd,
          env: this.options.env ?? process.env,
          windowsHide: true,
        });
      } catch (error) {
        reject(this.missing(command, describeSpawnError(error)));
        return;
      }
      const conn = new Connection(child, command);
      this.conn = conn;
      let settled = false;
      const readyTimer = setTimeout(() => {
        const seconds = Math.round(this.readyTimeoutMs / 100) / 10;
        fail(
          new ServeError(
            "ready-timeout",
            `\`${shown}\` did not say it was ready within ${seconds} s`,
            `Check that it is durable-viz with \`serve\` (run it in a terminal). ${INSTALL_HINT}`,
          ),
        );
        void this.retire(conn);
      }, this.readyTimeoutMs);
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(readyTimer);
        if (this.conn === conn) this.conn = undefined;
        reject(error);
      };
      const ready = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(readyTimer);
        resolve(conn);
      };

      child.on("error", (error) => {
        this.log(`process error: ${String(error)}`);
        if (!conn.ready) fail(this.missing(command, describeSpawnError(error)));
        this.onGone(conn, null, null);
      });
      child.on("exit", (code, signal) => {
        if (!conn.ready) {
          const said = conn.lastWords();
          const reason = `exited before it was ready (${exitText(code, signal)})${said ? `: ${said}` : ""}`;
          fail(this.missing(command, reason));
        }
        this.onGone(conn, code, signal);
      });
      child.stdin?.on("error", (error) => this.log(`stdin: ${String(error)}`));
      child.stderr?.on("data", (chunk: Buffer) => conn.noteStderr(chunk, this.log));
      child.stdout?.on("data", (chunk: Buffer) => {
        for (const line of conn.lines.push(chunk)) {
          if (!line.trim()) continue;
          const message = parseLine(line);
          if (message === undefined) {
            this.log(`not JSON on stdout (ignored): ${line.slice(0, 200)}`);
          } else if (!conn.ready) {
            if (message.event !== "ready") {
              this.log(`before ready (ignored): ${line.slice(0, 200)}`);
            } else if (message.protocol !== PROTOCOL) {
              fail(
                new ServeError(
                  "protocol",
                  `\`${shown}\` speaks serve protocol ${String(message.protocol)}; this extension speaks ${PROTOCOL}`,
                  "Install the durable-viz CLI and the extension from the same release (`pip install -U durable-viz`).",
                ),
              );
              void this.retire(conn);
            } else {
              conn.ready = true;
              conn.version = typeof message.version === "string" ? message.version : undefined;
              this.log(`ready: durable-viz ${conn.version ?? "?"} (pid ${String(child.pid)})`);
              ready();
            }
          } else {
            this.onMessage(conn, message);
          }
        }
      });
    });
  }

  private onMessage(conn: Connection, message: Record<string, unknown>): void {
    if (conn !== this.conn) return;
    if (typeof message.event === "string") {
      this.log(`event: ${message.event}`);
      return;
    }
    const inFlight = this.inFlight;
    if (!inFlight) {
      this.log(`answer to no request (ignored): id ${String(message.id)}`);
      return;
    }
    // The process answers in order and we send one at a time, so an id it could not read
    // (null: a request line it could not parse) is the one in flight.
    if (message.id !== inFlight.id && message.id !== null) {
      this.log(`answer for id ${String(message.id)} while waiting for ${inFlight.id} (ignored)`);
      return;
    }
    if (message.ok === true) {
      this.crashes = 0;
      this.settle(inFlight.id, { ...message, results: isObject(message.results) ? message.results : {} } as SuccessResponse);
    } else {
      const error = isObject(message.error) ? message.error : {};
      this.settle(inFlight.id, {
        id: message.id as number | null,
        ok: false,
        error: { ...error, kind: String(error.kind ?? "internal"), message: String(error.message ?? "unknown error") },
      });
    }
  }

  /** The process is gone (exit or spawn error). */
  private onGone(conn: Connection, code: number | null, signal: NodeJS.Signals | null): void {
    if (conn.exited) return;
    const said = conn.lastWords();
    conn.markExited();
    this.retiring.delete(conn);
    const wasCurrent = this.conn === conn;
    if (wasCurrent) this.conn = undefined;
    if (!conn.ready || conn.retired || !wasCurrent) return;
    // A crash: fail what it was doing, and start again after a pause that grows with each crash.
    this.crashes += 1;
    const delay = this.restartDelaysMs[Math.min(this.crashes - 1, this.restartDelaysMs.length - 1)] ?? 1_000;
    this.notBefore = Date.now() + delay;
    this.log(`process stopped unexpectedly (${exitText(code, signal)}); restart in ${delay} ms`);
    if (this.inFlight) {
      this.settle(
        this.inFlight.id,
        new ServeError(
          "crashed",
          `durable-viz serve stopped unexpectedly (${exitText(code, signal)})${said ? `: ${said}` : ""}`,
          "It is restarted by itself; if this repeats, see the Durable Viz output channel.",
        ),
      );
    }
    if (!this.disposed && this.crashes <= this.maxAutoRestarts) {
      this.start().then(
        () => this.pump(),
        (error: Error) => {
          this.log(`restart failed: ${error.message}`);
          this.failQueue(error);
        },
      );
    }
  }

  /** Stops a process on purpose: EOF first (it exits 0), then SIGTERM, then SIGKILL. */
  private retire(conn: Connection): Promise<void> {
    if (this.conn === conn) this.conn = undefined;
    if (conn.exited) return Promise.resolve();
    if (!conn.retired) {
      conn.retired = true;
      this.retiring.add(conn);
      try {
        conn.child.stdin?.end();
      } catch {
        // Already closed: the signals below still apply.
      }
      const term = setTimeout(() => {
        if (!conn.exited) conn.child.kill("SIGTERM");
      }, this.killGraceMs);
      const kill = setTimeout(() => {
        if (!conn.exited) conn.child.kill("SIGKILL");
      }, this.killGraceMs * 2);
      void conn.whenExited().then(() => {
        clearTimeout(term);
        clearTimeout(kill);
      });
    }
    return conn.whenExited();
  }

  private missing(command: ServeCommand, reason: string): ServeError {
    const origin = command.origin === "setting" ? ` (from the \`${COMMAND_SETTING}\` setting)` : "";
    const message = `Could not run the durable-viz CLI: \`${displayCommand(command)}\`${origin} ${reason}`;
    return new ServeError("missing", message, INSTALL_HINT);
  }
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal ${signal}`;
  return code === null ? "no exit code" : `exit code ${code}`;
}

function describeSpawnError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "was not found (ENOENT)";
  if (code === "EACCES") return "is not executable (EACCES)";
  return `could not be started (${error instanceof Error ? error.message : String(error)})`;
}
