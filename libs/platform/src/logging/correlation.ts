import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation id of the unit of work in progress (an HTTP request, a Kafka message), carried
 * through async calls so every log line it causes names it without passing it around.
 */
const storage = new AsyncLocalStorage<string>();

export const Correlation = {
  run<T>(correlationId: string, work: () => T): T {
    return storage.run(correlationId, work);
  },
  id(): string | undefined {
    return storage.getStore();
  },
};
