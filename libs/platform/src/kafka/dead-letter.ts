import { InboundMessage } from './inbound-message';

/**
 * A message that breaks its topic's contract: it goes to `<topic>.dlq` with the code and reason
 * in its headers, and consumption moves on. Any other error is treated as transient and retried.
 */
export class DeadLetterError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeadLetterError';
  }
}

/** What a batch handler gives back for each message it refused. */
export interface RejectedMessage {
  message: InboundMessage;
  error: DeadLetterError;
}
