import { ArchibaldError } from '../../errors.js';

export async function runBenchRtCommand(_options: Record<string, string | boolean | undefined>): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'bench rt is not implemented yet');
}
