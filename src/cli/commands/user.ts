import { userInfo } from 'node:os';

/**
 * Who is running the command, for a plan's author and an approval: the option given,
 * else PLANNER_USER, else the OS user name. A name, not an identity: approvals are an
 * audit trail of who said yes, not authentication.
 */
export function currentUser(explicit?: string): string {
  const name = explicit?.trim() || process.env.PLANNER_USER?.trim() || osUser();
  return name || 'unknown';
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}
