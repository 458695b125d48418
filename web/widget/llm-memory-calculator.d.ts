// Types of `import 'memcalc/element'` (dist/llm-memory-calculator.js): the script defines
// <llm-memory-calculator> and exports nothing; these declarations type the element where it is used.
import type { Result, Scenario } from './memcalc.mjs';

export interface LlmMemoryCalculatorElement extends HTMLElement {
  /** The scenario as JSON text (CONTRACTS.md §1); set an object or text, null removes it. */
  get scenario(): string | null;
  set scenario(value: Scenario | string | null);
  /** A preset id (memcalc models), used when no scenario is set. */
  model: string | null;
  /** 'training' or 'inference'. */
  mode: string | null;
  /** 'GB' (default) or 'GiB'. */
  unit: 'GB' | 'GiB';
  /** Total and the fit only, no table. */
  compact: boolean;
  /** The core's result for what the element shows, the same as the CLI's --json; null until the first estimate. */
  readonly result: Result | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'llm-memory-calculator': LlmMemoryCalculatorElement;
  }
  interface HTMLElementEventMap {
    /** Bubbling and composed; `detail` is the new result. */
    'memcalc-change': CustomEvent<Result>;
  }
}
