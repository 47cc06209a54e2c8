import { AddressInfo, createServer as createTcpServer } from 'node:net';
import { Server, createServer } from 'node:http';
import { reachableCheck } from './reachable-check';

describe('reachableCheck', () => {
  let server: Server;
  let url: string;
  const seen: { method?: string; authorization?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method, authorization: req.headers.authorization });
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('passes on any HTTP answer, a 404 included, and sends no credentials', async () => {
    await expect(reachableCheck('api', url).check()).resolves.toBeUndefined();
    expect(seen).toEqual([{ method: 'HEAD', authorization: undefined }]);
  });

  it('fails naming the origin and the reason when nothing listens', async () => {
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    await expect(reachableCheck('api', `http://127.0.0.1:${port}/v1`).check()).rejects.toThrow(
      new RegExp(`http://127.0.0.1:${port} unreachable: .*ECONNREFUSED`),
    );
  });

  it('fails when the endpoint does not answer within the timeout', async () => {
    const silent = createTcpServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      await expect(reachableCheck('api', `http://127.0.0.1:${port}`, 100).check()).rejects.toThrow(
        /unreachable: .*(timeout|aborted)/i,
      );
    } finally {
      silent.close();
    }
  });
});
