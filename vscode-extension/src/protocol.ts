// The serve protocol (version 1) as the client sees it: the message types, the errors of the
// transport, and the line framing of the byte stream. The CLI side is durable_viz/serve.py.

import { StringDecoder } from "node:string_decoder";

/** The protocol version this client speaks. */
export const PROTOCOL = 1;

/** The setting users change when the CLI cannot be found; named in hints. */
export const COMMAND_SETTING = "durableViz.command";

/** What to run: a program and its arguments (`serve` included). */
export interface ServeCommand {
  program: string;
  args: string[];
  /** Where the command came from (`setting`, `path`, `python`, `fallback`, `env`): for messages. */
  origin: string;
}

/** How a request failed on our side of the pipe (the CLI's own errors are responses, not these). */
export type ServeErrorKind = "missing" | "crashed" | "timeout" | "ready-timeout" | "protocol" | "stopped" | "superseded";

/** A failure of the process or the transport, with a one-line hint for the user when we have one. */
export class ServeError extends Error {
  constructor(
    readonly kind: ServeErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "ServeError";
  }
}

/** The options of a render request (see the protocol). */
export interface RenderParams {
  path: string;
  source?: string | null;
  direction?: "TD" | "LR";
  workflow?: string | null;
  nonce?: string;
  formats?: string[];
}

/** A diagnostic as the CLI reports it. */
export interface Diagnostic {
  severity: string;
  code: string;
  message: string;
  file?: string | null;
  line?: number | null;
  column?: number | null;
}

/** A successful answer. */
export interface SuccessResponse {
  id: number | string | null;
  ok: true;
  results: Record<string, unknown>;
  diagnostics?: Diagnostic[];
  /**
   * The files the drawing read (render only): the handler's as the request named it, then each
   * helper file as the JSON's `file` fields name it.
   */
  files?: string[];
  ms?: number;
}

/** The CLI's error, as it would print it (`message`) plus where and a hint. */
export interface ResponseError {
  kind: string;
  message: string;
  file?: string | null;
  line?: number | null;
  column?: number | null;
  hint?: string | null;
}

/** A failed answer: the input could not be drawn (not a transport failure). */
export interface FailureResponse {
  id: number | string | null;
  ok: false;
  error: ResponseError;
}

export type ServeResponse = SuccessResponse | FailureResponse;

/** Splits a byte stream into lines, wherever the chunks were cut (even inside a UTF-8 character). */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";

  /** Adds a chunk; returns the lines it completed, without their line ends. */
  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    let end = text.indexOf("\n");
    while (end !== -1) {
      lines.push(stripCr(this.partial + text.slice(start, end)));
      this.partial = "";
      start = end + 1;
      end = text.indexOf("\n", start);
    }
    this.partial += text.slice(start);
    return lines;
  }

  /** The text after the last line end (a line the stream did not finish). */
  rest(): string {
    return this.partial + this.decoder.end();
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** Shows a command as a user would type it. */
export function displayCommand(command: ServeCommand): string {
  return [command.program, ...command.args].map((part) => (/[\s"']/.test(part) ? JSON.stringify(part) : part)).join(" ");
}
