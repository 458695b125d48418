// A minimal Docusaurus site with the memcalc calculator on one page: MDX pages only (no docs, no blog).

/** @type {import('@docusaurus/types').Config} */
export default {
  title: 'memcalc in Docusaurus',
  tagline: 'The LLM GPU-memory calculator on a Docusaurus page',
  // Where the site will be published (for canonical links and the sitemap).
  url: 'https://example.com',
  baseUrl: '/',
  // No icon: an empty one, or the browser asks for /favicon.ico.
  favicon: 'data:,',
  onBrokenLinks: 'throw',
  // The home page's banner for a misconfigured baseUrl is an inline script with inline styles.
  baseUrlIssueBanner: false,
  presets: [
    [
      'classic',
      /** @type {import('@docusaurus/preset-classic').Options} */
      ({ docs: false, blog: false }),
    ],
  ],
  themeConfig: {
    navbar: {
      title: 'memcalc',
      items: [{ to: '/calculator', label: 'Calculator', position: 'left' }],
    },
  },
};
