// A caller's X-Request-Id is kept only when it is short and plain (it goes into logs and headers).
const safeRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id to use: the caller's X-Request-Id when safe, else a new UUID. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && safeRequestId.test(header) ? header : crypto.randomUUID();
}
