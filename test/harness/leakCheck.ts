import { afterEach, beforeEach, expect } from 'vitest';

/**
 * Fails a test that leaves a network connection open: a consumer, producer, admin client or pool
 * that was made in the test and not closed. Connections made in beforeAll are part of the
 * baseline. Closing is asynchronous, so the check waits a little for sockets to go.
 */
const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

let baseline = 0;

beforeEach(() => {
  baseline = sockets();
});

afterEach(async () => {
  const deadline = Date.now() + 3_000;
  while (sockets() > baseline && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(
    sockets(),
    'the test left connections open (a consumer, producer, admin or pool not closed)',
  ).toBeLessThanOrEqual(baseline);
});
