/**
 * A load shape for the simulator charts, as the `simulate --load` flag spells it:
 * - `step:<factor>x`: the steady load changes once by the factor (`step:2x` doubles it, `step:0.5x` halves it);
 * - `pulse:<factor>x`: the load changes by the factor and returns to the steady load `holdSeconds` later
 *   (default 600 s), so one chart shows both promises.
 */
export interface LoadShape {
  /** `step` (one change) or `pulse` (a change and back). */
  readonly kind: 'step' | 'pulse';
  /** The load after the change, as a factor of the steady load. Above 0 and not 1, at most 100. */
  readonly factor: number;
  /**
   * For a pulse: seconds until the load returns.
   *
   * @default 600 - long enough for the scale-up to settle; the scale-down promise follows the return
   */
  readonly holdSeconds?: number;
}

/** The spellings {@link parseLoadShape} accepts, for error messages. */
export const LOAD_SHAPE_ALLOWED = "'step:<factor>x' or 'pulse:<factor>x[/<hold seconds>]' with a factor above 0, not 1, at most 100 (e.g. step:2x, step:0.5x, pulse:2x/600)";

const SHAPE = /^(step|pulse):(\d+(?:\.\d+)?)x(?:\/(\d+))?$/;

/** Parses a load shape; `undefined` when `text` is not one (see `LOAD_SHAPE_ALLOWED`). */
export function parseLoadShape(text: string): LoadShape | undefined {
  const m = SHAPE.exec(text.trim());
  if (!m) return undefined;
  const factor = Number(m[2]);
  if (!(factor > 0 && factor <= 100 && factor !== 1)) return undefined;
  if (m[3] !== undefined && m[1] !== 'pulse') return undefined;
  const hold = m[3] === undefined ? undefined : Number(m[3]);
  if (hold !== undefined && !(hold >= 15 && hold <= 86400)) return undefined;
  return { kind: m[1] as 'step' | 'pulse', factor, ...(hold !== undefined ? { holdSeconds: hold } : {}) };
}

/** The shape as the flag spells it. */
export function formatLoadShape(shape: LoadShape): string {
  return `${shape.kind}:${shape.factor}x${shape.holdSeconds !== undefined ? `/${shape.holdSeconds}` : ''}`;
}
