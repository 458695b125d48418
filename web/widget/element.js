// <llm-memory-calculator>: the calculator as a custom element for documentation pages (CONTRACTS.md §4).
//
//   <llm-memory-calculator scenario='{"model":"llama-3.1-8b","mode":"inference"}' compact>
//     <p>Fallback: what readers see before the script runs.</p>
//   </llm-memory-calculator>
//
// Attributes (mirrored by properties): scenario (JSON of CONTRACTS.md §1), model and mode (override the
// scenario's), compact (fewer inputs), unit ("GB" or "GiB"). `.result` is the core's result, the same
// as the CLI's --json; `memcalc-change` (bubbling, composed) carries it as `detail` whenever it changes.
// Attribute changes and edits in the element are batched into one estimate per microtask. Every
// instance shares one WebAssembly instance, loaded when the first one connects.
import { loadInline } from '../src/api/inline.js';
import { droppedFiles, isCheckpoint } from '../src/checkpoint.js';
import { el } from '../src/dom.js';
import { formatBytes, formatCount, formatShare } from '../src/format.js';
import { help, language, pickLanguage, setLanguage, t } from '../src/i18n.js';
import { colorSlot } from '../src/palette.js';
import { getPath, isPlainObject, leafPaths, setPath, withDefaults } from '../src/scenario.js';
import css from './styles.css?inline';

// Which fields of each mode the compact form keeps (the full form shows every field of the catalog).
const COMPACT_FIELDS = ['batch_size', 'seq_len', 'context_len', 'precision', 'weight_dtype'];

let instance; // the shared API once loaded
let loading;
// The words follow the host page's language (<html lang>): Chinese pages get Chinese, others English.
const loadApi = () => (loading ??= Promise.all([loadInline(), setLanguage(pickLanguage(null, [document.documentElement.lang]))])
  .then(([api]) => { instance = api; }));

let sheet;
function adoptStyles(root) {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el('style', { textContent: css }));
  }
}

// Colour scheme: the host's `color-scheme` when it names one scheme, else the reader's preference.
// Made on first use: importing this module must not touch the DOM (server-side rendering imports it in Node).
let darkQueryList;
const darkQuery = () => (darkQueryList ??= matchMedia('(prefers-color-scheme: dark)'));
const connected = new Set();
let schemeWatch;
function watchScheme(element) {
  connected.add(element);
  if (schemeWatch) return;
  const recheck = () => connected.forEach((e) => e.refreshScheme());
  schemeWatch = new MutationObserver(recheck);
  for (const node of [document.documentElement, document.body]) {
    if (node) schemeWatch.observe(node, { attributes: true });
  }
  darkQuery().addEventListener('change', recheck);
}

let serial = 0;

// Where there is no DOM (a docs generator's server-side render), the class is defined on a plain base
// and never registered; the browser defines the element when the script runs there.
const ElementBase = typeof HTMLElement === 'undefined' ? class {} : HTMLElement;

export class LlmMemoryCalculatorElement extends ElementBase {
  static observedAttributes = ['scenario', 'model', 'mode', 'compact', 'unit'];

  #shadow;
  #ui;
  #id = `m${++serial}`;
  #scenario; // what is shown: the attributes, then the reader's edits
  #fromAttributes = true; // the next update starts again from the attributes
  #attributeError = null; // the core's result for a scenario attribute that is not a JSON object
  #result = null;
  #resultText = '';
  #pending = false;
  #layout = '';
  #refs = {};
  #dropWired = false;

  constructor() {
    super();
    this.#shadow = this.attachShadow({ mode: 'open' });
    adoptStyles(this.#shadow);
    // Light-DOM children (the author's fallback) stay visible through this slot until the first result.
    this.#shadow.append(el('slot'));
  }

  connectedCallback() {
    // A property set before the script ran sits on the instance, hiding the accessor: pass it through.
    for (const name of ['scenario', 'model', 'mode', 'compact', 'unit']) {
      if (Object.hasOwn(this, name)) {
        const value = this[name];
        delete this[name];
        this[name] = value;
      }
    }
    watchScheme(this);
    this.#schedule();
    if (!this.#dropWired) {
      this.#dropWired = true;
      this.addEventListener('dragover', (event) => {
        if ([...(event.dataTransfer?.types ?? [])].includes('Files')) event.preventDefault();
      });
      this.addEventListener('drop', async (event) => {
        event.preventDefault();
        const files = await droppedFiles(event.dataTransfer);
        if (isCheckpoint(files)) this.openFiles(files).catch(() => {});
      });
    }
  }

  /**
   * Reads a checkpoint's files by their headers (as a drop on the element does) and shows the model
   * they hold; resolves to what the files hold, or rejects with the problems named.
   */
  async openFiles(files) {
    await loadApi();
    const read = await instance.readFiles(files);
    if (!read.ok) {
      this.#mount();
      this.#refs.issues.replaceChildren(...read.issues.filter((i) => i.severity === 'error')
        .map((i) => el('li', { className: 'error', textContent: `${i.field}: ${i.message}` })));
      const error = new Error(read.issues.map((i) => `${i.field}: ${i.message}`).join('; '));
      error.issues = read.issues;
      throw error;
    }
    this.#edit('model', read.model);
    return read;
  }

  disconnectedCallback() {
    connected.delete(this);
  }

  attributeChangedCallback(name, before, after) {
    if (before === after) return;
    // The scenario's attributes start again from themselves; compact and unit only change the view.
    if (name === 'scenario' || name === 'model' || name === 'mode') this.#fromAttributes = true;
    this.#schedule();
  }

  get scenario() { return this.getAttribute('scenario'); }
  /** A scenario object or its JSON text; null removes the attribute. */
  set scenario(value) {
    if (value == null) this.removeAttribute('scenario');
    else this.setAttribute('scenario', typeof value === 'string' ? value : JSON.stringify(value));
  }

  get model() { return this.getAttribute('model'); }
  set model(value) { this.#reflect('model', value); }

  get mode() { return this.getAttribute('mode'); }
  set mode(value) { this.#reflect('mode', value); }

  get unit() { return this.getAttribute('unit') === 'GiB' ? 'GiB' : 'GB'; }
  set unit(value) { this.#reflect('unit', value); }

  get compact() { return this.hasAttribute('compact'); }
  set compact(value) { this.toggleAttribute('compact', Boolean(value)); }

  /** The core's result for what the element shows (null until the first estimate). */
  get result() { return this.#result; }

  #reflect(name, value) {
    if (value == null) this.removeAttribute(name);
    else this.setAttribute(name, String(value));
  }

  #schedule() {
    if (this.#pending) return;
    this.#pending = true;
    queueMicrotask(() => {
      this.#pending = false;
      if (!this.isConnected) return;
      if (instance) {
        try { this.#update(); } catch (error) { this.#fail(error); }
        return;
      }
      loadApi().then(() => this.#schedule(), (error) => this.#fail(error));
    });
  }

  // The scenario the attributes describe; a scenario attribute that is not a JSON object is kept as
  // the core's own answer for that text (its issue names the attribute).
  #readAttributes() {
    const text = this.getAttribute('scenario');
    let scenario = {};
    this.#attributeError = null;
    if (text != null && text.trim() !== '') {
      let parsed;
      try { parsed = JSON.parse(text); } catch { /* the core reports it below */ }
      if (isPlainObject(parsed)) scenario = parsed;
      else this.#attributeError = instance.estimate(text);
    }
    if (this.model) scenario = { ...scenario, model: this.model };
    if (this.mode) scenario = { ...scenario, mode: this.mode };
    if (scenario.model === undefined) scenario = { model: this.#catalog.defaults.model, ...scenario };
    return scenario;
  }

  get #catalog() {
    return instance.catalog();
  }

  #update() {
    if (this.#fromAttributes) {
      this.#fromAttributes = false;
      this.#scenario = this.#readAttributes();
    }
    const result = this.#attributeError ?? instance.estimate(this.#scenario);
    this.#render(result);
    const text = JSON.stringify(result);
    if (text === this.#resultText) return;
    this.#resultText = text;
    this.#result = result;
    this.dispatchEvent(new CustomEvent('memcalc-change', { detail: result, bubbles: true, composed: true }));
  }

  #edit(path, value) {
    this.#scenario = setPath(this.#scenario, path, value);
    this.#attributeError = null;
    this.#schedule();
  }

  #fail(error) {
    this.#mount();
    this.#refs.issues.replaceChildren(el('li', { className: 'error', textContent: t('load.failed', { error: error?.message ?? error }) }));
  }

  // The shadow tree, built once; the fallback slot goes when it arrives.
  #mount() {
    if (this.#ui) return;
    const r = this.#refs;
    r.inputs = el('form', { className: 'inputs', noValidate: true, autocomplete: 'off' });
    r.total = el('output', { className: 'total' });
    r.fit = el('p', { className: 'fit' });
    r.bar = el('div', { className: 'bar' });
    r.tbody = el('tbody');
    r.tableTotal = el('td', { className: 'num' });
    r.head = el('tr');
    r.table = el('table', {}, [
      el('caption', { textContent: t('table.caption') }),
      el('thead', {}, [r.head]),
      r.tbody,
      el('tfoot', {}, [el('tr', {}, [el('th', { scope: 'row', textContent: t('table.total') }), r.tableTotal])]),
    ]);
    r.issues = el('ul', { className: 'issues' });
    r.suggestions = el('ul', { className: 'suggestions' });
    r.inputs.addEventListener('submit', (event) => event.preventDefault());
    for (const [node, part] of [[r.inputs, 'inputs'], [r.total, 'total'], [r.fit, 'fit'], [r.bar, 'bar'],
      [r.table, 'table'], [r.issues, 'issues'], [r.suggestions, 'suggestions']]) node.setAttribute('part', part);
    r.inputs.setAttribute('aria-label', t('inputs'));
    r.total.setAttribute('aria-live', 'polite');
    r.issues.setAttribute('aria-live', 'polite');
    this.#ui = el('div', { className: 'root' }, [
      r.inputs,
      el('div', { className: 'summary' }, [r.total, r.fit, r.suggestions]),
      r.bar,
      el('div', { className: 'table-wrap' }, [r.table]),
      r.issues,
    ]);
    this.#ui.setAttribute('part', 'container');
    this.#shadow.querySelector('slot')?.remove();
    this.#shadow.append(this.#ui);
  }

  /** Re-reads the host's colour scheme (the element calls it when the page's may have changed). */
  refreshScheme() {
    if (!this.#ui) return;
    const declared = getComputedStyle(this).colorScheme.split(/\s+/);
    const dark = declared.includes('dark') && !declared.includes('light') ? true
      : declared.includes('light') && !declared.includes('dark') ? false : darkQuery().matches;
    this.#ui.classList.toggle('dark', dark);
  }

  #render(result) {
    this.#mount();
    this.refreshScheme();
    this.#ui.classList.toggle('compact', this.compact);
    this.#renderInputs();
    const r = this.#refs;
    const ok = result.ok && Array.isArray(result.components);
    const components = ok ? result.components : [];
    const ids = components.map((c) => c.id);
    const bytes = (n) => formatBytes(n, this.unit, language());
    const exact = (n) => `${formatCount(n, language())} B`;
    const labels = new Map(this.#catalog.components.map((c) => [c.id, language() === 'zh' && c.label_zh ? c.label_zh : c.label]));
    const label = (c) => labels.get(c.id) ?? c.label ?? c.id;
    this.#ui.classList.toggle('invalid', !ok);

    if (ok) {
      r.total.dataset.totalBytes = String(result.total_bytes);
      r.total.replaceChildren(bytes(result.total_bytes), el('small', { textContent: ` ${t('total.per_gpu')}` }));
      r.total.title = exact(result.total_bytes);
    } else {
      delete r.total.dataset.totalBytes;
      r.total.textContent = `— ${t('invalid.total')}`;
      r.total.removeAttribute('title');
    }

    const fits = ok ? result.fits : null;
    if (fits) {
      const preset = withDefaults(this.#catalog.defaults, this.#scenario).gpu?.preset;
      const gpu = this.#catalog.gpus.find((g) => g.id === preset)?.name ?? bytes(fits.gpu_bytes);
      r.fit.textContent = `${fits.fits ? '✓' : '✗'} ${t(fits.fits ? 'fit.yes' : 'fit.no', {
        count: formatCount(fits.count, language()), gpu, headroom: bytes(fits.headroom_bytes), short: bytes(-fits.headroom_bytes),
      })}`;
      r.fit.className = `fit ${fits.fits ? 'yes' : 'no'}`;
      r.fit.dataset.fits = String(fits.fits);
    } else {
      r.fit.textContent = '';
      delete r.fit.dataset.fits;
    }

    // What makes it fit (or the room it leaves), each with a button that applies it; not in compact form.
    const suggestions = ok && !this.compact ? result.suggestions ?? [] : [];
    r.suggestions.hidden = !suggestions.length;
    r.suggestions.setAttribute('aria-label', t(fits?.fits ? 'suggest.room' : 'suggest.fix'));
    r.suggestions.replaceChildren(...suggestions.map((s) => {
      const apply = el('button', { type: 'button', textContent: t('suggest.apply') });
      apply.addEventListener('click', () => {
        for (const [path, value] of Object.entries(s.change)) this.#scenario = setPath(this.#scenario, path, value);
        this.#attributeError = null;
        this.#schedule();
      });
      const item = el('li', { dataset: { newTotal: String(s.total_bytes) } }, [
        el('span', { textContent: `${s.label} · ${bytes(s.total_bytes)}` }), apply]);
      apply.setAttribute('aria-label', `${t('suggest.apply')}: ${s.label}`);
      return item;
    }));

    // The stacked bar, on one scale with the GPU's memory.
    const scale = Math.max(ok ? result.total_bytes : 0, fits?.gpu_bytes ?? 0) * 1.04 || 1;
    r.bar.replaceChildren(...components.filter((c) => c.bytes > 0).map((c) => {
      const segment = el('span', { className: `segment c${colorSlot(c.id, ids)}`, title: `${label(c)}: ${bytes(c.bytes)}` });
      segment.setAttribute('part', 'segment');
      segment.dataset.segment = c.id;
      segment.style.width = `${((c.bytes / scale) * 100).toFixed(3)}%`;
      return segment;
    }));
    if (fits?.gpu_bytes > 0) {
      const line = el('span', { className: 'gpu-line', title: `${t('bar.gpu')}: ${bytes(fits.gpu_bytes)}` });
      line.style.left = `${((fits.gpu_bytes / scale) * 100).toFixed(3)}%`;
      r.bar.append(line);
    }
    if (ok) {
      r.bar.setAttribute('role', 'img');
      r.bar.setAttribute('aria-label', t('bar.label', { total: bytes(result.total_bytes) }));
    } else {
      r.bar.removeAttribute('role');
      r.bar.removeAttribute('aria-label');
    }

    // The table.
    const formulas = !this.compact;
    const heads = ['table.component', 'table.bytes', 'table.share', ...(formulas ? ['table.formula'] : [])];
    if (r.head.childElementCount !== heads.length) {
      r.head.replaceChildren(...heads.map((key) => el('th', { scope: 'col', textContent: t(key) })));
      r.head.children[1].className = r.head.children[2].className = 'num';
    }
    r.tbody.replaceChildren(...components.map((c) => {
      const row = el('tr', { dataset: { component: c.id, bytes: String(c.bytes) } });
      row.setAttribute('part', 'row');
      row.append(
        el('th', { scope: 'row' }, [el('span', { className: `swatch c${colorSlot(c.id, ids)}` }), label(c)]),
        el('td', { className: 'num', textContent: bytes(c.bytes), title: exact(c.bytes) }),
        el('td', { className: 'num', textContent: formatShare(c.bytes, result.total_bytes, language()) }),
      );
      if (formulas) row.append(el('td', { className: 'formula' }, [el('code', { textContent: c.formula ?? '' })]));
      return row;
    }));
    r.tableTotal.textContent = ok ? bytes(result.total_bytes) : '—';

    // Issues, each naming its field (the attribute itself when the scenario attribute is unreadable).
    r.issues.replaceChildren(...(result.issues ?? []).map((issue) => {
      const field = issue.field || 'scenario';
      return el('li', { className: issue.severity, dataset: { field } }, [
        el('strong', { textContent: `${t(`issue.${issue.severity}`)}: ` }),
        el('code', { textContent: field }), ` ${issue.message}`,
      ]);
    }));
    const wrong = new Set((result.issues ?? []).filter((i) => i.severity === 'error').map((i) => i.field));
    for (const input of r.inputs.querySelectorAll('[data-path]')) {
      const path = input.dataset.path;
      const invalid = wrong.has(path) || [...wrong].some((f) => f.startsWith(`${path}.`));
      if (invalid) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }

  // Inputs are rebuilt when the set of fields changes (mode, compact), otherwise only their values follow.
  #renderInputs() {
    const { defaults, enums } = this.#catalog;
    const scenario = this.#scenario;
    const mode = scenario.mode === 'inference' ? 'inference' : 'training';
    const layout = `${mode} ${this.compact} ${typeof scenario.model} ${typeof scenario.gpu?.memory_bytes}`;
    const form = this.#refs.inputs;
    if (layout !== this.#layout) {
      this.#layout = layout;
      const paths = ['model', 'mode',
        ...leafPaths(defaults, mode).filter((p) => !this.compact || COMPACT_FIELDS.includes(p.split('.').pop())),
        'gpu.preset', ...(this.compact ? [] : ['gpu.count',
          ...Object.keys(defaults).filter((k) => !['model', 'mode'].includes(k) && !isPlainObject(defaults[k]))])];
      form.replaceChildren(...paths.map((path) => this.#field(path, defaults, enums)));
    }
    const shown = withDefaults(defaults, scenario);
    for (const input of form.querySelectorAll('[data-path]')) {
      if (input === this.#shadow.activeElement) continue;
      const value = getPath(shown, input.dataset.path);
      if (input.type === 'checkbox') input.checked = Boolean(value);
      else if (input.dataset.path === 'model') input.value = typeof value === 'string' ? value : '';
      else if (input.dataset.path === 'gpu.preset') input.value = scenario.gpu?.memory_bytes ? '' : String(value ?? '');
      else input.value = value == null ? '' : String(value);
    }
  }

  #field(path, defaults, enums) {
    const id = `${this.#id}-${path.replaceAll('.', '-')}`;
    const fallback = getPath(defaults, path);
    const wrap = el('div', { className: 'field' });
    const name = { model: t('model'), mode: t('mode'), 'gpu.preset': t('gpu'), 'gpu.count': t('gpu.count') }[path]
      ?? (t(path) === path ? path.split('.').pop() : t(path));
    const label = el('label', { htmlFor: id, textContent: name });
    let input;
    let read;
    const options = (list) => list.map(([value, text]) => el('option', { value, textContent: text }));
    if (path === 'model') {
      input = el('select', { id }, options(this.#catalog.presets.map((p) => [p.id, p.name])));
      if (typeof this.#scenario.model !== 'string') input.prepend(el('option', { value: '', textContent: t('model.custom') }));
      read = () => input.value || this.#scenario.model;
    } else if (path === 'mode') {
      input = el('select', { id }, options(enums.mode.map((m) => [m, t(`mode.${m}`)])));
      read = () => input.value;
    } else if (path === 'gpu.preset') {
      input = el('select', { id }, options(this.#catalog.gpus.map((g) => [g.id, g.name])));
      const memory = this.#scenario.gpu?.memory_bytes;
      if (memory) input.prepend(el('option', { value: '', textContent: formatBytes(memory, 'GiB', language()) }));
      read = () => (input.value ? { preset: input.value, count: this.#scenario.gpu?.count ?? 1 } : this.#scenario.gpu);
      path = 'gpu';
    } else if (typeof fallback === 'boolean') {
      input = el('input', { type: 'checkbox', id });
      wrap.classList.add('check');
      read = () => input.checked;
    } else if (Array.isArray(enums[path])) {
      input = el('select', { id }, options(enums[path].map((v) => [String(v), String(v)])));
      read = () => (typeof fallback === 'number' ? Number(input.value) : input.value);
    } else if (typeof fallback === 'number') {
      input = el('input', { type: 'number', id, min: '0', step: Number.isInteger(fallback) ? '1' : 'any', inputMode: 'numeric' });
      read = () => (input.value.trim() === '' ? null : Number(input.value));
    } else {
      input = el('input', { type: 'text', id });
      read = () => input.value;
    }
    input.dataset.path = path === 'gpu' ? 'gpu.preset' : path;
    const note = help(path);
    if (note) input.title = note;
    input.addEventListener(input.tagName === 'SELECT' || input.type === 'checkbox' ? 'change' : 'input',
      () => this.#edit(path, read()));
    if (input.type === 'checkbox') wrap.append(input, label);
    else wrap.append(label, input);
    return wrap;
  }
}
