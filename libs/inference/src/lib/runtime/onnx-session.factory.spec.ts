import { Writable } from 'node:stream';
import pino from 'pino';
import { tinyModelDir } from '@streamscribe/testing';
import { CudaUnavailableError } from './cuda-unavailable.error';
import { OnnxSessionFactory } from './onnx-session.factory';

// This machine has no CUDA libraries (onnxruntime-node is installed without its CUDA binaries),
// so asking for the CUDA execution provider fails for real.
const model = `${tinyModelDir('parakeet')}/decoder_joint-model.onnx`;

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write: (chunk, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()),
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

describe('OnnxSessionFactory', () => {
  it('INFERENCE_DEVICE=cuda without CUDA refuses, saying what to install or set', async () => {
    const { log } = capturedLogger();
    const factory = new OnnxSessionFactory(
      { device: 'cuda', intraOpThreads: 1, graphOptimization: 'all' },
      log,
    );
    const failure = factory.create(model);
    await expect(failure).rejects.toBeInstanceOf(CudaUnavailableError);
    await expect(failure).rejects.toThrow(
      /INFERENCE_DEVICE=cuda but ONNX Runtime's CUDA execution provider did not load \(.+\)\. Install CUDA 12 .* set INFERENCE_DEVICE=auto/,
    );
    expect(factory.activeDevice).toBeUndefined();
  });

  it('INFERENCE_DEVICE=auto falls back to CPU with one warning, then stays there', async () => {
    const { log, lines } = capturedLogger();
    const factory = new OnnxSessionFactory(
      { device: 'auto', intraOpThreads: 1, graphOptimization: 'basic' },
      log,
    );
    const first = await factory.create(model);
    const second = await factory.create(model);
    expect(first.inputNames).toContain('input_states_1');
    expect(second.outputNames).toContain('output_states_1');
    expect(factory.activeDevice).toBe('cpu');
    const warnings = lines.filter((l) => l['level'] === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]['msg']).toBe(
      'INFERENCE_DEVICE=auto: the CUDA execution provider did not load, running on CPU',
    );
    expect(warnings[0]['reason']).toMatch(/Failed to load shared library/);
  });

  it('INFERENCE_DEVICE=cpu never asks for CUDA', async () => {
    const { log, lines } = capturedLogger();
    const factory = new OnnxSessionFactory(
      { device: 'cpu', intraOpThreads: 1, graphOptimization: 'disabled' },
      log,
    );
    await factory.create(model);
    expect(factory.activeDevice).toBe('cpu');
    expect(lines.filter((l) => l['level'] === 40)).toEqual([]);
  });

  it('passes a missing model file through as an error that names it', async () => {
    const { log } = capturedLogger();
    await expect(
      new OnnxSessionFactory({ device: 'auto', intraOpThreads: 1, graphOptimization: 'all' }, log).create(
        '/nowhere/model.onnx',
      ),
    ).rejects.toThrow(/nowhere\/model\.onnx/);
  });
});
