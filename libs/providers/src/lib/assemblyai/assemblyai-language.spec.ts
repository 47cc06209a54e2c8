import { toAssemblyAILanguage } from './assemblyai.provider';

describe('toAssemblyAILanguage', () => {
  it.each([
    ['en', 'en'],
    ['en-US', 'en_us'],
    ['en-GB', 'en_uk'],
    ['en_uk', 'en_uk'],
    ['en-AU', 'en_au'],
    ['en-IN', 'en'],
    ['de-DE', 'de'],
    ['pt-BR', 'pt'],
    ['FR', 'fr'],
  ])('%s → %s (codes AssemblyAI accepts)', (tag, code) => {
    expect(toAssemblyAILanguage(tag)).toBe(code);
  });
});
