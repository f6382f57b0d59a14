import { ArchibaldError } from '../errors.js';

export async function runBenchCommand(_which: string, _options: Record<string, string | boolean | undefined>): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'bench is not implemented yet');
}
