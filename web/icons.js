// The app icons, made by the build from one source, web/icon.svg: the SVG itself, and PNGs at the
// sizes browsers ask for (192 and 512, and a 512 maskable one), rendered here from the SVG's rects.
// The icon is drawn with rounded rects only, so this small renderer (4×4 samples per pixel) and
// node:zlib are all it takes; no browser or image library runs in the build.
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

const SOURCE = new URL('./icon.svg', import.meta.url);
const SAMPLES = 4;
// A maskable icon may be cut to a circle of 80% of its width: the drawing is scaled into it.
const MASKABLE_SCALE = 0.75;

export const ICONS = [
  { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
  { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', size: 192 },
  { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', size: 512 },
  { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', size: 512, purpose: 'maskable' },
];

/** The rects of a rect-only SVG: { x, y, width, height, rx, rgb } in viewBox units, and the viewBox size. */
export function parseIcon(svg) {
  const viewBox = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!viewBox || viewBox[1] !== viewBox[2]) throw new Error('icon.svg: needs a square viewBox="0 0 N N"');
  const rects = [...svg.matchAll(/<rect\b([^>]*)\/>/g)].map(([, attributes]) => {
    const get = (name) => new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1];
    const fill = /^#([0-9a-f]{6})$/i.exec(get('fill') ?? '');
    if (!fill) throw new Error(`icon.svg: each rect needs fill="#rrggbb" (${attributes.trim()})`);
    const number = (name) => Number(get(name) ?? 0);
    return {
      x: number('x'), y: number('y'), width: number('width'), height: number('height'), rx: number('rx'),
      rgb: [0, 2, 4].map((i) => parseInt(fill[1].slice(i, i + 2), 16)),
    };
  });
  if (!rects.length) throw new Error('icon.svg: no <rect/>');
  return { size: Number(viewBox[1]), rects };
}

function inside(rect, x, y) {
  if (x < rect.x || y < rect.y || x > rect.x + rect.width || y > rect.y + rect.height) return false;
  const r = Math.min(rect.rx, rect.width / 2, rect.height / 2);
  const dx = Math.max(rect.x + r - x, 0, x - (rect.x + rect.width - r));
  const dy = Math.max(rect.y + r - y, 0, y - (rect.y + rect.height - r));
  return dx * dx + dy * dy <= r * r;
}

/** RGBA pixels of the icon at `pixels`² (premultiplied coverage, then straight alpha). */
export function rasterize({ size, rects }, pixels, { maskable = false } = {}) {
  const [background, ...rest] = rects;
  const shapes = maskable
    ? [{ ...background, x: 0, y: 0, width: size, height: size, rx: 0 }, ...rest.map((r) => scaled(r, size))]
    : rects;
  const out = new Uint8Array(pixels * pixels * 4);
  const step = size / pixels / SAMPLES;
  for (let py = 0; py < pixels; py++) {
    for (let px = 0; px < pixels; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px * SAMPLES + sx + 0.5) * step;
          const y = (py * SAMPLES + sy + 0.5) * step;
          // The topmost shape that covers the sample wins (shapes are opaque).
          for (let i = shapes.length - 1; i >= 0; i--) {
            if (!inside(shapes[i], x, y)) continue;
            for (let c = 0; c < 3; c++) sum[c] += shapes[i].rgb[c];
            sum[3] += 1;
            break;
          }
        }
      }
      const o = (py * pixels + px) * 4;
      const n = SAMPLES * SAMPLES;
      for (let c = 0; c < 3; c++) out[o + c] = sum[3] ? Math.round(sum[c] / sum[3]) : 0;
      out[o + 3] = Math.round((sum[3] / n) * 255);
    }
  }
  return out;

  function scaled(rect, full) {
    const k = MASKABLE_SCALE;
    const c = full / 2;
    return { ...rect, x: c + (rect.x - c) * k, y: c + (rect.y - c) * k, width: rect.width * k, height: rect.height * k, rx: rect.rx * k };
  }
}

/** A PNG file (8-bit RGBA, no interlace) of `rgba` pixels. */
export function encodePng(rgba, width, height) {
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(rows, y * (width * 4 + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, adaptive filters, no interlace
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Every icon file of ICONS, by its path under dist/. */
export function iconFiles(svg = readFileSync(SOURCE, 'utf8')) {
  const icon = parseIcon(svg);
  const files = {};
  for (const entry of ICONS) {
    files[entry.src] = entry.size
      ? encodePng(rasterize(icon, entry.size, { maskable: entry.purpose === 'maskable' }), entry.size, entry.size)
      : Buffer.from(svg);
  }
  return files;
}

/**
 * Vite plugin: the icon links in the page's <head>, and the icon files next to it. With
 * `inline: true` (the one-file page) the SVG favicon is a data: URL and no file is written.
 */
export function icons({ inline = false } = {}) {
  return {
    name: 'memcalc-icons',
    transformIndexHtml() {
      if (inline) {
        const svg = readFileSync(SOURCE, 'utf8').replace(/<!--[\s\S]*?-->/g, '').replace(/\s+/g, ' ').trim();
        return [{ tag: 'link', attrs: { rel: 'icon', type: 'image/svg+xml', href: `data:image/svg+xml,${encodeURIComponent(svg)}` }, injectTo: 'head' }];
      }
      return [
        { tag: 'link', attrs: { rel: 'icon', type: 'image/svg+xml', href: './icons/icon.svg' }, injectTo: 'head' },
        { tag: 'link', attrs: { rel: 'apple-touch-icon', href: './icons/icon-192.png' }, injectTo: 'head' },
      ];
    },
    generateBundle() {
      if (inline) return;
      for (const [fileName, source] of Object.entries(iconFiles())) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
