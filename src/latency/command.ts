import { ArchibaldError } from '../errors.js';

export async function runLatencyCommand(_options: Record<string, string | boolean | undefined>): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'latency is not implemented yet');
}
