import { ArchibaldError } from '../../errors.js';

export async function runBenchRtlCommand(_options: Record<string, string | boolean | undefined>): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'bench rtl is not implemented yet');
}
