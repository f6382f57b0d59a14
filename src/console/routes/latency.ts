/** /api/latency: the latency model for a rate and quantum, compared with the last saved `bench rtl` when there is one. */
import path from 'node:path';
import type { Hono } from 'hono';
import { readBenchRtl } from '../../bench/index.js';
import { latencyReport, type LatencyReport } from '../../latency/index.js';
import { latestResult } from '../../system/index.js';
import { latencyQuerySchema } from '../api-schema.js';
import type { ConsoleDeps } from '../server.js';
import { apiError, badInput } from './http.js';

/** The measured round trip of a saved `bench rtl` document, read through the bench's schema. */
export function measuredLatency(document: unknown): { latencyMs: number; latencyFrames: number | null } | null {
  const read = readBenchRtl(document);
  if (read.shape === 'unreadable' || read.document.latencyMs === null || !(read.document.latencyMs > 0)) return null;
  return { latencyMs: read.document.latencyMs, latencyFrames: read.document.latencyFrames };
}

export function latencyRoutes(app: Hono, { env }: Pick<ConsoleDeps, 'env'>): void {
  app.get('/api/latency', async (c) => {
    const query = latencyQuerySchema.safeParse(c.req.query());
    if (!query.success) return badInput(c, query.error);
    const what = { ...(query.data.rate === undefined ? {} : { rate: String(query.data.rate) }), ...(query.data.quantum === undefined ? {} : { quantum: String(query.data.quantum) }) };
    const rtl = await latestResult('bench-rtl', env);
    const measured = rtl === null ? null : measuredLatency(rtl.document);
    const measuredInfo = measured === null || rtl === null ? null : { ...measured, file: path.basename(rtl.file) };
    // With a saved measurement the model is also compared with it (unexplained and systemic
    // latency); the file comes from the state directory, never from the request.
    const model = (options: Record<string, string>) => latencyReport(options).then(({ report }) => report);
    let report: LatencyReport;
    try {
      report = measuredInfo === null || rtl === null ? await model(what) : await model({ ...what, measured: rtl.file }).catch(() => model(what));
    } catch (error) {
      return c.json({ ...apiError('TOOL_FAILED', `archibald latency failed: ${(error as Error).message}`), measured: measuredInfo }, 502);
    }
    return c.json({ model: report, measured: measuredInfo });
  });
}
