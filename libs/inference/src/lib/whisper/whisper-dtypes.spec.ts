import { InferenceSession } from 'onnxruntime-node';
import { createLogger } from '@streamscribe/observability';
import { TINY_WHISPER_DETECTED_LANGUAGE, TINY_WHISPER_TEXT, tinyModelDir } from '@streamscribe/testing';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { WhisperEngine, WhisperWindow } from './whisper-engine';
import { WhisperDtype, loadWhisperModelFiles } from './whisper-model-files';

// fp16 runs on CPU through casts around the kernels ONNX Runtime lacks in float16: slower.
jest.setTimeout(30_000);

// The committed tiny export's weight variants (tools/models/dtype_variants.py), loaded through
// WhisperEngine.load as WHISPER_MODEL_DTYPE selects them in the workers.
const dir = tinyModelDir('whisper');
const sessions = () =>
  new OnnxSessionFactory(
    { device: 'cpu', intraOpThreads: 1, graphOptimization: 'all' },
    createLogger('test'),
  );
const tone = (seconds: number) =>
  Float32Array.from(
    { length: Math.round(seconds * 16000) },
    (_, i) => 0.2 * Math.sin((2 * Math.PI * 440 * i) / 16000),
  );
const window = (samples: Float32Array, extra: Partial<WhisperWindow> = {}): WhisperWindow => ({
  samples,
  offsetSeconds: 0,
  language: 'en',
  task: 'transcribe',
  timestamps: false,
  ...extra,
});

describe.each<WhisperDtype>(['fp16', 'int8'])('the tiny Whisper export in %s', (dtype) => {
  let engine: WhisperEngine;
  beforeAll(async () => {
    engine = await WhisperEngine.load(dir, sessions(), dtype);
  });

  it('loads its own files', () => {
    expect(engine.files.encoderPath).toMatch(new RegExp(`onnx/encoder_model_${dtype}\\.onnx$`));
    expect(engine.files.decoderPath).toMatch(new RegExp(`onnx/decoder_model_merged_${dtype}\\.onnx$`));
  });

  it('detects the language and decodes a batch to the known text, with timestamps', async () => {
    const [detected, timed] = await engine.transcribeBatch([
      window(tone(1), { language: undefined }),
      window(tone(3), { timestamps: true, offsetSeconds: 30 }),
    ]);
    expect(detected).toMatchObject({ language: TINY_WHISPER_DETECTED_LANGUAGE, text: TINY_WHISPER_TEXT });
    expect(timed.segments).toEqual([{ start: 30, end: 31, text: TINY_WHISPER_TEXT }]);
    for (const w of timed.words) expect(w.confidence).toBeGreaterThan(0.9);
  });
});

describe('fp16 exports', () => {
  it('take and give float16 tensors, which the session factory converts at the boundary', async () => {
    const files = loadWhisperModelFiles(dir, 'fp16');
    const raw = await InferenceSession.create(files.decoderPath);
    const type = (metadata: readonly InferenceSession.ValueMetadata[], name: string) =>
      metadata.find((m) => m.name === name && m.isTensor) as InferenceSession.TensorValueMetadata;
    expect(type(raw.inputMetadata, 'encoder_hidden_states').type).toBe('float16');
    expect(type(raw.outputMetadata, 'logits').type).toBe('float16');
    const wrapped = await sessions().create(files.decoderPath);
    expect(type(wrapped.inputMetadata, 'encoder_hidden_states').type).toBe('float32');
    expect(type(wrapped.inputMetadata, 'input_ids').type).toBe('int64');
    expect(type(wrapped.outputMetadata, 'logits').type).toBe('float32');
  });
});
