import { describe, expect, it } from 'vitest';
import { isWriteQueueTimeoutError } from '../errors/errors';
import { WriteLane } from './write-lane';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WriteLane', () => {
  it('runs at most maxConcurrentWrites writes at once; the others wait for a turn, in order', async () => {
    const lane = new WriteLane({ maxConcurrentWrites: 2, timeoutMs: 5_000 });
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        lane.run(async () => {
          running += 1;
          most = Math.max(most, running);
          order.push(index);
          await later(10);
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lane.load).toEqual({ running: 0, waiting: 0 });
  });

  it('a write that cannot start within timeoutMs fails with WRITE_QUEUE_TIMEOUT and never runs', async () => {
    const lane = new WriteLane({ maxConcurrentWrites: 1, timeoutMs: 30 });
    let ran = false;
    const blocker = lane.run(() => later(100));
    const error = await lane
      .run(async () => {
        ran = true;
      })
      .catch((caught: unknown) => caught);
    expect(isWriteQueueTimeoutError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'WRITE_QUEUE_TIMEOUT' });
    expect(ran).toBe(false);
    await blocker;
    expect(lane.load).toEqual({ running: 0, waiting: 0 });
  });

  it('a write nested in another runs in its parent turn (no deadlock with one turn)', async () => {
    const lane = new WriteLane({ maxConcurrentWrites: 1, timeoutMs: 100 });
    await expect(lane.run(() => lane.run(async () => 'inner'))).resolves.toBe('inner');
  });

  it("a pool acquire timeout (KnexTimeoutError) becomes WRITE_QUEUE_TIMEOUT, never the driver's error", async () => {
    const lane = new WriteLane({ maxConcurrentWrites: 1, timeoutMs: 100 });
    const knexTimeout = Object.assign(new Error('Knex: Timeout acquiring a connection.'), {
      name: 'KnexTimeoutError',
    });
    await expect(lane.run(() => Promise.reject(knexTimeout))).rejects.toMatchObject({
      code: 'WRITE_QUEUE_TIMEOUT',
      cause: knexTimeout,
    });
  });
});
