// Shared test helpers: the fake serve script, waiting for a condition, a fake child process.

import { EventEmitter } from "node:events";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import type { ChildProcess } from "node:child_process";
import type { ServeCommand } from "../src/server";

/** The extension folder (tests run from out/unit/). */
export const ROOT = path.resolve(__dirname, "..", "..");
export const FAKE_SERVE = path.join(ROOT, "test", "fixtures", "fake-serve.js");

export function fakeServeCommand(): ServeCommand {
  return { program: process.execPath, args: [FAKE_SERVE], origin: "setting" };
}

export function envWithMode(mode: string): NodeJS.ProcessEnv {
  return { ...process.env, FAKE_SERVE_MODE: mode };
}

/** Resolves once `check` is true (polling), or rejects after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether a process id is alive. */
export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A child process made of streams: the test writes its stdout and reads its stdin. */
export class FakeChild extends EventEmitter {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly pid = 424242;
  readonly written: string[] = [];
  readonly signals: string[] = [];
  constructor() {
    super();
    this.stdin.setEncoding("utf8");
    let buffer = "";
    this.stdin.on("data", (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\n")) !== -1) {
        this.written.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
      }
    });
  }
  /** The requests written so far, parsed. */
  requests(): Array<Record<string, unknown>> {
    return this.written.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  kill(signal = "SIGTERM"): boolean {
    this.signals.push(signal);
    setImmediate(() => this.emit("exit", null, signal));
    return true;
  }
  asChild(): ChildProcess {
    return this as unknown as ChildProcess;
  }
}
