import { ArchibaldError } from '../errors.js';

export async function runInstallCommand(_options: Record<string, string | boolean | undefined>): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'install is not implemented yet');
}
