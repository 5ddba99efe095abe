/**
 * A signal that aborts after `ms` (reason: a TimeoutError) or when `parent` aborts (its reason), for the
 * duration of `work`; the timer and the listener are removed when `work` settles.
 *
 * Not `AbortSignal.any([AbortSignal.timeout(ms), parent])`: on Node 20 the composite holds its sources
 * weakly, so once a garbage collection takes the timeout signal (nothing else references it) the composite
 * never aborts, and a fetch waiting on it waits forever.
 */
export async function withDeadline<T>(ms: number, parent: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onParentAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', onParentAbort);
  }
}
