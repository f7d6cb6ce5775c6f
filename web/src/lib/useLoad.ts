// What a screen shows while it loads something: loading, the data, or the error.
import { useCallback, useEffect, useState, type DependencyList } from "react";

export type Loaded<T> =
  | { status: "loading" }
  | { status: "ready"; data: T }
  | { status: "error"; error: unknown };

/** Runs `load` when `deps` change (and on `reload()`), dropping answers that arrive too late. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    load(controller.signal).then(
      (data) => controller.signal.aborted || setState({ status: "ready", data }),
      (error: unknown) => controller.signal.aborted || setState({ status: "error", error }),
    );
    return () => controller.abort();
  }, [...deps, round]); // `load` is new on every render: `deps` say when it asks for something new
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return [state, reload];
}
