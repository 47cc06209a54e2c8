import fc from 'fast-check';
import { controlMessageProblem } from './live-control-message';

describe('controlMessageProblem (what a client may send on the results WebSocket)', () => {
  it('takes KeepAlive and answers anything else with an error code and a message', () => {
    expect(controlMessageProblem(Buffer.from('{"type":"KeepAlive"}'), false)).toBeUndefined();
    expect(controlMessageProblem(Buffer.from('{"type":"Finalize"}'), false)?.data.code).toBe(
      'unknown_message',
    );
    expect(controlMessageProblem(Buffer.from('not json'), false)?.data.code).toBe('malformed_message');
    expect(controlMessageProblem(Buffer.from('[1,2]'), false)?.data.code).toBe('malformed_message');
    expect(controlMessageProblem(Buffer.from('null'), false)?.data.code).toBe('malformed_message');
    expect(controlMessageProblem(Buffer.from([0, 1, 2]), true)?.data.code).toBe('unknown_message');
    expect(
      controlMessageProblem([Buffer.from('{"type":'), Buffer.from('"KeepAlive"}')], false),
    ).toBeUndefined();
  });

  it('never throws, whatever bytes come', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), (bytes, isBinary) => {
        const problem = controlMessageProblem(Buffer.from(bytes), isBinary);
        if (problem) expect(problem.data.message.length).toBeLessThan(200);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.json(), (json) => {
        controlMessageProblem(Buffer.from(json), false);
      }),
      { numRuns: 500 },
    );
  });
});
