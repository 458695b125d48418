// The entry of dist/llm-memory-calculator.js: defines <llm-memory-calculator> once, adds no globals.
import { LlmMemoryCalculatorElement } from './element.js';

if (!customElements.get('llm-memory-calculator')) {
  customElements.define('llm-memory-calculator', LlmMemoryCalculatorElement);
}
