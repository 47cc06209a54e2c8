import { STATUS_CODES } from 'node:http';

/** The JSON body Deepgram's REST API answers errors with. */
export interface DeepgramErrorBody {
  err_code: string;
  err_msg: string;
  request_id: string;
}

// Deepgram documents these two bodies verbatim (developers.deepgram.com/reference/errors).
const DOCUMENTED: Record<number, Omit<DeepgramErrorBody, 'request_id'>> = {
  400: {
    err_code: 'Bad Request',
    err_msg: 'Bad Request: failed to process audio: corrupt or unsupported data',
  },
  401: { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' },
};

/**
 * The error body for a status: the documented one for 400 and 401, otherwise one of the same shape
 * built from the HTTP reason phrase (429 → `TOO_MANY_REQUESTS`, "Too Many Requests."). `detail`
 * replaces the message, to tell a test author what the fake objected to.
 */
export function deepgramErrorBody(status: number, requestId: string, detail?: string): DeepgramErrorBody {
  const reason = STATUS_CODES[status] ?? 'Error';
  const documented = DOCUMENTED[status] ?? {
    err_code: reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
    err_msg: `${reason}.`,
  };
  return { ...documented, ...(detail === undefined ? {} : { err_msg: detail }), request_id: requestId };
}
