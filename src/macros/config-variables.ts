/** Where config variables are read from: their values, and who records each read. */
export interface VariableSource {
  variables: Record<string, unknown>;
  /** Called for every variable read, so the reading model's fingerprint records it. */
  onVariable?: (name: string, value: unknown) => void;
}

/** The config key `name` means: variables match without regard to case, as in SQLMesh. */
export function variableKey(variables: Record<string, unknown>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.keys(variables).find((k) => k.toLowerCase() === wanted);
}

/** A config variable read by a model (recorded through `onVariable`), or undefined when none is set. */
export function readVariable(source: VariableSource, name: string): { key: string; value: unknown } | undefined {
  const key = variableKey(source.variables, name);
  if (key === undefined) return undefined;
  source.onVariable?.(key, source.variables[key]);
  return { key, value: source.variables[key] };
}
