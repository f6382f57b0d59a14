/** Writes docs/tune.schema.json from the zod schema: `node --import tsx src/tune/gen-schema.ts`. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../system/index.js';
import { tuneJsonSchema } from './contract.js';

export const SCHEMA_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../docs/tune.schema.json');
export const renderSchema = (): string => `${JSON.stringify(tuneJsonSchema(), null, 2)}\n`;

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await writeFileAtomic(SCHEMA_PATH, renderSchema());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
