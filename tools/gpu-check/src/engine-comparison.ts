import { join } from 'node:path';
import {
  OnnxSessionFactory,
  ParakeetEngine,
  WhisperEngine,
  type WhisperWindow,
} from '@streamscribe/inference';
import { Tensor } from 'onnxruntime-node';
import { createLogger } from '@streamscribe/observability';

export interface Comparison {
  what: string;
  cpu: string;
  cuda: string;
  agree: boolean;
}

type Device = 'cpu' | 'cuda';
const DEVICES: Device[] = ['cpu', 'cuda'];

const sessionsOn = (device: Device) =>
  new OnnxSessionFactory({ device, intraOpThreads: 0, graphOptimization: 'all' }, createLogger('gpu-check'));

/** A 220 Hz tone plus noise, as bench:inference uses: the same samples on both devices. */
function audio(seconds: number, seed: number): Float32Array {
  return Float32Array.from({ length: seconds * 16000 }, (_, i) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16000) + 0.1 * (seed / 2 ** 31 - 0.5);
  });
}

const windows = (count: number, fixedSteps?: number): WhisperWindow[] =>
  Array.from({ length: count }, (_, i) => ({
    samples: audio(5 + i, i + 1),
    offsetSeconds: 0,
    language: 'en',
    task: 'transcribe',
    timestamps: false,
    fixedSteps,
  }));

/**
 * Both engines on CPU and on CUDA over the same inputs. The tiny test models must decode to the
 * same text on both; the Whisper-base-shaped export (random weights) must give encoder states
 * within 1 % of the largest value (CUDA may use TF32 and other kernels), and its decoded tokens
 * are compared for information: random weights make near-ties, where rounding may flip a token.
 */
export async function compareEngines(tinyModels: string, whisperBaseDir?: string): Promise<Comparison[]> {
  const rows: Comparison[] = [];
  const whisperTexts: Record<Device, string[]> = { cpu: [], cuda: [] };
  const parakeetTexts: Record<Device, string[]> = { cpu: [], cuda: [] };
  for (const device of DEVICES) {
    const whisper = await WhisperEngine.load(join(tinyModels, 'whisper'), sessionsOn(device));
    whisperTexts[device] = (await whisper.transcribeBatch(windows(3))).map((r) => r.text);
    const parakeet = await ParakeetEngine.load(join(tinyModels, 'parakeet'), sessionsOn(device));
    parakeetTexts[device] = (await parakeet.transcribeBatch([audio(1, 1), audio(2, 2)])).map((r) => r.text);
  }
  rows.push(textRow('tiny Whisper, batch of 3: text', whisperTexts));
  rows.push(textRow('tiny Parakeet, batch of 2: text', parakeetTexts));
  if (whisperBaseDir) rows.push(...(await compareWhisperBase(whisperBaseDir)));
  return rows;
}

function textRow(what: string, texts: Record<Device, string[]>): Comparison {
  return {
    what,
    cpu: texts.cpu.join(' | '),
    cuda: texts.cuda.join(' | '),
    agree: texts.cpu.join('\n') === texts.cuda.join('\n'),
  };
}

async function compareWhisperBase(dir: string): Promise<Comparison[]> {
  const states: Partial<Record<Device, Float32Array>> = {};
  const texts: Record<Device, string[]> = { cpu: [], cuda: [] };
  for (const device of DEVICES) {
    const sessions = sessionsOn(device);
    const engine = await WhisperEngine.load(dir, sessions);
    const features = engine.features.compute(audio(10, 1));
    const encoder = await sessions.create(engine.files.encoderPath);
    const { feature_size: bins, nb_max_frames: frames } = engine.files.features;
    const { last_hidden_state } = await encoder.run({
      input_features: new Tensor('float32', features, [1, bins, frames]),
    });
    states[device] = last_hidden_state.data as Float32Array;
    texts[device] = (await engine.transcribeBatch(windows(2, 32))).map((r) => r.text);
  }
  const [cpu, cuda] = [states.cpu as Float32Array, states.cuda as Float32Array];
  let largest = 0;
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) {
    largest = Math.max(largest, Math.abs(cpu[i]));
    worst = Math.max(worst, Math.abs(cpu[i] - cuda[i]));
  }
  const relative = worst / (largest || 1);
  const sameTokens = texts.cpu.filter((t, i) => t === texts.cuda[i]).length;
  return [
    {
      what: 'Whisper-base shape, encoder states: largest |CPU − CUDA| / largest |CPU|',
      cpu: `largest |value| ${largest.toPrecision(4)}`,
      cuda: `${relative.toExponential(2)}`,
      agree: relative < 0.01,
    },
    {
      what: 'Whisper-base shape, 32 fixed steps, 2 windows: same tokens',
      cpu: `${sameTokens} of 2 windows`,
      cuda: '(random weights: informational)',
      agree: true,
    },
  ];
}
