import { Agent, request } from 'node:http';
import { TEST_ADMIN_API_KEY } from '@streamscribe/testing';

/** A stored API key (what production clients send), minted on the router with the bootstrap key. */
export async function mintKey(port: number, name: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'default', scopes: ['transcribe'], name }),
  });
  if (response.status !== 201) throw new Error(`minting the bench key: HTTP ${response.status}`);
  return ((await response.json()) as { key: string }).key;
}

/** One chunk per request (`POST /v1/sessions/{id}/chunks`); resolves on its 202. */
export function postChunk(
  agent: Agent,
  port: number,
  chunk: Buffer,
  sessionId: string,
  chunkId: string,
  auth: Record<string, string>,
): Promise<{ sessionId: string; chunkId: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/v1/sessions/${sessionId}/chunks?chunkId=${chunkId}`,
        headers: { 'content-type': 'audio/wav', 'content-length': chunk.length, ...auth },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 202
            ? resolve({ sessionId, chunkId })
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(chunk);
  });
}
