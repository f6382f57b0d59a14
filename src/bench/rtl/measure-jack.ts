/**
 * The JACK loop (adapter): our Python/libjack client plays and records through the loop, and with
 * --compare jack_iodelay measures the very same ports right after, in the same run.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ArchibaldError, formatIssues } from '../../errors.js';
import { hostSystem } from '../../system/index.js';
import { parseIodelay, settledReading, type IodelayReading } from './iodelay.js';
import { JACK_CLIENT_PY } from '../../jack/loopback-client.js';
import { parseJson } from '../../result.js';

const ClientReport = z.union([
  z.object({ error: z.string() }),
  z.object({
    rate: z.number().int().positive(),
    period: z.number().int().positive(),
    playback: z.string(),
    capture: z.string(),
    playbackLatency: z.number().int().nonnegative(),
    captureLatency: z.number().int().nonnegative(),
    xruns: z.number().int().nonnegative(),
    complete: z.boolean(),
  }),
]);

export interface JackCapture {
  recording: Float32Array;
  rate: number;
  period: number;
  playback: string;
  capture: string;
  /** What JACK reports for the two ports (playback + capture latency ranges, max): the nominal part. */
  nominalFrames: number;
  xruns: number;
}

export interface JackLoop {
  selfLoop: boolean;
  playback?: string;
  capture?: string;
  env?: NodeJS.ProcessEnv;
}

const CLIENT_NAME = 'archibald-rtl';

export async function captureJack(stimulus: Float32Array, tailFrames: number, loop: JackLoop, rateHint: number): Promise<JackCapture> {
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-rtl-'));
  try {
    const stimulusFile = path.join(dir, 'stimulus.f32');
    const recordingFile = path.join(dir, 'recording.f32');
    await writeFile(stimulusFile, new Uint8Array(stimulus.buffer, stimulus.byteOffset, stimulus.byteLength));
    const out = loop.selfLoop ? '@self' : (loop.playback ?? '-');
    const input = loop.selfLoop ? '@self' : (loop.capture ?? '-');
    const seconds = (stimulus.length + tailFrames) / rateHint;
    const result = await hostSystem().run(['python3', '-c', JACK_CLIENT_PY, stimulusFile, recordingFile, String(tailFrames), out, input, CLIENT_NAME], {
      timeoutMs: Math.round(15_000 + seconds * 4000),
      ...(loop.env === undefined ? {} : { env: loop.env }),
    });
    if (!result.ok && result.reason === 'not-found') {
      throw new ArchibaldError('TOOL_MISSING', 'python3 is not installed; the JACK measurement client needs it', { suggestion: 'install python3 (NixOS: it is in archibald.audio.packages)' });
    }
    const lastLine = result.stdout.trim().split('\n').pop() ?? '';
    const json = parseJson(lastLine);
    if (!json.ok) throw new ArchibaldError('TOOL_FAILED', `the JACK measurement client failed: ${result.ok ? 'no report' : result.message}`);
    const report = ClientReport.safeParse(json.value);
    if (!report.success) throw new ArchibaldError('TOOL_FAILED', `the JACK measurement client's report is malformed: ${formatIssues(report.error.issues)}`);
    if ('error' in report.data) throw new ArchibaldError('TOOL_FAILED', `JACK: ${report.data.error}`);
    const bytes = await readFile(recordingFile);
    const recording = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 4)));
    const info = report.data;
    return {
      recording,
      rate: info.rate,
      period: info.period,
      playback: info.playback,
      capture: info.capture,
      nominalFrames: info.playbackLatency + info.captureLatency,
      xruns: info.xruns,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * jack_iodelay on the same ports: started line-buffered (stdbuf -oL, or its readings sit in a
 * pipe buffer), connected, read until three readings agree or `timeoutMs`, then stopped by pid.
 */
export async function runIodelay(loop: { selfLoop: boolean; playback: string; capture: string; env?: NodeJS.ProcessEnv }, timeoutMs = 6000): Promise<{ reading: IodelayReading | null; readings: IodelayReading[]; output: string }> {
  const env = loop.env ?? process.env;
  const child = hostSystem().start(['stdbuf', '-oL', 'jack_iodelay'], { env });
  try {
    const links = loop.selfLoop
      ? [['jack_delay:out', 'jack_delay:in']]
      : [
          ['jack_delay:out', loop.playback],
          [loop.capture, 'jack_delay:in'],
        ];
    const deadline = Date.now() + timeoutMs;
    for (const [from, to] of links) {
      for (;;) {
        const linked = await hostSystem().run(['jack_connect', from as string, to as string], { timeoutMs: 2000, env });
        if (linked.ok) break;
        if (!child.isRunning()) throw new ArchibaldError('TOOL_FAILED', `jack_iodelay exited: ${child.output().stderr.trim().split('\n').pop() ?? ''}`);
        if (Date.now() > deadline) throw new ArchibaldError('TOOL_FAILED', `could not connect ${from} -> ${to}: ${linked.message}`);
        await sleep(100);
      }
    }
    while (Date.now() < deadline) {
      const readings = parseIodelay(child.output().stdout);
      const recent = readings.slice(-3);
      if (recent.length === 3 && recent.every((r) => r.frames === recent[0]?.frames)) break;
      await sleep(100);
    }
    const readings = parseIodelay(child.output().stdout);
    return { reading: settledReading(readings), readings, output: child.output().stdout };
  } finally {
    await child.stop('SIGTERM', 2000);
  }
}
