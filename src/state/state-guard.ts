import { InputError, PlannerError } from '../errors.js';
import { LATEST_STATE_VERSION } from './migrations/latest.js';
import type { StateStore } from './state-store.js';

/**
 * Refuses a state written by a newer planner before anything reads or writes it: this
 * build does not know its tables, and writing into it would damage it for that planner.
 * @example assertKnownStateVersion(await state.schemaVersion())
 */
export function assertKnownStateVersion(version: number): number {
  if (version > LATEST_STATE_VERSION) {
    throw new PlannerError('state_too_new', `state version ${version} was written by a newer planner; upgrade (this planner knows state versions up to ${LATEST_STATE_VERSION})`, {
      hint: 'install the planner version your team uses (npm install planner@<version>), then run the command again',
    });
  }
  return version;
}

/**
 * Refuses a state whose tables do not match its recorded version (a table or column
 * missing), before a plan or apply finds out halfway through. `planner verify` lists them.
 */
export async function assertStateSchema(state: StateStore): Promise<void> {
  const problems = await state.schemaProblems();
  if (problems.length) {
    throw new PlannerError('state_schema_mismatch', `state does not match its recorded version: ${problems.map((p) => p.message).join('; ')}`, {
      hint: 'run `planner verify` to list the problems; restore the state schema from a backup, or recreate it',
    });
  }
}

/**
 * Registers `project` in the state on first use and refuses (exit 2) a project that does
 * not own the state unless its config shares it: `sharedState: true`, or a list naming
 * the owner. A second project pointed at a state by mistake would otherwise plan against
 * the first one's environments, and remove its views.
 */
export async function claimState(state: StateStore, project: string, sharedState: boolean | readonly string[], now: number): Promise<void> {
  const projects = await state.listProjects();
  const owner = projects[0];
  if (owner !== undefined && owner !== project) {
    const shared = sharedState === true || (Array.isArray(sharedState) && sharedState.includes(owner));
    if (!shared) {
      throw new InputError(`this state belongs to project '${owner}', not '${project}'; nothing was done`, {
        code: 'foreign_state',
        hint: `point this project at a state of its own (stateSchema or gateway in planner.config.ts), or, if the projects really share it, set sharedState: ['${owner}'] (or true) in this project's config`,
      });
    }
  }
  if (!projects.includes(project)) await state.registerProject(project, now);
}
