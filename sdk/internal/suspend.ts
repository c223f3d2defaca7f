// Whether the current invocation asked nginx to call the export again (yield or
// subrequest). `handle()` then returns without flushing the response body: the
// response is only complete on the final invocation.
let suspended = false;

/** Mark the current invocation as suspended (it will be re-invoked). */
export function suspend(): void {
  suspended = true;
}

/** Start of an invocation: not suspended until a yield or subrequest says so. */
export function resume(): void {
  suspended = false;
}

/** Whether the current invocation ends in a yield or subrequest. */
export function isSuspended(): bool {
  return suspended;
}
