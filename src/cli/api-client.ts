/**
 * A small client for CLI commands that talk to a running Vigie. Base URL from `--url` or VIGIE_URL, token
 * from `--token` or VIGIE_TOKEN. Errors (problem+json, or no answer at all) become an ApiError whose message
 * is one clear line: "400 Invalid request: body.scope: must be …".
 */
export interface ApiClient {
  readonly baseUrl: string;
  request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** A GET whose answer is a document (CSV, Markdown, HTML), returned as text. */
  text(path: string): Promise<string>;
  /** A POST of a text document (a CSV file) whose answer is JSON. */
  upload<T>(path: string, text: string, contentType: string): Promise<T>;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

/** The client the options ask for, or undefined when neither --url nor VIGIE_URL is given. */
export function apiClientFrom(values: { url?: string | undefined; token?: string | undefined }, env: NodeJS.ProcessEnv): ApiClient | undefined {
  const url = values.url ?? env.VIGIE_URL;
  if (!url) return undefined;
  return createApiClient(url, values.token ?? env.VIGIE_TOKEN);
}

export function createApiClient(baseUrl: string, token: string | undefined, fetchImpl: typeof fetch = fetch): ApiClient {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new ApiError(`--url must be an absolute URL such as http://localhost:8080 (got something else)`, undefined);
  }
  const origin = base.toString().replace(/\/$/, '');
  async function send(method: string, path: string, body: unknown, accept: string, contentType = 'application/json'): Promise<string> {
    let res: Response;
    try {
      res = await fetchImpl(`${origin}${path}`, {
        method,
        headers: {
          Accept: accept,
          ...(body === undefined ? {} : { 'Content-Type': contentType }),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : typeof body === 'string' && contentType !== 'application/json' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new ApiError(`cannot reach ${origin} (${cause})`, undefined);
    }
    const text = await res.text();
    if (res.ok) return text;
    throw new ApiError(problemLine(res.status, res.statusText, text), res.status);
  }
  return {
    baseUrl: origin,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const text = await send(method, path, body, 'application/json');
      return (text ? JSON.parse(text) : undefined) as T;
    },
    text: (path) => send('GET', path, undefined, '*/*'),
    async upload<T>(path: string, text: string, contentType: string): Promise<T> {
      const answer = await send('POST', path, text, 'application/json', contentType);
      return (answer ? JSON.parse(answer) : undefined) as T;
    },
  };
}

function problemLine(status: number, statusText: string, text: string): string {
  try {
    const problem = JSON.parse(text) as { title?: string; detail?: string; errors?: { path: string; message: string }[] };
    const fields = problem.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
    return `${status} ${problem.title ?? statusText}: ${fields || problem.detail || 'no detail'}`;
  } catch {
    return `${status} ${statusText || 'error'} (the answer was not problem+json)`;
  }
}
