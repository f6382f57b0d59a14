/**
 * jack_iodelay's output, parsed (pure). Each measurement is a pair of lines such as
 *     128.000 frames      2.667 ms total roundtrip latency
 *        extra loopback latency: 128 frames
 *        use 64 for the backend arguments -I and -O
 * It prints "Signal below threshold..." while nothing comes back and "Inverted" when the
 * polarity is flipped.
 */
export interface IodelayReading {
  frames: number;
  ms: number;
  extraFrames: number | null;
  inverted: boolean;
}

const TOTAL = /^\s*(-?\d+(?:\.\d+)?)\s+frames\s+(-?\d+(?:\.\d+)?)\s+ms\s+total roundtrip latency/;
const EXTRA = /extra loopback latency:\s*(-?\d+)\s+frames/;

export function parseIodelay(text: string): IodelayReading[] {
  const readings: IodelayReading[] = [];
  let pendingInverted = false;
  for (const line of text.split('\n')) {
    if (/Inv/i.test(line)) pendingInverted = true;
    const total = TOTAL.exec(line);
    if (total !== null) {
      const frames = Number(total[1]);
      const ms = Number(total[2]);
      if (Number.isFinite(frames) && Number.isFinite(ms)) readings.push({ frames, ms, extraFrames: null, inverted: pendingInverted || /Inv/i.test(line) });
      pendingInverted = false;
      continue;
    }
    const extra = EXTRA.exec(line);
    const last = readings[readings.length - 1];
    if (extra !== null && last !== undefined && last.extraFrames === null) {
      // jack_iodelay prints (measured - reported) as an unsigned 32-bit number: -256 comes out as 4294967040.
      const raw = Number(extra[1]);
      last.extraFrames = raw >= 2 ** 31 && raw < 2 ** 32 ? raw - 2 ** 32 : raw;
    }
  }
  return readings;
}

/** The settled answer: the most common frame count among the last readings (it repeats once locked). */
export function settledReading(readings: readonly IodelayReading[]): IodelayReading | null {
  const recent = readings.slice(-5);
  if (recent.length === 0) return null;
  const counts = new Map<string, number>();
  for (const reading of recent) counts.set(reading.frames.toFixed(3), (counts.get(reading.frames.toFixed(3)) ?? 0) + 1);
  let best: IodelayReading | null = null;
  let bestCount = 0;
  for (const reading of [...recent].reverse()) {
    const count = counts.get(reading.frames.toFixed(3)) ?? 0;
    if (count > bestCount) {
      best = reading;
      bestCount = count;
    }
  }
  return best;
}
