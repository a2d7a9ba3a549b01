/**
 * Ends the process once its event loop is empty, as it would end by itself, minus the ~10 ms in
 * which Node frees V8's heap and its handles one by one at a natural exit: the system reclaims
 * them at once. Nothing is cut short: an empty loop means every write (stdout on a pipe included)
 * and every close has completed, and `exit` listeners (the code cache's) still run, with
 * `process.exitCode`. Not when another `beforeExit` listener is there: it may start more work.
 */
export function exitWhenIdle(): void {
  process.once('beforeExit', () => {
    if (process.listenerCount('beforeExit') === 0) process.exit();
  });
}

/**
 * Exits with `code` once stdout and stderr have handed the system everything written to them,
 * whatever else still keeps the loop alive. On POSIX, writes to a pipe are asynchronous: a bare
 * process.exit() can lose what a slow reader has not taken yet.
 */
export function exitAfterOutput(code: number): void {
  let open = 2;
  const flushed = (): void => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}
