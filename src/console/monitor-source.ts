/** Where the Live page's samples come from: the xruns bench's graph monitor (loaded on demand). */
import type { StartMonitor } from './live.js';

export async function loadGraphMonitor(): Promise<StartMonitor> {
  const { startGraphMonitor } = await import('../bench/index.js');
  return startGraphMonitor;
}
