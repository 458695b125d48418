// The calculator page: one scenario in, the core's result out, on every input.
import wasmUrl from '@wasm/memcalc-module.wasm?url';
import { load } from './api/memcalc.js';
import { buildForm } from './form.js';
import { language, pickLanguage, setLanguage, t, translate } from './i18n.js';
import { createResults } from './results.js';
import { diffFromDefaults, hashFor, readHash, withDefaults } from './scenario.js';

const $ = (selector) => document.querySelector(selector);
const store = {
  get: (key) => { try { return localStorage.getItem(`memcalc.${key}`); } catch { return null; } },
  set: (key, value) => { try { localStorage.setItem(`memcalc.${key}`, value); } catch { /* private mode */ } },
};

const state = {
  api: null,
  catalog: null,
  scenario: null,
  result: null,
  unit: store.get('unit') === 'GiB' ? 'GiB' : 'GB',
  theme: ['light', 'dark'].includes(store.get('theme')) ? store.get('theme') : 'auto',
  hashNotice: null,
};

let form;
let results;
let chart;
let chartTimer = 0;
let hashTimer = 0;
let writtenHash = '';

const languageReady = setLanguage(pickLanguage(store.get('lang'), navigator.languages));
start().catch((error) => {
  console.error(error);
  $('#total').textContent = t('load.failed', { error: error.message ?? error });
});

async function start() {
  [state.api] = await Promise.all([load({ wasmUrl: new URL(wasmUrl, document.baseURI) }), languageReady]);
  applyChrome();
  state.catalog = state.api.catalog();
  state.scenario = initialScenario();

  results = createResults({ root: $('#results'), catalog: state.catalog, state });
  form = buildForm({ root: $('#inputs'), catalog: state.catalog, state, onChange: setScenario });
  wireChrome();
  update();
  watchChart();
  window.addEventListener('hashchange', () => {
    if (location.hash === writtenHash) return;
    state.scenario = initialScenario();
    form.refresh();
    update();
  });
}

function initialScenario() {
  const { defaults } = state.catalog;
  const fromHash = readHash(location.hash);
  state.hashNotice = fromHash?.error ?? null;
  const model = defaults.model ?? state.catalog.presets[0]?.id;
  return withDefaults({ ...defaults, model }, fromHash?.scenario ?? {});
}

function setScenario(scenario, { rebuild = false } = {}) {
  state.scenario = scenario;
  if (rebuild) form.refresh();
  update();
}

// Synchronous: estimate and paint the breakdown in the same task as the input event.
function update() {
  state.result = state.api.estimate(state.scenario);
  results.render(state.result);
  form.showIssues(state.result.issues ?? []);
  clearTimeout(hashTimer);
  hashTimer = setTimeout(writeHash, 250);
  scheduleChart();
}

function writeHash() {
  const hash = hashFor(diffFromDefaults(state.catalog.defaults, state.scenario));
  if (hash === location.hash) return;
  writtenHash = hash;
  history.replaceState(null, '', hash);
}

// The chart sweeps tens of estimates: it runs after the breakdown has painted, and its library
// loads only once the chart scrolls into view (the first screen does not need it).
let chartVisible = false;
function scheduleChart() {
  clearTimeout(chartTimer);
  delete $('#chart').dataset.ready; // set again once the chart shows this scenario
  if (!chartVisible) return;
  chartTimer = setTimeout(async () => {
    chart ??= import('./chart.js').then((m) => m.createChart({
      root: $('.chart-card'), api: state.api, catalog: state.catalog, state,
    }));
    (await chart).update();
  }, chart ? 120 : 0);
}

function watchChart() {
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    chartVisible = true;
    scheduleChart();
  });
  observer.observe($('#chart'));
}

function applyChrome() {
  const root = document.documentElement;
  root.lang = language() === 'zh' ? 'zh-CN' : 'en';
  if (state.theme === 'auto') delete root.dataset.theme;
  else root.dataset.theme = state.theme;
  translate(document);
  $('#model-search').placeholder = t('model.search');
  const other = language() === 'zh' ? 'en' : 'zh';
  const lang = $('#lang');
  lang.textContent = other === 'zh' ? '中文' : 'English';
  lang.lang = other === 'zh' ? 'zh-CN' : 'en';
  lang.setAttribute('aria-label', lang.textContent);
  const theme = $('#theme');
  theme.textContent = { auto: '◐', light: '☀', dark: '☾' }[state.theme];
  theme.setAttribute('aria-label', t(`theme.${state.theme}`));
  theme.title = t(`theme.${state.theme}`);
  $('#unit-gb').setAttribute('aria-pressed', String(state.unit === 'GB'));
  $('#unit-gib').setAttribute('aria-pressed', String(state.unit === 'GiB'));
}

function wireChrome() {
  $('#lang').addEventListener('click', async () => {
    await setLanguage(language() === 'zh' ? 'en' : 'zh');
    store.set('lang', language());
    rerender();
  });
  $('#theme').addEventListener('click', () => {
    state.theme = { auto: 'light', light: 'dark', dark: 'auto' }[state.theme];
    store.set('theme', state.theme);
    rerender();
  });
  for (const [id, unit] of [['#unit-gb', 'GB'], ['#unit-gib', 'GiB']]) {
    $(id).addEventListener('click', () => {
      state.unit = unit;
      store.set('unit', unit);
      rerender();
    });
  }
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => chart?.then((c) => c.restyle()));
}

function rerender() {
  applyChrome();
  form.refresh();
  update();
  chart?.then((c) => c.restyle());
}
