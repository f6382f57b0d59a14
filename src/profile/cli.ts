import type { Command } from 'commander';

type Options = Record<string, string | boolean | undefined>;

const run = async (action: string, args: string[], options: Options): Promise<void> => {
  const { runProfileCommand } = await import('./command.js');
  process.exitCode = await runProfileCommand(action, args, options);
};

export function registerProfile(program: Command): void {
  const profile = program.command('profile').description('show, validate and edit the declarative audio profile');
  profile
    .command('show')
    .description('print the active profile')
    .option('--file <file>', 'profile file (default: the active profile)')
    .option('--json', 'print the profile as JSON')
    .action((options: Options) => run('show', [], options));
  profile
    .command('validate [file]')
    .description('check a profile: one line per bad value, exit 2 when any')
    .option('--file <file>', 'profile file (default: the active profile)')
    .option('--json', 'print the result as JSON')
    .action((file: string | undefined, options: Options) => run('validate', file === undefined ? [] : [file], options));
  profile
    .command('set <key> <value>')
    .description('set one field (dotted KEY such as pipewire.quantum; VALUE is JSON when it parses, else a string)')
    .option('--file <file>', 'profile file (default: the active profile)')
    .option('--json', 'print the change as JSON')
    .action((key: string, value: string, options: Options) => run('set', [key, value], options));
  profile
    .command('use <name>')
    .description('make a shipped profile (studio, live, safe, laptop, default) the active one')
    .option('--file <file>', 'profile file to replace (default: the active profile)')
    .option('--json', 'print the result as JSON')
    .action((name: string, options: Options) => run('use', [name], options));
  profile
    .command('diff [a] [b]')
    .description('differences field by field: active vs its shipped original, active vs A, or A vs B (names or files)')
    .option('--file <file>', 'the active profile (default: the usual lookup)')
    .option('--json', 'print the differences as JSON')
    .action((a: string | undefined, b: string | undefined, options: Options) => run('diff', [a, b].filter((x): x is string => x !== undefined), options));
  profile
    .command('schema')
    .description('print the JSON Schema generated from the zod schema (profiles/profile.schema.json)')
    .action((options: Options) => run('schema', [], options));
}
