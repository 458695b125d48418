// A minimal VitePress site with the memcalc calculator on one page.
import { defineConfig } from 'vitepress';

export default defineConfig({
  title: 'memcalc in VitePress',
  description: 'The LLM GPU-memory calculator on a VitePress page',
  // No icon: an empty one, or the browser asks for /favicon.ico.
  head: [['link', { rel: 'icon', href: 'data:,' }]],
  vue: {
    template: {
      compilerOptions: {
        // <llm-memory-calculator> is a custom element, not a Vue component: Vue leaves it to the browser.
        isCustomElement: (tag) => tag === 'llm-memory-calculator',
      },
    },
  },
  themeConfig: {
    nav: [{ text: 'Calculator', link: '/calculator' }],
  },
});
