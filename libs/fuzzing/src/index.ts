export { expectOnly, fuzzParameters, thrownBy } from './lib/fuzz-parameters';
export {
  audioBytesArb,
  dataChunkArb,
  fmtBody,
  fmtChunkArb,
  fmtFieldsArb,
  hostileWavArb,
  mangledWavArb,
  otherChunkArb,
  plausibleWavArb,
  riffChunkBytes,
} from './lib/wav-arbitraries';
export type { FmtFields, RiffChunkSpec } from './lib/wav-arbitraries';
export { contentTypeArb } from './lib/content-type-arbitraries';
