// Debouncing: run a function once input has been quiet for a while. Used for typing (redraw)
// and cursor moves (highlight). Kept free of `vscode` so it is tested on its own.

/** A debounced function: call it as often as you like; it runs `wait` ms after the last call. */
export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  /** Drops a pending call. */
  cancel(): void;
  /** Runs a pending call now (nothing when none is pending). */
  flush(): void;
  /** Whether a call is waiting to run. */
  readonly pending: boolean;
}

/**
 * Returns `fn` debounced: each call restarts the wait; the last call's arguments win.
 *
 * @param fn the function to run.
 * @param wait milliseconds of quiet before it runs, or a function giving them (read at each call,
 *   so a changed setting applies at once). Zero or less still defers to a timer of 0 ms.
 */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, wait: number | (() => number)): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastArgs: A | undefined;

  const run = (): void => {
    timer = undefined;
    const args = lastArgs as A;
    lastArgs = undefined;
    fn(...args);
  };

  const debounced = ((...args: A): void => {
    lastArgs = args;
    if (timer !== undefined) clearTimeout(timer);
    const ms = typeof wait === "function" ? wait() : wait;
    timer = setTimeout(run, Math.max(0, Number.isFinite(ms) ? ms : 0));
  }) as Debounced<A>;

  debounced.cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    lastArgs = undefined;
  };
  debounced.flush = (): void => {
    if (timer === undefined) return;
    clearTimeout(timer);
    run();
  };
  Object.defineProperty(debounced, "pending", { get: () => timer !== undefined });
  return debounced;
}

/**
 * One debounced function per key (a document's URI): typing in one file does not delay another's
 * redraw. Keys are forgotten once their call has run.
 */
export class KeyedDebounce<A extends unknown[]> {
  private readonly byKey = new Map<string, Debounced<A>>();

  constructor(
    private readonly fn: (key: string, ...args: A) => void,
    private readonly wait: number | (() => number),
  ) {}

  /** Schedules `fn(key, ...args)`, replacing what was pending for that key. */
  call(key: string, ...args: A): void {
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = debounce((...a: A) => {
        this.byKey.delete(key);
        this.fn(key, ...a);
      }, this.wait);
      this.byKey.set(key, entry);
    }
    entry(...args);
  }

  /** Drops what is pending for one key, or for every key. */
  cancel(key?: string): void {
    for (const [k, entry] of this.byKey) {
      if (key === undefined || k === key) {
        entry.cancel();
        this.byKey.delete(k);
      }
    }
  }

  /** Whether a call is pending for the key. */
  pending(key: string): boolean {
    return this.byKey.get(key)?.pending ?? false;
  }
}
