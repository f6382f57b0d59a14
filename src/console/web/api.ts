/** Talking to the console's API: same-origin fetch (the session cookie goes along by itself). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (data as { error?: { message?: string } } | null)?.error?.message ?? `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, data);
  }
  return data as T;
}

export const getJson = <T>(url: string): Promise<T> => request<T>('GET', url);
export const postJson = <T>(url: string, body: unknown): Promise<T> => request<T>('POST', url, body);
export const deleteJson = <T>(url: string): Promise<T> => request<T>('DELETE', url);

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
