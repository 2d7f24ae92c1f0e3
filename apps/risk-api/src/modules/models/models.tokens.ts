import type { ModelRegistry } from '@vigil/core-ml';

import type { TypeormSqlSession } from '@vigil/platform';

/** The registry over the service's DataSource. */
export const MODEL_REGISTRY = Symbol('MODEL_REGISTRY');
export type RiskModelRegistry = ModelRegistry<TypeormSqlSession>;

/** The model name risk-api decides with. */
export const RISK_MODEL = 'risk';
