/** Framework metrics on the test and native binders (scenarios in metricsScenarios.ts). */
import type { BinderyConfig } from '../../../src';
import { metricsScenarios } from './metricsScenarios';

const binderConfigs: Array<[string, () => BinderyConfig]> = [
  ['test', () => ({ binder: 'test' })],
  ['native', () => ({ binder: 'native', binders: { native: { shared: false } } })],
];

describe.each(binderConfigs)('framework metrics on the %s binder', (_name, binderConfig) => metricsScenarios(binderConfig));
