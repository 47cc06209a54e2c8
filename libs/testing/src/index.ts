export { freePort, RedisHarness } from './lib/redis-harness';
export { logRecords } from './lib/log-records';
export { redisCommandCalls } from './lib/redis-command-calls';
export { ClusterHarness, parseClusterNodes } from './lib/cluster-harness';
export type { ClusterHarnessOptions, ClusterNode } from './lib/cluster-harness';
export type { RedisHarnessOptions, SecureRedisOptions } from './lib/redis-harness';
export { SentinelHarness } from './lib/sentinel-harness';
export type { RedisAddress, SentinelHarnessOptions } from './lib/sentinel-harness';
export { createTestCertificates } from './lib/redis-tls/test-certificates';
export type { TestCertificates, TestClientTls } from './lib/redis-tls/test-certificates';
export { readSpeech, speechPcm, speechWav } from './lib/test-speech';
export type { InjectedFailure } from './lib/fake-server/injected-failure';
export { seededRandom } from './lib/fake-server/seeded-random';
export { readSpeechTranscriber } from './lib/fake-deepgram/listen-audio';
export { FakeDeepgramServer } from './lib/fake-deepgram-server';
export type { FakeLiveConnection, LiveConnectionRecord } from './lib/fake-deepgram/live/fake-live-connection';
export type { LiveFault, LiveTrigger } from './lib/fake-deepgram/live/live-fault';
export type { LiveServerMessage, LiveResultsMessage } from './lib/fake-deepgram/live/live-messages';
export { linear16ToMulaw, mulawToLinear16 } from './lib/fake-deepgram/live/mulaw';
export { AppProcess, READY_LINE } from './lib/app-process';
export { WorkerFleet } from './lib/chaos/worker-fleet';
export type { WorkerLifetime, WorkerSpec } from './lib/chaos/worker-fleet';
export { FakeAssemblyAIServer } from './lib/fake-assemblyai-server';
export type { FakeAssemblyAIServerOptions } from './lib/fake-assemblyai-server';
export type {
  FakeStreamingScript,
  RecordedStreamingConnection,
} from './lib/fake-assemblyai/streaming-session';
export type { LocalServerTls } from './lib/fake-server/local-http-server';
export { trustTestCertificateAuthority } from './lib/fake-server/trust-test-ca';
export { until } from './lib/until';
export { parsePrometheusText, sampleValue } from './lib/prometheus-exposition';
export { startStandInWorker } from './lib/stand-in-worker';
export {
  TINY_WHISPER_ALIGNED_WORDS,
  TINY_WHISPER_BEAM_SEGMENT_END,
  TINY_WHISPER_DETECTED_LANGUAGE,
  TINY_WHISPER_GREEDY_SEGMENT_END,
  TINY_WHISPER_TEXT,
  tinyModelDir,
  tinyParakeetText,
} from './lib/tiny-models';
export { loggedPort, sessionResults } from './lib/stream-results';
export { FakeHuggingFaceHub } from './lib/fake-hugging-face-hub';
export { deepgramWorkerEnv, startDeepgramWorker } from './lib/deepgram-worker';
export { describeTranscriptionProvider } from './lib/providers/describe-transcription-provider';
export type {
  ProviderConformanceHarness,
  ProviderConformanceSetup,
} from './lib/providers/describe-transcription-provider';
export { FAKE_TRANSCRIPT, FakeTranscriptionProvider } from './lib/providers/fake-transcription-provider';
export { deliverEntry } from './lib/stream-delivery';
export type { ConsumerSeat, DeliveredEntry } from './lib/stream-delivery';
export { generateAsrCases } from './lib/sctk/asr-hypotheses';
export type { AsrCase, ScoredWord } from './lib/sctk/asr-hypotheses';
export { runSctkRover, scliteUtteranceCounts, scoreWithSclite, sctkTool } from './lib/sctk/sctk-tools';
export type { RoverSettings, ScliteScore } from './lib/sctk/sctk-tools';
export { ClassicGuideProcess, requireClassicGuidePython } from './lib/classic-guide/classic-guide-process';
export type { ClassicConsensusRun, ClassicGuideResult } from './lib/classic-guide/classic-guide-process';
export { BlackHoleProxy } from './lib/black-hole-proxy';
export { KEYED, TEST_ADMIN_API_KEY, keyedFetch } from './lib/test-api-key';
export { SpokenWordDetector, spokenScript } from './lib/live/spoken-words';
export type {
  DetectedWord,
  ScriptedUtterance,
  ScriptedWord,
  SpokenScript,
  SpokenScriptOptions,
} from './lib/live/spoken-words';
export { espeakSpeech, placeSpeech } from './lib/espeak/espeak-speech';
export type { EspeakOptions, EspeakSpeech, PlacedSpeech } from './lib/espeak/espeak-speech';
export { stampSpokenWords, stampedWordsIn } from './lib/live/spoken-words';
export type { HeardWords, ListenAudio, Transcriber } from './lib/fake-deepgram/listen-audio';
export {
  RECORDING_SAMPLE_RATE,
  espeakRecording,
  longUtterance,
  utteranceMs,
  utterancePlan,
} from './lib/long-files/espeak-recording';
export type {
  LongRecording,
  RecordedUtterance,
  RecordedWord,
  UtterancePlan,
} from './lib/long-files/espeak-recording';
export { LiveClientProcess, liveClientNow } from './lib/live/live-client-process';
export type {
  LiveClientConfig,
  LiveClientLine,
  LiveClientResult,
  LiveClientWord,
} from './lib/live/live-client-protocol';
export { liveConversation } from './lib/live/live-conversation';
export type { ConversationOptions } from './lib/live/live-conversation';
export { failoverGap, judgeLiveFinals, percentiles } from './lib/live/live-verdict';
export type { FailoverGap, LiveFinalsVerdict, Percentiles } from './lib/live/live-verdict';
export { describeSelfHostedLiveWorker, twoUtterances } from './lib/live/self-hosted-live-worker';
export type { SelfHostedLiveWorker } from './lib/live/self-hosted-live-worker';
export { PrometheusServer } from './lib/prometheus/prometheus-server';
export type { ActiveTarget, PromSeries, ScrapeTarget } from './lib/prometheus/prometheus-server';
export { RedisExporter } from './lib/prometheus/redis-exporter';
