// The serve client: framing, ids, order, coalescing, and the process's life (with a fake child
// for exact chunking, and a real fake-serve process for crashes, kills and timeouts).

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { LineSplitter, ServeClient, ServeError, type ServeResponse } from "../src/server";
import { alive, envWithMode, FakeChild, fakeServeCommand, until } from "./helpers";

function clientWithFakeChild(options: Partial<ConstructorParameters<typeof ServeClient>[0]> = {}) {
  const children: FakeChild[] = [];
  const client = new ServeClient({
    resolveCommand: () => ({ program: "durable-viz", args: ["serve"], origin: "path" }),
    spawn: () => {
      const child = new FakeChild();
      children.push(child);
      return child.asChild();
    },
    ...options,
  });
  return { client, children };
}

const READY = '{"event": "ready", "protocol": 1, "version": "9.9"}\n';

describe("LineSplitter", () => {
  it("joins lines split anywhere, even inside a UTF-8 character", () => {
    const text = '{"a": "é→😀"}\n{"b": 2}\r\n{"c": 3}\n';
    const bytes = Buffer.from(text, "utf8");
    for (let cut = 1; cut < bytes.length; cut++) {
      const splitter = new LineSplitter();
      const lines = [...splitter.push(bytes.subarray(0, cut)), ...splitter.push(bytes.subarray(cut))];
      assert.deepEqual(lines, ['{"a": "é→😀"}', '{"b": 2}', '{"c": 3}'], `cut at ${cut}`);
      assert.equal(splitter.rest(), "");
    }
  });

  it("keeps an unfinished line until its end comes, one byte at a time", () => {
    const splitter = new LineSplitter();
    const lines: string[] = [];
    for (const byte of Buffer.from('{"x": "ü"}\n{"y"')) lines.push(...splitter.push(Buffer.from([byte])));
    assert.deepEqual(lines, ['{"x": "ü"}']);
    assert.equal(splitter.rest(), '{"y"');
  });
});

describe("ServeClient with a fake child", () => {
  it("waits for the ready line, then sends requests with increasing ids, one at a time, in order", async () => {
    const { client, children } = clientWithFakeChild();
    const first = client.render("a", { path: "/a.py", formats: ["json"] });
    const second = client.render("b", { path: "/b.py", formats: ["json"] });
    await until(() => children.length === 1, 1000, "spawn");
    const child = children[0] as FakeChild;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(child.written.length, 0, "nothing is sent before the ready line");
    // The ready line and the first answer arrive in odd pieces, merged with each other.
    const answer1 = '{"id": 1, "ok": true, "results": {"json": {"n": "é"}}, "diagnostics": [], "ms": 1}\n';
    const stream = Buffer.from(READY.slice(0, 10));
    child.stdout.write(stream);
    child.stdout.write(Buffer.from(READY.slice(10) + answer1.slice(0, 5)));
    await until(() => child.written.length === 1, 1000, "first request");
    child.stdout.write(Buffer.from(answer1.slice(5)));
    const r1 = await first;
    assert.equal(r1.ok, true);
    assert.deepEqual((r1 as Extract<ServeResponse, { ok: true }>).results, { json: { n: "é" } });
    await until(() => child.written.length === 2, 1000, "second request");
    const requests = child.requests();
    assert.deepEqual(
      requests.map((r) => [r.id, r.method, r.path]),
      [
        [1, "render", "/a.py"],
        [2, "render", "/b.py"],
      ],
    );
    child.stdout.write('{"id": 2, "ok": false, "error": {"kind": "no_handler", "message": "b.py:1:1: no durable handler found"}}\n');
    const r2 = await second;
    assert.equal(r2.ok, false);
    assert.equal((r2 as Extract<ServeResponse, { ok: false }>).error.kind, "no_handler");
    assert.equal(client.version, "9.9");
    child.emit("exit", 0, null);
    await client.dispose();
  });

  it("keeps only the latest pending render of a document (coalescing)", async () => {
    const { client, children } = clientWithFakeChild();
    const first = client.render("doc", { path: "/a.py", source: "v1" });
    await until(() => children.length === 1, 1000, "spawn");
    const child = children[0] as FakeChild;
    child.stdout.write(READY);
    await until(() => child.written.length === 1, 1000, "first request");
    // While v1 is in flight, v2, v3 and v4 come: only v4 is sent after it; another key is kept.
    const v2 = client.render("doc", { path: "/a.py", source: "v2" });
    const other = client.render("other", { path: "/b.py", source: "b" });
    const v3 = client.render("doc", { path: "/a.py", source: "v3" });
    const v4 = client.render("doc", { path: "/a.py", source: "v4" });
    for (const dropped of [v2, v3]) {
      await assert.rejects(dropped, (error: unknown) => error instanceof ServeError && error.kind === "superseded");
    }
    child.stdout.write('{"id": 1, "ok": true, "results": {}}\n');
    await first;
    await until(() => child.written.length === 2, 1000, "second request");
    child.stdout.write('{"id": 2, "ok": true, "results": {}}\n');
    await until(() => child.written.length === 3, 1000, "third request");
    child.stdout.write('{"id": 3, "ok": true, "results": {}}\n');
    await Promise.all([other, v4]);
    assert.deepEqual(
      child.requests().map((r) => r.source),
      ["v1", "b", "v4"],
    );
    child.emit("exit", 0, null);
    await client.dispose();
  });

  it("takes an answer with id null (a line the server could not read) as the one in flight", async () => {
    const { client, children } = clientWithFakeChild();
    const pending = client.ping();
    await until(() => children.length === 1, 1000, "spawn");
    const child = children[0] as FakeChild;
    child.stdout.write(READY + "not json at all\n");
    await until(() => child.written.length === 1, 1000, "request");
    child.stdout.write('{"id": null, "ok": false, "error": {"kind": "usage", "message": "bad line"}}\n');
    const response = await pending;
    assert.equal(response.ok, false);
    assert.equal((response as Extract<ServeResponse, { ok: false }>).error.kind, "usage");
    child.emit("exit", 0, null);
    await client.dispose();
  });

  it("refuses a server speaking another protocol, with a hint", async () => {
    const { client, children } = clientWithFakeChild();
    const pending = client.ping();
    await until(() => children.length === 1, 1000, "spawn");
    (children[0] as FakeChild).stdout.write('{"event": "ready", "protocol": 2}\n');
    await assert.rejects(pending, (error: unknown) => error instanceof ServeError && error.kind === "protocol" && /protocol 2/.test(error.message) && /pip install -U durable-viz/.test(error.hint ?? ""));
    (children[0] as FakeChild).emit("exit", 0, null);
    await client.dispose();
  });

  it("rejects requests after dispose", async () => {
    const { client } = clientWithFakeChild();
    await client.dispose();
    await assert.rejects(client.ping(), (error: unknown) => error instanceof ServeError && error.kind === "stopped");
  });
});

describe("ServeClient with a real process", () => {
  const base = { resolveCommand: fakeServeCommand, restartDelaysMs: [50, 100], killGraceMs: 300 };

  it("renders, then after a crash rejects the request in flight, restarts, and the next request works", async () => {
    const lines: string[] = [];
    const client = new ServeClient({ ...base, env: envWithMode("normal"), log: (line) => lines.push(line) });
    const first = await client.render("a", { path: "/x/a.ts", source: "one", formats: ["html", "update"] });
    assert.equal(first.ok, true);
    const pid1 = client.pid;
    assert.ok(alive(pid1));
    await assert.rejects(
      client.render("a", { path: "/x/a.ts", source: "CRASH" }),
      (error: unknown) => error instanceof ServeError && error.kind === "crashed" && /exit code 3/.test(error.message),
    );
    const after = await client.render("a", { path: "/x/a.ts", source: "two", formats: ["update"] });
    assert.equal(after.ok, true);
    const payload = (after as Extract<ServeResponse, { ok: true }>).results.update as { pid: number; source: string };
    assert.equal(payload.source, "two");
    assert.notEqual(payload.pid, pid1, "a new process answered");
    assert.ok(lines.some((line) => line.includes("restart in 50 ms")), lines.join("\n"));
    const pid2 = client.pid;
    await client.dispose();
    assert.equal(alive(pid2), false, "dispose stopped the process");
  });

  it("restarts by itself after a crash, with nothing pending", async () => {
    const client = new ServeClient({ ...base, env: envWithMode("normal") });
    await client.ping();
    const pid1 = client.pid;
    await assert.rejects(client.render("a", { path: "/a.py", source: "CRASH" }));
    await until(() => client.pid !== undefined && client.pid !== pid1, 3000, "restart");
    assert.ok(alive(client.pid));
    await client.dispose();
  });

  it("answers in request order with slow and fast requests mixed", async () => {
    const client = new ServeClient({ ...base, env: envWithMode("normal") });
    const sources = ["SLOW:80", "fast1", "SLOW:30", "fast2"];
    const responses = await Promise.all(sources.map((source, i) => client.render(`k${i}`, { path: `/f${i}.py`, source })));
    assert.deepEqual(
      responses.map((r) => ((r as Extract<ServeResponse, { ok: true }>).results.update as { source: string }).source),
      sources,
    );
    await client.dispose();
  });

  it("stop kills a process that ignores EOF and SIGTERM", async () => {
    const client = new ServeClient({ ...base, env: envWithMode("stubborn"), killGraceMs: 150 });
    await client.ping();
    const pid = client.pid;
    assert.ok(alive(pid));
    const started = Date.now();
    await client.dispose();
    assert.equal(alive(pid), false);
    assert.ok(Date.now() - started >= 250, "it was given its grace period first");
  });

  it("a request that gets no answer times out, and the stuck process is replaced", async () => {
    const client = new ServeClient({ ...base, env: envWithMode("normal"), requestTimeoutMs: 300 });
    await client.ping();
    const pid1 = client.pid;
    await assert.rejects(client.render("a", { path: "/a.py", source: "HANG" }), (error: unknown) => error instanceof ServeError && error.kind === "timeout");
    const next = await client.render("a", { path: "/a.py", source: "fine" });
    assert.equal(next.ok, true);
    assert.notEqual(client.pid, pid1);
    await until(() => !alive(pid1), 3000, "old process gone");
    await client.dispose();
  });

  it("a missing program gives an install hint naming the command tried and the setting", async () => {
    const client = new ServeClient({ resolveCommand: () => ({ program: "/nonexistent/durable-viz", args: ["serve"], origin: "setting" }) });
    await assert.rejects(client.ping(), (error: unknown) => {
      assert.ok(error instanceof ServeError);
      assert.equal(error.kind, "missing");
      assert.match(error.message, /\/nonexistent\/durable-viz serve/);
      assert.match(error.message, /ENOENT/);
      assert.match(error.message, /durableViz\.command/);
      assert.match(error.hint ?? "", /pip install durable-viz/);
      assert.match(error.hint ?? "", /durableViz\.command/);
      return true;
    });
    await client.dispose();
  });

  it("a CLI that exits before it is ready is reported with what it said", async () => {
    const client = new ServeClient({ ...base, env: envWithMode("exit-early") });
    await assert.rejects(client.ping(), (error: unknown) => {
      assert.ok(error instanceof ServeError);
      assert.equal(error.kind, "missing");
      assert.match(error.message, /exited before it was ready \(exit code 1\)/);
      assert.match(error.message, /No module named durable_viz/);
      assert.match(error.hint ?? "", /pip install durable-viz/);
      return true;
    });
    await client.dispose();
  });

  it("a CLI that never says ready times out and is killed", async () => {
    const client = new ServeClient({ ...base, env: envWithMode("never-ready"), readyTimeoutMs: 300, killGraceMs: 100 });
    let pid: number | undefined;
    const pending = client.ping();
    await until(() => client.pid !== undefined, 2000, "spawn");
    pid = client.pid;
    await assert.rejects(pending, (error: unknown) => error instanceof ServeError && error.kind === "ready-timeout" && /within 0.3 s/.test(error.message));
    await until(() => !alive(pid), 3000, "killed");
    await client.dispose();
  });

  it("restart() stops the process; the next request starts a new one", async () => {
    const client = new ServeClient({ ...base, env: envWithMode("normal") });
    await client.ping();
    const pid1 = client.pid;
    await client.restart();
    assert.equal(alive(pid1), false);
    assert.equal((await client.ping()).ok, true);
    assert.notEqual(client.pid, pid1);
    await client.dispose();
  });
});
