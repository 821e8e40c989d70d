import type { FieldError } from './errors.js';

/** RFC 9457 problem details, as every error of Vigie's is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId: string;
  errors?: FieldError[];
}

export const problemContentType = 'application/problem+json';

/** Domain problem types are URNs (stable identifiers, nothing to fetch); plain HTTP ones are about:blank. */
export const problemType = (slug: string): string => `urn:vigie:problem:${slug}`;

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'Content-Type': problemContentType, 'Cache-Control': 'no-store', ...headers },
  });
}
