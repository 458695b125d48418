// The calculator page: one scenario in, the core's result out, on every input.
import { el } from './dom.js';
import { buildForm } from './form.js';
// The core and the service worker; the one-file page builds with ./standalone.js in its place.
import { loadCore, watchForUpdates } from './hosted.js';
import { language, pickLanguage, setLanguage, t, translate } from './i18n.js';
import { createEngineLog } from './engine-log.js';
import { createSpeed } from './speed.js';
import { createTimeline } from './timeline.js';
import { createLayerStrip } from './layers.js';
import { createResults } from './results.js';
import { diffFromDefaults, hashFor, readHash, withDefaults } from './scenario.js';
import { wireShare } from './share.js';

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
  hashNotice: null, // { error } or { issues }: the link's scenario was not used
};

let form;
let results;
let layerStrip;
let engineLog;
let timeline;
let speed;
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
  [state.api] = await Promise.all([loadCore(), languageReady]);
  applyChrome();
  state.catalog = state.api.catalog();
  state.scenario = initialScenario();

  results = createResults({ root: $('#results'), catalog: state.catalog, state });
  layerStrip = createLayerStrip($('#layers'));
  engineLog = createEngineLog({ root: $('#engine'), state });
  timeline = createTimeline({ root: $('#timeline'), catalog: state.catalog, state });
  speed = createSpeed($('#speed'));
  form = buildForm({ root: $('#inputs'), catalog: state.catalog, state, onChange: setScenario, api: state.api });
  wireChrome();
  wireShare({ root: $('#results'), catalog: state.catalog, state });
  update();
  watchChart();
  window.addEventListener('hashchange', () => {
    if (location.hash === writtenHash) return;
    state.scenario = initialScenario();
    form.refresh();
    update();
  });
  watchForUpdates(offerUpdate);
}

// The scenario of the link, over the defaults. A hash that cannot be read, or that the core
// rejects, leaves the defaults in place and a notice saying why.
function initialScenario() {
  const { defaults } = state.catalog;
  const model = defaults.model ?? state.catalog.presets[0]?.id;
  const base = withDefaults({ ...defaults, model }, {});
  const fromHash = readHash(location.hash);
  state.hashNotice = null;
  if (!fromHash) return base;
  if (fromHash.error) {
    state.hashNotice = { error: fromHash.error };
    return base;
  }
  const scenario = withDefaults(base, fromHash.scenario);
  const result = state.api.estimate(scenario);
  if (!result.ok) {
    state.hashNotice = { issues: (result.issues ?? []).filter((i) => i.severity === 'error') };
    return base;
  }
  return scenario;
}

function setScenario(scenario, { rebuild = false } = {}) {
  state.hashNotice = null;
  state.scenario = scenario;
  if (rebuild) form.refresh();
  update();
}

// Synchronous: estimate and paint the breakdown in the same task as the input event.
function update() {
  state.result = state.api.estimate(state.scenario);
  results.render(state.result);
  layerStrip.render(state.result);
  engineLog.render(state.result);
  timeline.render(state.result);
  speed.render(state.result);
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

// A new build is installed and waits for this page: say so, and reload into it when asked.
function offerUpdate(accept) {
  const box = $('#update');
  const reload = el('button', { type: 'button', className: 'primary', textContent: t('update.reload') });
  const later = el('button', { type: 'button', textContent: t('update.later') });
  reload.addEventListener('click', () => {
    reload.disabled = true;
    accept();
  });
  later.addEventListener('click', () => box.replaceChildren());
  box.replaceChildren(el('p', {}, [el('span', { textContent: t('update.available') }), reload, later]));
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
