import { expectOnly, fuzzParameters, thrownBy } from './fuzz-parameters';

describe('fuzzParameters', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['FUZZ_RUNS', 'FUZZ_TIME_LIMIT_MS', 'FUZZ_SEED']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('runs the suite default, capped at 2 s per property, a cap that ends the property without failing it', () => {
    delete process.env['FUZZ_RUNS'];
    delete process.env['FUZZ_TIME_LIMIT_MS'];
    delete process.env['FUZZ_SEED'];
    expect(fuzzParameters(500, 1000)).toEqual({
      numRuns: 500,
      interruptAfterTimeLimit: 2000,
      markInterruptAsFailure: false,
      timeout: 1000,
    });
  });

  it('FUZZ_RUNS lifts the cap unless FUZZ_TIME_LIMIT_MS sets one; FUZZ_SEED replays', () => {
    process.env['FUZZ_RUNS'] = '100000';
    process.env['FUZZ_SEED'] = '42';
    delete process.env['FUZZ_TIME_LIMIT_MS'];
    expect(fuzzParameters(500)).toEqual({ numRuns: 100000, seed: 42 });
    process.env['FUZZ_TIME_LIMIT_MS'] = '60000';
    expect(fuzzParameters(500)).toMatchObject({ numRuns: 100000, interruptAfterTimeLimit: 60000 });
    delete process.env['FUZZ_TIME_LIMIT_MS'];
    delete process.env['FUZZ_RUNS'];
    expect(fuzzParameters(40, 30_000, 8_000)).toMatchObject({ numRuns: 40, interruptAfterTimeLimit: 8000 });
    process.env['FUZZ_RUNS'] = 'many';
    expect(() => fuzzParameters(500)).toThrow("FUZZ_RUNS must be a whole number, got 'many'");
  });

  it('expectOnly lets the allowed error types through and rethrows any other', () => {
    expect(() =>
      expectOnly(
        thrownBy(() => JSON.parse('{')),
        SyntaxError,
      ),
    ).not.toThrow();
    expect(() =>
      expectOnly(
        thrownBy(() => null),
        SyntaxError,
      ),
    ).not.toThrow();
    expect(() => expectOnly(new TypeError('x'), SyntaxError, RangeError)).toThrow(TypeError);
  });
});
