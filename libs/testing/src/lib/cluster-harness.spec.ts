import { ClusterHarness } from './cluster-harness';

jest.setTimeout(90_000);

describe('ClusterHarness', () => {
  let cluster: ClusterHarness;

  beforeAll(async () => {
    cluster = await ClusterHarness.start();
  });
  afterAll(() => cluster?.stop());

  it('starts 3 primaries with a replica each, every slot served', async () => {
    const nodes = await cluster.nodes();
    const primaries = nodes.filter((node) => node.role === 'primary');
    expect(primaries).toHaveLength(3);
    expect(nodes.filter((node) => node.role === 'replica')).toHaveLength(3);
    const served = primaries.flatMap((node) => node.slots).reduce((sum, [a, b]) => sum + b - a + 1, 0);
    expect(served).toBe(16384);
    expect(cluster.seedNodes.split(',')).toHaveLength(6);
  });

  it('promotes the replica of a killed primary; the key is served again with its data', async () => {
    const client = cluster.client();
    try {
      // WAIT has no key: in a pipeline it goes to the node the SET went to (alone, to any node).
      const [, waited] = (await client.pipeline().set('{0}:survivor', 'here').wait(1, 1000).exec()) ?? [];
      expect(waited?.[1]).toBe(1);
      const before = await cluster.primaryFor('{0}:survivor');
      const replica = (await cluster.nodes()).find((node) => node.primaryId === before.id);
      await cluster.killPrimary(before);
      const primaries = await cluster.waitForFailover();
      const after = await cluster.primaryFor('{0}:survivor');
      expect(after.port).toBe(replica?.port);
      expect(primaries.map((node) => node.port)).toContain(after.port);
      expect(await client.get('{0}:survivor')).toBe('here');
    } finally {
      client.disconnect();
    }
  });
});
