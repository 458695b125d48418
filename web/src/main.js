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
import { diffFromDefaults, hashFor, readHash, setPath, withDefaults } from './scenario.js';
import { wireShare } from './share.js';
import { createSuggestions } from './suggestions.js';
import { createCompare } from './compare.js';
import { formatBytes } from './format.js';

const $ = (selector) => document.querySelector(selector);
const store = {
  get: (key) => { try { return localStorage.getItem(`memcalc.${key}`); } catch { return null; } },
  set: (key, value) => { try { localStorage.setItem(`memcalc.${key}`, value); } catch { /* private mode */ } },
};

const state = {
  api: null,
  catalog: null,
  defaults: null,
  scenario: null,
  result: null, // the full result once the searches have run; until then the breakdown alone
  pinned: [], // [{ scenario, result }]: scenarios pinned for comparison
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
let suggestions;
let compare;
let chart;
let chartTimer = 0;
let hashTimer = 0;
let detailsTimer = 0;
let writtenHash = '';

$('#version').textContent = __MEMCALC_VERSION__;
const languageReady = setLanguage(pickLanguage(store.get('lang'), navigator.languages));
start().catch((error) => {
  console.error(error);
  $('#total').textContent = t('load.failed', { error: error.message ?? error });
});

async function start() {
  [state.api] = await Promise.all([loadCore(), languageReady]);
  applyChrome();
  // The first number before anything else: the defaults are small, the catalog is not.
  state.defaults = state.api.defaults();
  state.scenario = initialScenario();
  paintFirstNumber(state.api.estimate(state.scenario, { searches: false }));
  await nextTask();

  state.catalog = state.api.catalog({ configs: false });
  results = createResults({ root: $('#results'), catalog: state.catalog, state });
  layerStrip = createLayerStrip($('#layers'));
  engineLog = createEngineLog({ root: $('#engine'), state });
  timeline = createTimeline({ root: $('#timeline'), catalog: state.catalog, state });
  speed = createSpeed($('#speed'));
  suggestions = createSuggestions({ root: $('#suggestions'), state, onApply: applySuggestion });
  compare = createCompare({ root: $('#compare'), catalog: state.catalog, state, onPinsChange: pinsChanged, onLoad: loadPinned });
  form = buildForm({ root: $('#inputs'), catalog: state.catalog, state, onChange: setScenario, api: state.api });
  wireChrome();
  wireShare({ root: $('#results'), catalog: state.catalog, state });
  wirePocket();
  update();
  watchChart();
  window.addEventListener('hashchange', () => {
    if (location.hash === writtenHash) return;
    state.scenario = initialScenario();
    form.refresh();
    update();
  });
  // The link is written when the reader pauses, and before the page goes away.
  addEventListener('pagehide', writeHash);
  document.addEventListener('visibilitychange', () => { if (document.hidden) writeHash(); });
  watchForUpdates(offerUpdate);
}

// The total, before the catalog and the form exist.
function paintFirstNumber(result) {
  const total = $('#total');
  if (!result.ok) return;
  total.replaceChildren(el('span', { textContent: formatBytes(result.total_bytes, state.unit, language()) }),
    el('small', { textContent: ` ${t('total.per_gpu')}` }));
  total.dataset.totalBytes = String(result.total_bytes);
}

// Yields to the browser (so it paints) and resumes in a new task.
function nextTask() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    requestAnimationFrame(() => channel.port2.postMessage(0));
  });
}

// The scenario of the link, over the defaults. A hash that cannot be read, or that the core
// rejects, leaves the defaults in place and a notice saying why. Pinned scenarios come with it.
function initialScenario() {
  const base = withDefaults(state.defaults, {});
  const fromHash = readHash(location.hash);
  state.hashNotice = null;
  state.pinned = [];
  if (!fromHash) return base;
  if (fromHash.error) {
    state.hashNotice = { error: fromHash.error };
    return base;
  }
  const scenario = withDefaults(base, fromHash.scenario);
  const result = state.api.estimate(scenario, { searches: false });
  if (!result.ok) {
    state.hashNotice = { issues: (result.issues ?? []).filter((i) => i.severity === 'error') };
    return base;
  }
  for (const pin of fromHash.pinned ?? []) {
    const pinned = withDefaults(base, pin);
    const r = state.api.estimate(pinned);
    if (r.ok) state.pinned.push({ scenario: pinned, result: r });
  }
  return scenario;
}

function setScenario(scenario, { rebuild = false } = {}) {
  state.hashNotice = null;
  state.scenario = scenario;
  if (rebuild) form.refresh();
  update();
}

function applySuggestion(change) {
  let scenario = state.scenario;
  for (const [path, value] of Object.entries(change)) scenario = setPath(scenario, path, value);
  setScenario(scenario, { rebuild: true });
}

function loadPinned(scenario) {
  setScenario(scenario, { rebuild: true });
}

function pinsChanged() {
  scheduleHash(0);
}

// On every input, in the same task: the breakdown alone (no searches), patched into what is on
// screen. The rest (inverse answers, suggestions, the engine's log, the step, the layers, speed,
// the comparison) follows after the next frame, from the full estimate.
function update() {
  state.result = state.api.estimate(state.scenario, { searches: false });
  results.render(state.result);
  form.showIssues(state.result.issues ?? []);
  paintPocket(state.result);
  $('#results').setAttribute('aria-busy', 'true');
  cancelAnimationFrame(detailsTimer);
  detailsTimer = requestAnimationFrame(() => setTimeout(details, 0));
  scheduleHash();
  scheduleChart();
}

function details() {
  const r = state.api.estimate(state.scenario);
  state.result = r;
  results.renderLimits(r);
  suggestions.render(r);
  // Each view is rebuilt only when what it shows has changed.
  show(layerStrip, r, [r.layers]);
  show(engineLog, r, [r.engine]);
  show(timeline, r, [r.phases, r.ranks, r.peak_phase, !!r.engine, r.components?.map((c) => [c.id, c.bytes])]);
  show(speed, r, [r.performance]);
  compare.render();
  $('#results').removeAttribute('aria-busy');
}

const shownKeys = new Map();
function show(view, result, parts) {
  const key = JSON.stringify([result.ok, parts, state.unit, language()]);
  if (shownKeys.get(view) === key) return;
  shownKeys.set(view, key);
  view.render(result);
}

function scheduleHash(delay = 1000) {
  clearTimeout(hashTimer);
  const idle = window.requestIdleCallback ?? ((f) => setTimeout(f, 0));
  hashTimer = setTimeout(() => idle(writeHash, { timeout: 2000 }), delay);
}

function writeHash() {
  if (!state.catalog) return;
  const hash = hashFor(diffFromDefaults(state.defaults, state.scenario),
    state.pinned.map((p) => diffFromDefaults(state.defaults, p.scenario)));
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

// On a phone the inputs and the results are one column: while the reader is in the inputs, a bar at
// the foot of the screen keeps the total and the fit in view (and leads to the results).
function wirePocket() {
  const pocket = $('#pocket');
  new IntersectionObserver((entries) => {
    for (const e of entries) pocket.classList.toggle('away', !e.isIntersecting);
  }).observe($('#results .summary'));
}

function paintPocket(result) {
  const pocket = $('#pocket');
  const ok = result.ok && result.fits;
  pocket.hidden = !ok;
  if (!ok) return;
  const total = formatBytes(result.total_bytes, state.unit, language());
  const fits = result.fits.fits;
  const fit = $('#fit').textContent;
  const [value, mark] = pocket.children;
  if (value.textContent !== total) value.textContent = total;
  const markText = fits ? '✓' : '✗';
  if (mark.textContent !== markText) mark.textContent = markText;
  pocket.dataset.fits = String(fits);
  pocket.dataset.total = String(result.total_bytes);
  pocket.setAttribute('aria-label', t('pocket.jump', { total, fit }));
}
