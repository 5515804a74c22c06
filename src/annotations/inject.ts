import { classOf, writableMetadata } from './metadata';

/** Injects the container entry registered under `token` (for parameters typed by an interface). */
export function Inject(token: unknown): ParameterDecorator {
  return (target, method, index) => {
    if (method !== undefined) throw new TypeError('@Inject works on constructor parameters');
    writableMetadata(classOf(target)).constructorParameters.push({ index, kind: 'inject', token });
  };
}
