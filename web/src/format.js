// Numbers for people. Bytes in decimal (GB = 10^9) or binary (GiB = 2^30) units, as the reader
// picks; amounts under a gigabyte step down to MB/MiB and kB/KiB so small components stay readable.
// Each Intl.NumberFormat is made once per locale and style and kept: making one costs far more than
// formatting with it, and an update formats dozens of numbers.
const SCALES = {
  GB: [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']],
  GiB: [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']],
};

const formatters = new Map();
function formatter(locale, min, max, style) {
  const key = `${locale}|${min}|${max}|${style}`;
  let f = formatters.get(key);
  if (!f) {
    const options = { maximumFractionDigits: max, ...(min >= 0 ? { minimumFractionDigits: min } : {}), ...(style ? { style } : {}) };
    try {
      f = new Intl.NumberFormat(locale, options);
    } catch {
      f = new Intl.NumberFormat('en', options); // an unknown locale tag: English digits, not an error
    }
    formatters.set(key, f);
  }
  return f;
}

/** `n` with at most `digits` decimals (and at least `min`), grouped as the locale groups. */
export function formatNumber(n, locale, digits = 0, min = -1) {
  return formatter(locale, min, digits, '').format(n);
}

export function formatBytes(bytes, unit, locale) {
  const scale = SCALES[unit];
  const [size, name] = scale.find(([s]) => Math.abs(bytes) >= s) ?? (bytes === 0 ? scale[0] : [1, 'B']);
  const value = bytes / size;
  const digits = size === 1 ? 0 : Math.abs(value) >= 100 ? 1 : 2;
  return `${formatter(locale, digits, digits, '').format(value)} ${name}`;
}

export function unitBytes(unit) {
  return SCALES[unit][0][0];
}

export function formatCount(n, locale) {
  return formatter(locale, -1, 3, '').format(Number(n));
}

/** 8030261248 → "8.03 B" (short scale, for parameter counts). */
export function formatParams(n, locale) {
  const steps = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [size, suffix] of steps) {
    if (Math.abs(n) >= size) return `${formatNumber(n / size, locale, 2)} ${suffix}`;
  }
  return formatCount(n, locale);
}

export function formatShare(part, whole, locale) {
  if (!(whole > 0)) return '';
  const share = part / whole;
  const percent = formatter(locale, -1, 1, 'percent');
  if (share > 0 && share < 0.001) return `<${percent.format(0.001)}`;
  return percent.format(share);
}
