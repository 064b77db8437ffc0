import { PropsError } from '../lib/core/problems';

/**
 * The message of the {@link PropsError} `fn` throws. Fails the test when `fn` throws anything else or nothing, and
 * when a line of the message does not start with the construct path (or generated file) in brackets: every line
 * names where the problem is.
 */
export function propsErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof PropsError)) throw new Error(`expected a PropsError, got: ${String(e)}`, { cause: e });
    const bad = e.message.split('\n').filter((line) => !/^\[[^\]]+\] '[^']+'|^\[[^\]]+\] /.test(line));
    if (bad.length > 0) throw new Error(`every line must start with [path], got: ${JSON.stringify(bad)}`, { cause: e });
    return e.message;
  }
  throw new Error('expected a PropsError, got no error');
}
