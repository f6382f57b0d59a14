/** What every API route answers with and how it reads a request: one error shape, zod at the edge. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { formatIssues } from '../../errors.js';
import { formatIssue } from '../../profile/index.js';

export type ApiIssue = { path: string; message: string };
export type ApiError = { error: { code: string; message: string; issues?: ApiIssue[] } };

export const apiError = (code: string, message: string, issues?: ApiIssue[]): ApiError => ({
  error: issues === undefined ? { code, message } : { code, message, issues },
});

export function issuesOf(error: z.ZodError): ApiIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** The 400 answer to a query or body that failed its schema. */
export const badInput = (c: Context, error: z.ZodError): Response => c.json(apiError('BAD_INPUT', formatIssues(error.issues), issuesOf(error)), 400);

/** Profile problems in the CLI's own words ("pipewire.quantum = 33: must be a power of two ..."). */
export function profileIssues(error: z.ZodError, data: unknown): ApiIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: formatIssue(issue, data).join('; ') }));
}

/** The request's JSON body checked against `schema`, or the error response to send instead. */
export async function parseBody<T>(c: Context, schema: z.ZodType<T>): Promise<{ ok: true; data: T } | { ok: false; response: Response }> {
  const body = await readJsonBody(c);
  if (!body.ok) return body;
  const parsed = schema.safeParse(body.body);
  if (!parsed.success) return { ok: false, response: badInput(c, parsed.error) };
  return { ok: true, data: parsed.data };
}

async function readJsonBody(c: Context): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return { ok: false, response: c.json(apiError('BAD_INPUT', 'send the body as application/json'), 415) };
  }
  try {
    return { ok: true, body: await c.req.json() };
  } catch {
    return { ok: false, response: c.json(apiError('BAD_INPUT', 'the body is not valid JSON'), 400) };
  }
}

/** A wait that never keeps the process alive on its own (open event streams must not delay Ctrl-C). */
export const idle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
