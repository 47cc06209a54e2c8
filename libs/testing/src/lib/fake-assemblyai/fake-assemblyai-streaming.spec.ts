import { WebSocket } from 'ws';
import { FakeAssemblyAIServer } from '../fake-assemblyai-server';
import { spokenScript } from '../live/spoken-words';
import { mulawToPcm } from './streaming-session';

type Message = Record<string, unknown> & { type?: string };

/** A bare WebSocket client: what the fake says outside the SDK's happy path (the SDK's is the provider spec's). */
class Client {
  readonly messages: Message[] = [];
  closed?: { code: number; reason: string };
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as Message));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
    const ws = new WebSocket(url, { headers });
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  async until(check: (client: Client) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 3000;
    while (!check(this)) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  turns(): Message[] {
    return this.messages.filter((m) => m.type === 'Turn');
  }
}

describe('FakeAssemblyAIServer streaming (v3 /v3/ws)', () => {
  let fake: FakeAssemblyAIServer;
  const key = { authorization: FakeAssemblyAIServer.DEFAULT_API_KEY };
  const script = spokenScript([{ words: ['one', 'two'], startMs: 100 }], { totalMs: 1600 });

  beforeAll(async () => (fake = await FakeAssemblyAIServer.start()));
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const url = (query = 'sample_rate=16000') => `${fake.streamingUrl}?${query}`;
  const sendFrames = (client: Client, pcm: Buffer, bytes = 3200) => {
    for (let at = 0; at < pcm.length; at += bytes) client.ws.send(pcm.subarray(at, at + bytes));
  };

  it('serves ws:// without TLS and https-less base URLs', () => {
    expect(fake.streamingUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/ws$/);
  });

  it('Begin, partial Turns with the word being spoken not final, end_of_turn after min_turn_silence', async () => {
    const client = await Client.connect(url('sample_rate=16000&min_turn_silence=200'), key);
    await client.until((c) => c.messages.length > 0, 'Begin');
    expect(client.messages[0]).toMatchObject({
      type: 'Begin',
      id: expect.any(String),
      expires_at: expect.any(Number),
    });
    // 100 ms frames: "one" (100–400 ms) starts in the frame ending at 200 ms: shown up to there, not final.
    sendFrames(client, script.pcm.subarray(0, 9600));
    await client.until((c) => c.turns().length > 0, 'a partial');
    expect(client.turns()[0]).toMatchObject({
      turn_order: 0,
      end_of_turn: false,
      transcript: '',
      words: [{ text: 'one', start: 100, end: 200, word_is_final: false }],
    });
    sendFrames(client, script.pcm.subarray(9600));
    await client.until((c) => c.turns().some((t) => t['end_of_turn']), 'end of turn');
    const end = client.turns().find((t) => t['end_of_turn']);
    expect(end).toMatchObject({
      turn_order: 0,
      turn_is_formatted: false,
      transcript: 'one two',
      end_of_turn_confidence: 1,
      words: [
        { text: 'one', start: 100, end: 400, word_is_final: true },
        { text: 'two', start: 460, end: 760, word_is_final: true },
      ],
    });
    client.ws.send(JSON.stringify({ type: 'Terminate' }));
    await client.until((c) => c.closed !== undefined, 'the close');
    expect(client.messages.at(-1)).toMatchObject({ type: 'Termination', audio_duration_seconds: 2 });
    expect(client.closed).toEqual({ code: 1000, reason: '' });
    expect(fake.streamingConnections[0]).toMatchObject({ audioBytes: script.pcm.length, audioMessages: 16 });
  });

  it('UpdateConfiguration changes min_turn_silence; KeepAlive is accepted; ForceEndpoint ends the turn now', async () => {
    const client = await Client.connect(url(), key);
    client.ws.send(JSON.stringify({ type: 'UpdateConfiguration', min_turn_silence: 5000 }));
    client.ws.send(JSON.stringify({ type: 'KeepAlive' }));
    sendFrames(client, script.pcm);
    await client.until((c) => c.turns().length >= 2, 'partials');
    expect(client.turns().some((t) => t['end_of_turn'])).toBe(false);
    client.ws.send(JSON.stringify({ type: 'ForceEndpoint' }));
    await client.until((c) => c.turns().some((t) => t['end_of_turn']), 'the forced end');
    expect(client.turns().at(-1)).toMatchObject({ end_of_turn: true, transcript: 'one two' });
    expect(client.closed).toBeUndefined();
  });

  it('refuses audio messages outside 50–1000 ms with 3007, and unknown messages with 3006', async () => {
    const long = await Client.connect(url(), key);
    long.ws.send(Buffer.alloc(32_100)); // 1003 ms
    await long.until((c) => c.closed !== undefined, 'the close');
    expect(long.messages.at(-1)).toMatchObject({ type: 'Error', error_code: 3007 });
    expect(long.closed?.code).toBe(3007);

    const short = await Client.connect(url(), key);
    short.ws.send(Buffer.alloc(1500)); // 46.9 ms
    await short.until((c) => c.closed !== undefined, 'the close');
    expect(short.closed?.code).toBe(3007);

    const odd = await Client.connect(url(), key);
    odd.ws.send(JSON.stringify({ type: 'Flush' }));
    await odd.until((c) => c.closed !== undefined, 'the close');
    expect(odd.closed?.code).toBe(3006);
  });

  it('judges credentials and parameters after the upgrade: Error frame, then the close', async () => {
    const wrong = await Client.connect(url(), { authorization: 'nope' });
    await wrong.until((c) => c.closed !== undefined, 'the close');
    expect(wrong.messages).toEqual([{ type: 'Error', error_code: 4001, error: 'Not Authorized' }]);
    expect(wrong.closed).toEqual({ code: 4001, reason: 'Not Authorized' });

    const noRate = await Client.connect(url('encoding=pcm_s16le'), key);
    await noRate.until((c) => c.closed !== undefined, 'the close');
    expect(noRate.closed?.code).toBe(4000);

    const badEncoding = await Client.connect(url('sample_rate=16000&encoding=opus'), key);
    await badEncoding.until((c) => c.closed !== undefined, 'the close');
    expect(badEncoding.closed?.code).toBe(3006);
  });

  it('temporary tokens: GET /v3/token with the key, then ?token= once', async () => {
    const refused = await fetch(`${fake.url}/v3/token?expires_in_seconds=60`, {
      headers: { authorization: 'x' },
    });
    expect(refused.status).toBe(401);
    const badExpiry = await fetch(`${fake.url}/v3/token?expires_in_seconds=0`, { headers: key });
    expect(badExpiry.status).toBe(400);
    const { token } = (await (
      await fetch(`${fake.url}/v3/token?expires_in_seconds=60`, { headers: key })
    ).json()) as { token: string };
    const first = await Client.connect(url(`sample_rate=16000&token=${token}`));
    await first.until((c) => c.messages.length > 0, 'Begin');
    expect(first.messages[0]).toMatchObject({ type: 'Begin' });
    first.ws.close();
    const again = await Client.connect(url(`sample_rate=16000&token=${token}`));
    await again.until((c) => c.closed !== undefined, 'the close');
    expect(again.closed?.code).toBe(4001);
  });

  it('takes pcm_mulaw (decoded; coded words are 16-bit PCM only, so none are heard)', async () => {
    const client = await Client.connect(url('sample_rate=8000&encoding=pcm_mulaw'), key);
    client.ws.send(Buffer.alloc(800, 0xff)); // 100 ms of µ-law silence
    client.ws.send(JSON.stringify({ type: 'Terminate' }));
    await client.until((c) => c.closed !== undefined, 'the close');
    expect(client.turns()).toEqual([]);
    expect(client.closed?.code).toBe(1000);
    expect(mulawToPcm(Buffer.from([0xff, 0x7f, 0x00, 0x80]))).toEqual(
      Buffer.from(new Int16Array([0, 0, -32124, 32124]).buffer),
    );
  });

  it('plays a scripted failure at a word, and records how the connection ended', async () => {
    fake.scriptStreaming({ at: { onWord: 'two' }, failure: { code: 1011, reason: 'Internal error' } });
    const client = await Client.connect(url(), key);
    sendFrames(client, script.pcm);
    await client.until((c) => c.closed !== undefined, 'the close');
    expect(client.closed).toEqual({ code: 1011, reason: 'Internal error' });
    expect(client.turns().map((t) => t['transcript'])).not.toContain('one two');
    expect(fake.streamingConnections[0].ended).toEqual({ code: 1011, reason: 'Internal error' });
  });

  it('answers 404 to upgrades elsewhere', async () => {
    await expect(
      Client.connect(`${fake.url.replace('http', 'ws')}/v2/realtime/ws?sample_rate=16000`, key),
    ).rejects.toThrow(/404/);
  });
});
