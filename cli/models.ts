/** `iqsim models`: the models known to iqsim and what the wire shows of each. */
import type { Command } from 'commander';
import { MODELS } from '../protocol/index.js';
import type { CliContext } from './io.js';

export function registerModels(program: Command, { io }: CliContext): void {
  program
    .command('models')
    .description('list the model ids that the other commands take, with their SCP units and capabilities')
    .option('--json', 'print {"ok": true, "models": [...]}')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        io.out(`${JSON.stringify({ ok: true, models: MODELS })}\n`);
        return;
      }
      const width = Math.max(...MODELS.map((m) => m.id.length));
      for (const m of MODELS) {
        const scp = m.scp ? `SCP ${m.units.join('/')}` : 'no SCP (battery/status only)';
        io.out(`${m.id.padEnd(width)}  ${m.form.padEnd(9)}  ${scp}; ${m.capabilities.join(', ') || '-'}\n`);
      }
    });
}
