import { ApiKey } from '../generated/apiKeys';

export { ApiKey };

const names = new Map<number, string>();
for (const [name, value] of Object.entries(ApiKey)) if (typeof value === 'number') names.set(value, name);

/** The api's name ("Produce", "Fetch"...) or undefined for a key the schemas do not define. */
export function apiKeyName(apiKey: number): string | undefined {
  return names.get(apiKey);
}

export function isApiKey(apiKey: number): apiKey is ApiKey {
  return names.has(apiKey);
}
