import type { Command } from 'commander';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report and a Markdown summary for bug reports')
    .option('--out <file>', 'HTML file to write', 'archibald-report.html')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runReportCommand } = await import('./command.js');
      process.exitCode = await runReportCommand(options);
    });
}
