import { DeepgramClient } from '@deepgram/sdk';
import { TEST_ADMIN_API_KEY, speechWav } from '@streamscribe/testing';
import { RouterStack, startRouterStack } from './testing/router-stack';

// A worker-deepgram process against the fake Deepgram: generous timeouts, no wall-clock assertions.
jest.setTimeout(60_000);

type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("Deepgram's prerecorded POST /v1/listen through the router (official SDK)", () => {
  let stack: RouterStack;
  let client: DeepgramClient;

  beforeAll(async () => {
    stack = await startRouterStack({ worker: { WORKER_BLOCK_MS: '100' } });
    client = new DeepgramClient({ apiKey: TEST_ADMIN_API_KEY, baseUrl: stack.base, maxRetries: 0 });
  }, 90_000);
  afterAll(() => stack?.close());

  it("transcribes a file on the whole-file path and answers in Deepgram's shape", async () => {
    const response = (await client.listen.v1.media.transcribeFile(
      { data: speechWav('the quick brown fox'), contentType: 'audio/wav' },
      { model: 'nova-3', punctuate: true },
    )) as Body;
    const alternative = response.results.channels[0].alternatives[0];
    expect(alternative.transcript.toLowerCase()).toContain('quick brown fox');
    expect(alternative.words.map((w: Body) => w.word)).toEqual(['the', 'quick', 'brown', 'fox']);
    expect(alternative.words[3].end).toBeGreaterThan(alternative.words[0].start);
    expect(response.metadata).toMatchObject({
      channels: 1,
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(response.metadata.duration).toBeGreaterThan(0);
    // The session behind it is an ordinary one: its transcript is readable by id.
    const transcript = await fetch(`${stack.base}/v1/sessions/${response.metadata.request_id}/transcript`, {
      headers: { Authorization: `Token ${TEST_ADMIN_API_KEY}` },
    });
    expect(transcript.status).toBe(200);
  });

  it('refuses a {url} body (it fetches no user-supplied URL) and bad parameters, with Deepgram error bodies', async () => {
    await expect(
      client.listen.v1.media.transcribeUrl({
        url: 'http://169.254.169.254/latest/meta-data',
        model: 'nova-3',
      }),
    ).rejects.toMatchObject({ statusCode: 400, body: { err_msg: expect.stringMatching(/URL/) } });
    const bad = await fetch(`${stack.base}/v1/listen?encoding=opus`, {
      method: 'POST',
      headers: { Authorization: `Token ${TEST_ADMIN_API_KEY}`, 'Content-Type': 'audio/wav' },
      body: speechWav('x'),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      err_code: 'Bad Request',
      err_msg: expect.stringMatching(/encoding/),
    });
    const anonymous = await fetch(`${stack.base}/v1/listen`, { method: 'POST', body: speechWav('x') });
    expect(anonymous.status).toBe(401);
  });
});
