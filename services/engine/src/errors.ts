/**
 * The one error type of the engine. Callers branch on `code`, never on the message:
 *
 * | code                 | raised by                          |
 * | -------------------- | ---------------------------------- |
 * | `invalid_language`   | normalizeLanguage                  |
 * | `invalid_event`      | applyEvents (bad timestamp or language) |
 * | `invalid_definition` | compileSegment                     |
 * | `invalid_state`      | decodeState                        |
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
