/**
 * Collects every invalid prop of one construct (or one config generator) and throws once, with messages of the
 * form `[path] 'field' must be <allowed>, got: <value>` — the construct path, the field, the bad value and what is
 * allowed.
 */
export class Problems {
  private readonly messages: string[] = [];

  /** @param where the construct path (`this.node.path`) or the name of the generated file. */
  constructor(private readonly where: string) {}

  /** Records that `field` holds `value` where `allowed` was expected. */
  public add(field: string, value: unknown, allowed: string): void {
    this.messages.push(`'${field}' must be ${allowed}, got: ${formatValue(value)}`);
  }

  /** Records a free-form message (for conflicts between several fields). */
  public addMessage(message: string): void {
    this.messages.push(message);
  }

  /** True when nothing was recorded. */
  public get ok(): boolean {
    return this.messages.length === 0;
  }

  /** Throws a {@link PropsError} listing every recorded problem; does nothing when there are none. */
  public throwIfAny(): void {
    if (this.messages.length > 0) {
      throw new PropsError(this.messages.map((m) => `[${this.where}] ${m}`).join('\n'));
    }
  }
}

/** The error every construct and config generator of this library throws for invalid input. */
export class PropsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropsError';
  }
}

/** Formats a received value for an error message: strings quoted, objects as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the last resort, for what JSON cannot write (a cycle, a BigInt)
    return String(value);
  }
}
