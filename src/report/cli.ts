import type { Command } from 'commander';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report and a Markdown summary for bug reports')
    .option('--out <file>', 'HTML file to write', 'archibald-report.html')
    .option('--markdown <file>', 'write the Markdown summary to FILE instead of stdout')
    .action(async (options: { out?: string; markdown?: string }) => {
      const { runReportCommand } = await import('./command.js');
      process.exitCode = await runReportCommand(options);
    });
}
