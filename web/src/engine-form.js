// The engine picker and the chosen engine's options, built from the catalog's `engines`: each option
// under the flag its engine spells (--gpu-memory-utilization, -ngl's --n-gpu-layers, ...), with the
// engine's default and its help. The scenario keeps only what differs from the defaults.
import { el } from './dom.js';
import { t } from './i18n.js';
import { isPlainObject } from './scenario.js';

const flag = (name) => `--${name.replaceAll('_', '-')}`;

export function createEngineForm({ root, catalog, state, onChange }) {
  const engines = catalog.engines ?? [];
  const picker = root.querySelector('#engine-name');
  const fields = root.querySelector('#engine-fields');
  const note = root.querySelector('#engine-defaults');

  const current = () => (isPlainObject(state.scenario.inference?.engine) ? state.scenario.inference.engine : { name: 'generic' });
  const write = (engine, options) => onChange({ ...state.scenario, inference: { ...state.scenario.inference, engine } }, options);

  picker.addEventListener('change', () => write({ name: picker.value }, { rebuild: true }));

  function setOption(option, value) {
    const engine = { ...current() };
    if (JSON.stringify(value) === JSON.stringify(option.default)) delete engine[option.name];
    else engine[option.name] = value;
    write(engine);
  }

  function optionField(option, value) {
    const id = `engine-${option.name}`;
    const wrap = el('div', { className: 'field', dataset: { path: `inference.engine.${option.name}` } });
    const label = el('label', { htmlFor: id }, [el('code', { textContent: flag(option.name) })]);
    let input;
    if (typeof option.default === 'boolean') {
      input = el('input', { type: 'checkbox', id, checked: Boolean(value) });
      input.addEventListener('change', () => setOption(option, input.checked));
      wrap.classList.add('check');
      wrap.append(input, label);
    } else if (Array.isArray(option.choices)) {
      input = el('select', { id }, option.choices.map((c) => el('option', { value: c, textContent: c })));
      input.value = String(value);
      input.addEventListener('change', () => setOption(option, input.value));
      wrap.append(label, input);
    } else if (Array.isArray(option.default)) {
      input = el('input', { type: 'text', id, value: (value ?? []).join(','), placeholder: '3,1' });
      input.addEventListener('input', () => {
        const parts = input.value.split(/[,/\s]+/).filter(Boolean).map(Number);
        setOption(option, parts);
      });
      wrap.append(label, input);
    } else {
      input = el('input', { type: 'number', id, step: 'any', inputMode: 'decimal', value: String(value) });
      if (Number.isFinite(option.min)) input.min = String(option.min);
      if (Number.isFinite(option.max)) input.max = String(option.max);
      input.addEventListener('input', () => {
        const n = input.valueAsNumber;
        setOption(option, Number.isFinite(n) ? n : null);
      });
      wrap.append(label, input);
    }
    input.dataset.path = `inference.engine.${option.name}`;
    input.setAttribute('aria-describedby', `${id}-help ${id}-error`);
    wrap.append(el('small', { id: `${id}-help`, className: 'help', textContent: option.help }),
      el('small', { id: `${id}-error`, className: 'error', hidden: true }));
    return wrap;
  }

  function refresh() {
    const inference = state.scenario.mode === 'inference';
    root.hidden = !inference;
    if (!inference) return;
    const engine = current();
    picker.replaceChildren(...engines.map((e) => el('option', { value: e.name, textContent: t(`engine.${e.name}`) })));
    picker.value = engine.name;
    const entry = engines.find((e) => e.name === engine.name);
    note.textContent = entry?.defaults_from ? t('engine.defaults', { version: entry.defaults_from }) : t('engine.generic_note');
    fields.replaceChildren(...(entry?.options ?? []).map((o) => optionField(o, engine[o.name] ?? o.default)));
  }

  return { refresh };
}
