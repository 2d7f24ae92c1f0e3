/**
 * Thrown by a handler when a message breaks its topic's contract: the message goes to
 * `<topic>.dlq` with the code and reason in its headers, and consumption moves on. Any other
 * error is treated as transient and the message is retried.
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
