// Numbers for people. Bytes in decimal (GB = 10^9) or binary (GiB = 2^30) units, as the reader
// picks; amounts under a gigabyte step down to MB/MiB and kB/KiB so small components stay readable.
const SCALES = {
  GB: [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']],
  GiB: [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']],
};

export function formatBytes(bytes, unit, locale) {
  const scale = SCALES[unit];
  const [size, name] = scale.find(([s]) => Math.abs(bytes) >= s) ?? (bytes === 0 ? scale[0] : [1, 'B']);
  const value = bytes / size;
  const digits = size === 1 ? 0 : Math.abs(value) >= 100 ? 1 : 2;
  return `${value.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${name}`;
}

export function unitBytes(unit) {
  return SCALES[unit][0][0];
}

export function formatCount(n, locale) {
  return Number(n).toLocaleString(locale);
}

/** 8030261248 → "8.03 B" (short scale, for parameter counts). */
export function formatParams(n, locale) {
  const steps = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [size, suffix] of steps) {
    if (Math.abs(n) >= size) {
      return `${(n / size).toLocaleString(locale, { maximumFractionDigits: 2 })} ${suffix}`;
    }
  }
  return formatCount(n, locale);
}

export function formatShare(part, whole, locale) {
  if (!(whole > 0)) return '';
  const share = part / whole;
  if (share > 0 && share < 0.001) return `<${(0.001).toLocaleString(locale, { style: 'percent', maximumFractionDigits: 1 })}`;
  return share.toLocaleString(locale, { style: 'percent', maximumFractionDigits: 1 });
}
