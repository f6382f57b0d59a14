import { ArchibaldError } from '../errors.js';

export async function runConsoleCommand(_options: Record<string, string | boolean | undefined>): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'console is not implemented yet');
}
