import { problemType, type Problem } from '../http/problem.js';

/** The problems a gateway answers itself when the origin does not (or the log cannot record). */
export function badGateway(requestId: string): Problem {
  return { type: problemType('bad-gateway'), title: 'Bad Gateway', status: 502, detail: 'The service behind Vigie could not be reached or answered wrongly', requestId };
}

export function gatewayTimeout(requestId: string, timeoutMs: number): Problem {
  return { type: problemType('gateway-timeout'), title: 'Gateway Timeout', status: 504, detail: `The service behind Vigie did not answer within ${timeoutMs} ms`, requestId };
}

export function auditUnavailable(requestId: string): Problem {
  return {
    type: problemType('audit-unavailable'),
    title: 'Service unavailable',
    status: 503,
    detail: 'The access log cannot record this response right now; it was not sent. Retry shortly.',
    requestId,
  };
}
