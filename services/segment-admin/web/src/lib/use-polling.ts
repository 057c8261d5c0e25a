import { useEffect, useRef } from 'react';

/**
 * Calls `task` now and then every `intervalMs` after the previous call settled, so a slow
 * server never gets overlapping requests. Polling pauses while the tab is hidden and catches up
 * as soon as it is visible again. The signal aborts the call in flight on unmount.
 */
export function usePolling(
  task: (signal: AbortSignal) => Promise<void>,
  intervalMs: number,
  deps: readonly unknown[],
): void {
  const taskRef = useRef(task);
  taskRef.current = task;

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const tick = async () => {
      timer = undefined;
      if (document.visibilityState === 'visible') {
        await taskRef.current(controller.signal).catch(() => undefined);
      }
      if (!controller.signal.aborted) timer = setTimeout(tick, intervalMs);
    };
    const onVisible = () => {
      if (document.visibilityState !== 'visible' || timer === undefined) return;
      clearTimeout(timer);
      tick();
    };

    tick();
    document.addEventListener('visibilitychange', onVisible);

    return () => {
      controller.abort();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
    // The caller lists what the task depends on; the task itself is read through the ref.
  }, [intervalMs, ...deps]);
}
