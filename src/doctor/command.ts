import { ArchibaldError } from '../errors.js';

export async function runDoctorCommand(_options: { root?: string; json?: boolean; only?: string; profile?: string }): Promise<number> {
  throw new ArchibaldError('UNSUPPORTED', 'doctor is not implemented yet');
}
