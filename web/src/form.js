// The inputs. Fields are built from the catalog: its default scenario gives each field and its type,
// its enums the choices, so a field the core adds shows up here without an edit.
import { el } from './dom.js';
import { formatNumber, formatParams, unitBytes } from './format.js';
import { help, language, t } from './i18n.js';
import { createCheckpointImport, droppedFiles, isCheckpoint } from './checkpoint.js';
import { createEngineForm } from './engine-form.js';
import { getPath, isPlainObject, leafPaths, setPath } from './scenario.js';

// What is in front; every other field of the mode goes under "Advanced".
const COMMON = {
  training: ['training.batch_size', 'training.seq_len', 'training.precision', 'training.optimizer',
    'training.flash_attention'],
  inference: ['inference.batch_size', 'inference.context_len', 'inference.weight_dtype'],
};

// Hugging Face config.json fields shown for hand editing (in this order) when the config has them.
const DIMENSIONS = [
  'hidden_size', 'n_embd', 'num_hidden_layers', 'n_layer', 'num_attention_heads', 'n_head',
  'num_key_value_heads', 'head_dim', 'intermediate_size', 'n_inner', 'vocab_size',
  'max_position_embeddings', 'n_positions', 'sliding_window', 'num_local_experts', 'n_routed_experts',
  'num_experts', 'num_experts_per_tok', 'n_shared_experts', 'moe_intermediate_size',
  'first_k_dense_replace', 'q_lora_rank', 'kv_lora_rank', 'qk_rope_head_dim', 'qk_nope_head_dim',
  'v_head_dim', 'tie_word_embeddings',
];
const CORE_DIMENSIONS = DIMENSIONS.slice(0, 11).filter((k) => !k.startsWith('n_'));

const TOP_LEVEL_EXCLUDED = new Set(['model', 'mode']);
const GIB = unitBytes('GiB');

export function buildForm({ root, catalog, state, onChange, api }) {
  const $ = (selector) => root.querySelector(selector);
  const presetsById = new Map(catalog.presets.map((p) => [p.id, p]));
  const enums = catalog.enums ?? {};
  let customFrom = null; // the preset a custom model was edited from
  let shownIssues = [];

  const set = (path, value, options) => onChange(setPath(state.scenario, path, value), options);

  // Mode.
  for (const radio of root.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener('change', () => set('mode', radio.value, { rebuild: true }));
  }

  // Scenario fields of the current mode.
  function buildFields() {
    const mode = state.scenario.mode === 'inference' ? 'inference' : 'training';
    const common = $('#common-fields');
    const advanced = $('#advanced-fields');
    common.replaceChildren();
    advanced.replaceChildren();
    for (const path of leafPaths(catalog.defaults, mode)) {
      if (path.startsWith('inference.engine')) continue; // the engine card has its own fields
      (COMMON[mode].includes(path) ? common : advanced).append(field(path));
    }
    // Top-level settings of either mode (the per-GPU overhead).
    for (const [key, value] of Object.entries(catalog.defaults)) {
      if (!TOP_LEVEL_EXCLUDED.has(key) && !isPlainObject(value)) advanced.append(field(key));
    }
  }

  function field(path) {
    const id = `f-${path.replaceAll('.', '-')}`;
    const fallback = getPath(catalog.defaults, path);
    const value = getPath(state.scenario, path) ?? fallback;
    const choices = enums[path];
    const wrap = el('div', { className: 'field', dataset: { path } });
    const label = el('label', { htmlFor: id, textContent: t(path) === path ? path.split('.').pop() : t(path) });
    const note = help(path);
    const describedBy = [];
    if (note) describedBy.push(`${id}-help`);
    describedBy.push(`${id}-error`);
    let input;
    if (typeof fallback === 'boolean') {
      input = el('input', { type: 'checkbox', id, checked: Boolean(value) });
      input.addEventListener('change', () => set(path, input.checked));
      wrap.classList.add('check');
      wrap.append(input, label);
    } else if (Array.isArray(choices)) {
      input = el('select', { id });
      for (const choice of choices) {
        input.append(el('option', { value: String(choice), textContent: String(choice) }));
      }
      input.value = String(value);
      const numeric = typeof fallback === 'number';
      input.addEventListener('change', () => set(path, numeric ? Number(input.value) : input.value));
      wrap.append(label, input);
    } else if (typeof fallback === 'number') {
      input = el('input', { type: 'number', id, min: '0', step: Number.isInteger(fallback) ? '1' : 'any',
        inputMode: 'numeric', value: String(value) });
      input.addEventListener('input', () => set(path, numberOrNull(input)));
      wrap.append(label, input);
    } else {
      input = el('input', { type: 'text', id, value: String(value ?? '') });
      input.addEventListener('input', () => set(path, input.value));
      wrap.append(label, input);
    }
    input.setAttribute('aria-describedby', describedBy.join(' '));
    input.dataset.path = path;
    if (note) wrap.append(el('small', { id: `${id}-help`, className: 'help', textContent: note }));
    wrap.append(el('small', { id: `${id}-error`, className: 'error', hidden: true }));
    return wrap;
  }

  const engineForm = createEngineForm({ root: $('#engine-card'), catalog, state, onChange });

  // Model: a searchable preset list (an ARIA combobox), dimensions, config.json import.
  const search = $('#model-search');
  const list = $('#model-list');
  let matches = [];
  let active = -1;

  function modelLabel() {
    const model = state.scenario.model;
    if (typeof model === 'string') return presetsById.get(model)?.name ?? model;
    return customFrom ? `${customFrom.name} (${t('model.edited')})` : t('model.custom');
  }

  // Families newest first (by their latest release), each model under its family with its year.
  const familyOrder = (() => {
    const latest = new Map();
    for (const p of catalog.presets) {
      const family = p.family || p.name;
      if (!latest.has(family) || (p.released ?? '') > latest.get(family)) latest.set(family, p.released ?? '');
    }
    return [...latest].sort((a, b) => b[1].localeCompare(a[1]) || a[0].localeCompare(b[0])).map(([f]) => f);
  })();
  const byFamily = [...catalog.presets].sort((a, b) =>
    familyOrder.indexOf(a.family || a.name) - familyOrder.indexOf(b.family || b.name) ||
    (b.released ?? '').localeCompare(a.released ?? '') || a.name.localeCompare(b.name));

  function openList() {
    // The box shows the current model's name until the reader types: then every model is listed.
    const query = search.value === modelLabel() ? '' : search.value;
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    matches = byFamily.filter((p) => {
      const text = `${p.id} ${p.name} ${p.family ?? ''}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
    const locale = language();
    const items = [];
    let family = null;
    matches.forEach((p, i) => {
      if ((p.family || p.name) !== family) {
        family = p.family || p.name;
        items.push(el('li', { className: 'group', role: 'presentation', textContent: family }));
      }
      const year = (p.released ?? '').slice(0, 4);
      items.push(el('li', {
        id: `model-opt-${i}`, role: 'option', dataset: { id: p.id, index: String(i) },
        aria: { selected: String(p.id === state.scenario.model) },
      }, [el('span', { textContent: p.name }),
        el('small', { textContent: [formatParams(p.params_total, locale), year && t('model.released', { year })].filter(Boolean).join(' · ') })]));
    });
    list.replaceChildren(...items);
    if (!matches.length) list.append(el('li', { className: 'empty', textContent: t('model.none') }));
    active = Math.max(0, matches.findIndex((p) => p.id === state.scenario.model));
    list.hidden = false;
    search.setAttribute('aria-expanded', 'true');
    highlight();
  }

  function closeList() {
    list.hidden = true;
    search.setAttribute('aria-expanded', 'false');
    search.removeAttribute('aria-activedescendant');
  }

  function highlight() {
    for (const item of list.querySelectorAll('[role="option"]')) item.classList.toggle('active', item.dataset.index === String(active));
    const item = list.querySelector(`[data-index="${active}"]`);
    if (item && matches.length) {
      search.setAttribute('aria-activedescendant', item.id);
      item.scrollIntoView({ block: 'nearest' });
    }
  }

  function choose(index) {
    const preset = matches[index];
    if (!preset) return;
    customFrom = null;
    closeList();
    onChange(setPath(state.scenario, 'model', preset.id), { rebuild: true });
  }

  search.addEventListener('focus', () => search.select());
  search.addEventListener('input', openList);
  search.addEventListener('keydown', (event) => {
    const open = !list.hidden;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) return openList();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      active = (active + step + matches.length) % Math.max(1, matches.length);
      highlight();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (open) choose(active);
    } else if (event.key === 'Escape') {
      if (open) event.preventDefault();
      closeList();
      search.value = modelLabel();
    }
  });
  search.addEventListener('blur', () => { closeList(); search.value = modelLabel(); });
  list.addEventListener('mousedown', (event) => event.preventDefault());
  list.addEventListener('click', (event) => {
    const item = event.target.closest('[role="option"]');
    if (item) choose(Number(item.dataset.index));
  });

  // The config.json behind the current model (a preset's own, or the imported object).
  function configOf(model) {
    if (isPlainObject(model)) return model;
    if (!presetsById.has(model)) return null;
    const config = api.presetConfig(model); // read from the core when first needed, not with the catalog
    return isPlainObject(config) ? config : null;
  }

  function buildDimensions() {
    const box = $('#dims-fields');
    const config = configOf(state.scenario.model);
    box.replaceChildren();
    $('#dims').hidden = !config;
    if (!config) return;
    const keys = DIMENSIONS.filter((k) => k in config);
    for (const key of keys.length ? keys : CORE_DIMENSIONS) {
      const id = `dim-${key}`;
      const value = config[key];
      const wrap = el('div', { className: 'field', dataset: { path: `model.${key}` } });
      let input;
      if (typeof value === 'boolean') {
        input = el('input', { type: 'checkbox', id, checked: value });
        wrap.classList.add('check');
        wrap.append(input, el('label', { htmlFor: id, textContent: key }));
      } else {
        input = el('input', { type: 'number', id, min: '0', step: '1', inputMode: 'numeric', value: value ?? '' });
        wrap.append(el('label', { htmlFor: id, textContent: key }), input);
      }
      input.dataset.path = `model.${key}`;
      input.setAttribute('aria-describedby', `${id}-error`);
      wrap.append(el('small', { id: `${id}-error`, className: 'error', hidden: true }));
      input.addEventListener(input.type === 'checkbox' ? 'change' : 'input', () => {
        const current = state.scenario.model;
        if (typeof current === 'string') customFrom = presetsById.get(current) ?? null;
        const next = { ...configOf(current), [key]: input.type === 'checkbox' ? input.checked : numberOrNull(input) };
        onChange(setPath(state.scenario, 'model', next));
        showModel();
        if (document.activeElement !== configText) configText.value = JSON.stringify(next, null, 2);
      });
      box.append(wrap);
    }
  }

  function showModel() {
    search.value = modelLabel();
    const preset = typeof state.scenario.model === 'string' ? presetsById.get(state.scenario.model) : null;
    const info = $('#model-info');
    info.replaceChildren();
    if (preset) {
      const link = (url) => el('a', { href: url, textContent: url.replace(/^https?:\/\/(huggingface\.co\/)?/, ''),
        rel: 'noopener noreferrer', target: '_blank' });
      info.append([preset.id, preset.family, preset.released].filter(Boolean).join(' · '));
      if (/^https?:\/\//.test(preset.official ?? '')) info.append(' · ', link(preset.official));
      if (preset.source) {
        info.append(el('details', { className: 'source' }, [el('summary', { textContent: t('model.source') }),
          /^https?:\/\//.test(preset.source) ? link(preset.source) : preset.source]));
      }
    }
  }

  // config.json: paste, open or drop.
  const configText = $('#config-text');
  const configStatus = $('#config-status');
  let importing = false;

  function importConfig(text) {
    configText.value = text;
    let config;
    try {
      config = JSON.parse(text);
    } catch (error) {
      return configMessage('error', `${t('import.bad_json')}: ${error.message}`);
    }
    if (!isPlainObject(config)) return configMessage('error', t('import.not_object'));
    customFrom = null;
    importing = true;
    onChange(setPath(state.scenario, 'model', config), { rebuild: true });
    importing = false;
    $('#import').open = true;
  }

  function configMessage(kind, text, items = []) {
    configStatus.className = `status ${kind}`;
    configStatus.replaceChildren(el('p', { textContent: text }));
    if (items.length) configStatus.append(el('ul', {}, items.map((i) => el('li', { textContent: i }))));
  }

  // After each estimate of an imported config: what the core could not use, or could not accept.
  function showConfigIssues(issues) {
    if (!isPlainObject(state.scenario.model)) {
      if (!importing) configStatus.replaceChildren();
      return;
    }
    const mine = issues.filter((i) => i.field === 'model' || i.field.startsWith('model.'));
    const errors = mine.filter((i) => i.severity === 'error');
    const describe = (i) => `${i.field}: ${i.message}`;
    if (errors.length) return configMessage('error', t('import.errors'), errors.map(describe));
    const rest = mine.filter((i) => i.severity !== 'error');
    configMessage(rest.length ? 'warning' : 'ok', rest.length ? `${t('import.ok')} ${t('import.unused')}` : t('import.ok'),
      rest.map(describe));
  }

  const checkpoint = createCheckpointImport({
    root: $('#checkpoint'), api,
    onModel: (model) => {
      customFrom = null;
      onChange(setPath(state.scenario, 'model', model), { rebuild: true });
      $('#checkpoint').open = true;
    },
  });

  $('#config-apply').addEventListener('click', () => importConfig(configText.value));
  $('#config-file').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (file) importConfig(await file.text());
    event.target.value = '';
  });
  const drop = document.getElementById('drop');
  let dragDepth = 0;
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  window.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    dragDepth += 1;
    drop.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) drop.hidden = true;
  });
  window.addEventListener('dragover', (event) => { if (hasFiles(event)) event.preventDefault(); });
  window.addEventListener('drop', async (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth = 0;
    drop.hidden = true;
    const files = await droppedFiles(event.dataTransfer);
    if (isCheckpoint(files)) {
      $('#checkpoint').open = true;
      checkpoint.read(files, 'files');
    } else if (files[0]) {
      importConfig(await files[0].text());
    }
  });

  // GPUs: count × a card of the catalog, or custom memory.
  const count = $('#gpu-count');
  const card = $('#gpu-card');
  const memory = $('#gpu-memory');
  const customBox = $('#gpu-custom');

  function buildGpu() {
    const gpu = state.scenario.gpu ?? {};
    const locale = language();
    // Grouped by class (data centre, workstation, consumer, unified memory, edge), as catalogued.
    const kinds = [...new Set(catalog.gpus.map((g) => g.kind || 'other'))];
    card.replaceChildren(
      ...kinds.map((kind) => el('optgroup', { label: t(`gpu.kind.${kind}`) }, catalog.gpus.filter((g) => (g.kind || 'other') === kind)
        .map((g) => el('option', { value: g.id, textContent: `${g.name} · ${formatNumber(g.memory_bytes / GIB, locale, 3)} GiB` })))),
      el('option', { value: '', textContent: t('gpu.custom') }),
    );
    const custom = gpu.memory_bytes !== undefined && gpu.preset === undefined;
    card.value = custom ? '' : (gpu.preset ?? '');
    customBox.hidden = !custom;
    memory.value = custom ? String(gpu.memory_bytes / GIB) : '';
    count.value = String(gpu.count ?? 1);
  }

  function setGpu() {
    const n = numberOrNull(count);
    if (card.value) {
      customBox.hidden = true;
      onChange(setPath(state.scenario, 'gpu', { preset: card.value, count: n }));
    } else {
      customBox.hidden = false;
      if (!memory.value) {
        const previous = catalog.gpus.find((g) => g.id === state.scenario.gpu?.preset);
        memory.value = previous ? String(previous.memory_bytes / GIB) : '80';
      }
      const gib = numberOrNull(memory);
      onChange(setPath(state.scenario, 'gpu', { memory_bytes: gib === null ? null : Math.round(gib * GIB), count: n }));
    }
  }
  count.addEventListener('input', setGpu);
  card.addEventListener('change', setGpu);
  memory.addEventListener('input', setGpu);

  function refresh() {
    const mode = state.scenario.mode === 'inference' ? 'inference' : 'training';
    for (const radio of root.querySelectorAll('input[name="mode"]')) radio.checked = radio.value === mode;
    buildFields();
    engineForm.refresh();
    buildDimensions();
    showModel();
    buildGpu();
    if (isPlainObject(state.scenario.model) && document.activeElement !== configText) {
      configText.value = JSON.stringify(state.scenario.model, null, 2);
    }
    showIssues(shownIssues, { force: true });
  }

  // Errors and warnings next to the field they name.
  let shownKey = '';
  function showIssues(issues, { force = false } = {}) {
    const key = JSON.stringify(issues);
    if (key === shownKey && !force) return; // most key presses change no message
    shownKey = key;
    shownIssues = issues;
    for (const box of root.querySelectorAll('.field[data-path]')) {
      const path = box.dataset.path;
      const own = issues.filter((i) => i.field === path && i.severity !== 'info');
      const input = box.querySelector('[data-path]');
      const message = box.querySelector('.error');
      const hasError = own.some((i) => i.severity === 'error');
      if (hasError) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      message.hidden = !own.length;
      message.textContent = own.map((i) => i.message).join('; ');
      message.classList.toggle('warn', own.length > 0 && !hasError);
    }
    showConfigIssues(issues);
  }

  refresh();
  return { refresh, showIssues };
}

function numberOrNull(input) {
  const n = input.valueAsNumber;
  return Number.isFinite(n) ? n : null;
}
