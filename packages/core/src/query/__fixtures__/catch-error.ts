/** The error `fn` throws synchronously (fails the test when it throws none). */
export function catchError(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}
