import { ArchibaldError } from '../errors.js';

export async function runProfileCommand(_action: string, _args: string[], _options: Record<string, string | boolean | undefined>): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'profile is not implemented yet');
}

export async function runApplyCommand(_options: Record<string, string | boolean | undefined>): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'apply is not implemented yet');
}
