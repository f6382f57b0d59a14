/** CPU frequency (cpufreq sysfs) and the PM QoS request of /dev/cpu_dma_latency. */
import { malformed, parsed, type Parsed } from '../result.js';

/** scaling_cur_freq and cpuinfo_cur_freq: one whole number of kHz. */
export function parseFrequencyKhz(text: string): Parsed<number> {
  const match = /^\s*(\d{1,10})\s*$/.exec(text);
  if (match === null) return malformed('not a frequency in kHz');
  return parsed(Number(match[1]));
}

/** What the kernel answers when nobody holds a cpu_dma_latency request: PM_QOS_DEFAULT_VALUE (2000 s). */
export const DMA_LATENCY_UNCONSTRAINED_US = 2_000_000_000;

/** Reading /dev/cpu_dma_latency gives the effective request as a native-endian 32-bit integer (µs). */
export function parseDmaLatency(bytes: Uint8Array): Parsed<number> {
  if (bytes.length !== 4) return malformed(`cpu_dma_latency gave ${bytes.length} bytes, not 4`);
  return parsed(new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true));
}

/** Whether some process keeps the CPUs out of deep idle states: a request below 100 µs. */
export const dmaLatencyHeld = (microseconds: number): boolean => microseconds >= 0 && microseconds < 100;
