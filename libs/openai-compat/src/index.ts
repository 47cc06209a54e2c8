// The router's OpenAI-compatible API: POST /v1/audio/transcriptions (multipart, whole-file path).
export { fileAsUploadRequest, readMultipartForm } from './lib/multipart-form';
export type { FormFile, MultipartForm } from './lib/multipart-form';
export { parseOpenAiModel } from './lib/openai-model';
export type { OpenAiModelOutcome, OpenAiRouting } from './lib/openai-model';
export { OPENAI_RESPONSE_FORMATS, openAiError, openAiTranscriptionBody } from './lib/openai-formats';
export type { OpenAiErrorBody, OpenAiResponseFormat, TimestampGranularity } from './lib/openai-formats';
export { OpenAiTranscriptionsController, promptKeywords } from './lib/openai-transcriptions.controller';
