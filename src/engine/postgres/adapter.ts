import type { PostgresGatewayConfig } from '../../config/types.js';
import { InputError } from '../../errors.js';
import type { EngineAdapter } from '../engine-adapter.js';

/** PostgreSQL engine: not built yet (its own issue). */
export class PostgresAdapter {
  static async open(_gateway: PostgresGatewayConfig): Promise<EngineAdapter> {
    throw new InputError('the PostgreSQL engine is not available yet', { code: 'unsupported' });
  }
}
