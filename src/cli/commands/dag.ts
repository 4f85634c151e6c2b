import { environmentSettings } from '../../config/environment-settings.js';
import { loadConfig } from '../../config/load-config.js';
import { InputError } from '../../errors.js';
import { DAG_FORMATS, dagNodes, formatDag, type DagFormat } from '../../lifecycle/dag-format.js';
import { loadProject } from '../../model/load-project.js';
import { PROD } from '../../snapshot/virtual-names.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

export interface DagOptions extends GlobalOptions {
  format?: string;
}

/** `planner dag [--format text|mermaid|dot]`: the model graph. Reads only the files, never the warehouse. */
export async function dagCommand(opts: DagOptions, io: CliIO): Promise<number> {
  const format = (opts.format ?? 'text') as DagFormat;
  if (!DAG_FORMATS.includes(format)) throw new InputError(`unknown format '${opts.format}'`, { hint: `formats: ${DAG_FORMATS.join(', ')}` });
  const config = await loadConfig(opts.project, opts.secrets);
  const nodes = dagNodes(await loadProject(config, environmentSettings(config, PROD).variables));
  io.out(opts.json ? jsonText({ models: nodes }) : formatDag(nodes, format));
  return 0;
}

export const dagSpec = defineCommand({
  command: 'dag',
  describe: 'print the model graph as text, Mermaid or DOT',
  examples: [
    ["planner dag", "the model graph as indented text"],
    ["planner dag --format mermaid > dag.mmd", "a Mermaid diagram"],
  ],
  builder: (y) => y.option('format', { type: 'string', choices: [...DAG_FORMATS], describe: 'output format (default text)' }),
  handler: (args, io) => dagCommand(args, io),
});
