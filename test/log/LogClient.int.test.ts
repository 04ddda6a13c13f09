import { afterEach, describe, expect, it } from 'vitest';
import { LogClient } from '../../src/log/index.ts';
import { kafkaBrokers, testLogger, testPrefix } from '../harness/testServices.ts';
import { tcpProxy, type TcpProxy } from './support/tcpProxy.ts';

describe('the log client', () => {
  let proxy: TcpProxy | undefined;
  let client: LogClient | undefined;
  afterEach(async () => {
    await client?.close();
    await proxy?.cut();
  });

  it('connects its admin again after a failed connect, once the broker answers', async () => {
    const brokerPort = Number(kafkaBrokers()[0]?.split(':')[1] ?? 9092);
    proxy = await tcpProxy(brokerPort, { open: false });
    client = new LogClient({
      brokers: [`127.0.0.1:${proxy.port}`],
      clientId: 'projectionist-test',
      prefix: testPrefix(),
      logger: testLogger(),
      retries: 0,
    });
    await expect(client.describeCluster()).rejects.toThrow();
    await proxy.open();
    expect((await client.describeCluster()).brokers).toBeGreaterThan(0);
  });
});
