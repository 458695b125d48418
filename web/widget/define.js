// The entry of dist/llm-memory-calculator.js (`import 'memcalc/element'`): defines <llm-memory-calculator>
// once, adds no globals; in Node (a docs site's server-side render) it does nothing.
import { LlmMemoryCalculatorElement } from './element.js';

if (typeof customElements !== 'undefined' && !customElements.get('llm-memory-calculator')) {
  customElements.define('llm-memory-calculator', LlmMemoryCalculatorElement);
}
