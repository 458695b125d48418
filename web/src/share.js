// "Copy link" and the exports (JSON, CSV, Markdown): buttons under the summary, and one status line
// that screen readers announce. The export formats load on the first click, not with the page.
import { el } from './dom.js';
import { language, t } from './i18n.js';
import { diffFromDefaults, hashFor } from './scenario.js';

export function wireShare({ root, catalog, state }) {
  const $ = (selector) => root.querySelector(selector);
  const status = $('#share-status');
  const labels = new Map((catalog.components ?? []).map((c) => [c.id, c]));
  const presets = new Map(catalog.presets.map((p) => [p.id, p]));

  const say = (text, extra = []) => {
    status.replaceChildren(text, ...extra);
  };

  /** The link to the current scenario (written now, not when the hash is next updated). */
  const link = () => `${location.href.split('#')[0]}${hashFor(diffFromDefaults(catalog.defaults, state.scenario),
    state.pinned.map((p) => diffFromDefaults(catalog.defaults, p.scenario)))}`;

  const content = () => {
    const zh = language() === 'zh';
    return {
      version: catalog.version,
      scenario: state.scenario,
      result: state.result,
      pinned: state.pinned,
      label: (c) => (zh ? labels.get(c.id)?.label_zh : labels.get(c.id)?.label) ?? c.label ?? c.id,
      unit: state.unit,
      locale: language(),
      modelName: presets.get(state.scenario.model)?.name,
      words: {
        component: t('table.component'), memory: t('table.bytes'), share: t('table.share'), basis: t('table.basis'),
        formula: t('table.formula'), total: t('table.total'), perGpu: t('total.per_gpu'), custom: t('model.custom'),
        scenario: t('export.scenario'), invalid: t('invalid.total'), compare: t('compare.title'),
        now: t('compare.current'), pinned: t('compare.pinned', { n: '{n}' }), fits: t('compare.fits'), model: t('compare.model'),
      },
    };
  };

  $('#copy-link').addEventListener('click', async () => {
    const url = link();
    if (await copyText(url)) return say(t('share.copied'));
    // No clipboard: the link in a field, selected, for the reader to copy.
    const field = el('input', { type: 'text', readOnly: true, value: url, className: 'share-link', aria: { label: t('share.link') } });
    say(t('share.copy_failed'), [field]);
    field.select();
  });

  const formats = {
    '#export-json': ['json', 'application/json', 'toJson'],
    '#export-csv': ['csv', 'text/csv', 'toCsv'],
    '#export-md': ['md', 'text/markdown', 'toMarkdown'],
  };
  for (const [selector, [extension, type, render]] of Object.entries(formats)) {
    $(selector).addEventListener('click', async () => {
      const exporters = await import('./export.js');
      const name = exporters.exportFileName(state.scenario, extension);
      download(name, exporters[render](content()), `${type};charset=utf-8`);
      say(t('export.saved', { file: name }));
    });
  }
  $('#copy-md').addEventListener('click', async () => {
    const { toMarkdown } = await import('./export.js');
    say(t(await copyText(toMarkdown(content())) ? 'export.md_copied' : 'export.copy_failed'));
  });
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No Clipboard API (or no permission): the older selection-and-copy route.
    const focused = document.activeElement;
    const area = el('textarea', { value: text, readOnly: true, className: 'clipboard-source', aria: { hidden: 'true' } });
    document.body.append(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    area.remove();
    focused?.focus();
    return copied;
  }
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = el('a', { href: url, download: name, className: 'visually-hidden' });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
