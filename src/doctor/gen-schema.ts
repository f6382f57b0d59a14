/** Writes docs/doctor.schema.json from the zod schema: `node --import tsx src/doctor/gen-schema.ts`. */
import { writeFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { doctorJsonSchema } from './schema.js';

export const SCHEMA_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../docs/doctor.schema.json');
export const renderSchema = (): string => `${JSON.stringify(doctorJsonSchema(), null, 2)}\n`;

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  writeFileSync(`${SCHEMA_PATH}.tmp`, renderSchema());
  renameSync(`${SCHEMA_PATH}.tmp`, SCHEMA_PATH);
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
