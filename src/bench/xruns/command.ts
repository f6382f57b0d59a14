import { ArchibaldError } from '../../errors.js';

export async function runBenchXrunsCommand(_options: Record<string, string | boolean | undefined>): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'bench xruns is not implemented yet');
}
