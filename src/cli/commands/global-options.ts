/** Options every command takes. */
export interface GlobalOptions {
  project: string;
  gateway?: string;
  json?: boolean;
  verbose?: boolean;
}
