// Shared by the login strategies' tests: catching a login failure and turning it into every text
// a host could log, so that tests can assert no credential, token or cookie is in any of them.
// (No nock import here: tests over real sockets, such as NTLM's, use this kit too.)

/** Awaits a promise that must reject with an `Error` and returns that error. */
export async function captureError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof Error)) throw new Error(`expected a rejection with an Error, got ${typeof error}`);
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** Every way an error may be printed: message, stack, JSON, own properties (enumerable or not), cause. */
export function describeError(error: Error): string {
  const own = Object.getOwnPropertyNames(error).map(
    (key) => `${key}=${String((error as unknown as Record<string, unknown>)[key])}`,
  );
  return [
    error.message,
    String(error.stack),
    JSON.stringify(error),
    JSON.stringify(Object.entries(error)),
    ...own,
    String(error.cause),
  ].join('\n');
}
