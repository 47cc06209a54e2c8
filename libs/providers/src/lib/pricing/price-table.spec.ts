import { DEFAULT_PRICE_TABLE, costOf, parsePriceTable } from './price-table';

describe('price table', () => {
  it('prices audio per minute by provider and model, falling back to the provider default', () => {
    expect(costOf(DEFAULT_PRICE_TABLE, 'deepgram', 'nova-3', 60)).toEqual({
      usd: 0.0043,
      micros: 4300,
      rate: 0.0043,
    });
    expect(costOf(DEFAULT_PRICE_TABLE, 'assemblyai', 'nano', 30)).toMatchObject({ micros: 1000 });
    expect(costOf(DEFAULT_PRICE_TABLE, 'assemblyai', 'some-new-model', 60)).toMatchObject({ rate: 0.0025 });
    expect(costOf(DEFAULT_PRICE_TABLE, 'whisper', undefined, 600)).toMatchObject({ usd: 0 });
  });

  it('lays PRICE_TABLE over the defaults', () => {
    const table = parsePriceTable('{"deepgram":{"nova-3":0.0036},"whisper":{"*":0.0008}}');
    expect(table.deepgram).toMatchObject({ 'nova-3': 0.0036, 'nova-2': 0.0043 });
    expect(table.whisper['*']).toBe(0.0008);
    expect(table.assemblyai).toEqual(DEFAULT_PRICE_TABLE.assemblyai);
    expect(parsePriceTable('  ')).toBe(DEFAULT_PRICE_TABLE);
  });

  it.each([
    ['{', /PRICE_TABLE is not JSON/],
    ['[1]', /must be a JSON object/],
    ['{"openai":{"*":1}}', /unknown provider 'openai'/],
    ['{"deepgram":3}', /PRICE_TABLE.deepgram must be an object/],
    ['{"deepgram":{"nova-3":-1}}', /PRICE_TABLE.deepgram.nova-3 must be a non-negative number/],
    ['{"deepgram":{"nova-3":"cheap"}}', /got "cheap"/],
  ])('rejects %s saying what is wrong', (json, message) => {
    expect(() => parsePriceTable(json)).toThrow(message);
  });
});
