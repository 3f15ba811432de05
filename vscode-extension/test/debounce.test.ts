// Debounce with node's fake timers.

import { strict as assert } from "node:assert";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { debounce, KeyedDebounce } from "../src/debounce";

describe("debounce", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
  afterEach(() => mock.timers.reset());

  it("runs once, with the last arguments, after the wait since the last call", () => {
    const calls: number[] = [];
    const debounced = debounce((n: number) => calls.push(n), 300);
    debounced(1);
    mock.timers.tick(200);
    debounced(2);
    mock.timers.tick(299);
    assert.deepEqual(calls, []);
    assert.equal(debounced.pending, true);
    mock.timers.tick(1);
    assert.deepEqual(calls, [2]);
    assert.equal(debounced.pending, false);
    mock.timers.tick(1000);
    assert.deepEqual(calls, [2]);
  });

  it("reads a wait function at each call (a changed setting applies at once)", () => {
    let wait = 100;
    const calls: string[] = [];
    const debounced = debounce((s: string) => calls.push(s), () => wait);
    debounced("a");
    mock.timers.tick(100);
    wait = 500;
    debounced("b");
    mock.timers.tick(499);
    assert.deepEqual(calls, ["a"]);
    mock.timers.tick(1);
    assert.deepEqual(calls, ["a", "b"]);
  });

  it("cancel drops the pending call; flush runs it now", () => {
    const calls: string[] = [];
    const debounced = debounce((s: string) => calls.push(s), 50);
    debounced("x");
    debounced.cancel();
    mock.timers.tick(100);
    assert.deepEqual(calls, []);
    debounced("y");
    debounced.flush();
    assert.deepEqual(calls, ["y"]);
    mock.timers.tick(100);
    assert.deepEqual(calls, ["y"]);
  });

  it("keeps one wait per key", () => {
    const calls: string[] = [];
    const keyed = new KeyedDebounce((key: string) => calls.push(key), 100);
    keyed.call("a");
    mock.timers.tick(60);
    keyed.call("b");
    mock.timers.tick(40);
    assert.deepEqual(calls, ["a"], "typing in b does not delay a");
    keyed.call("b");
    assert.equal(keyed.pending("b"), true);
    keyed.cancel("b");
    mock.timers.tick(500);
    assert.deepEqual(calls, ["a"]);
    assert.equal(keyed.pending("b"), false);
  });
});
