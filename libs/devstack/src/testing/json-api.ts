/** A response of a service's REST API as the integration tests read it. */
export interface JsonResponse {
  status: number;
  /** Whatever fields a test asserts on. */
  body: Record<string, any>;
}

/**
 * A JSON client for a service under test: `api(method, path, token?, body?)` against the base URL
 * `baseUrl()` returns when called (tests learn the port after the app listens).
 */
export function jsonApi(baseUrl: () => string) {
  return async (method: string, path: string, token?: string, body?: unknown): Promise<JsonResponse> => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as JsonResponse['body'] };
  };
}
