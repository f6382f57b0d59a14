import { ArchibaldError } from '../errors.js';

export async function runReportCommand(_options: Record<string, string | boolean | undefined>): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'report is not implemented yet');
}
