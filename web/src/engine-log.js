// The engine view of the result: the figures people compare first (KV-cache tokens, concurrency at
// the request length, whether it starts), the start-up lines as the engine would print them with our
// formula behind each, and llama.cpp's split of the layers over GPUs and CPU. Updated in place.
import { el } from './dom.js';
import { formatBytes, formatCount, formatNumber } from './format.js';
import { language, t } from './i18n.js';

export function createEngineLog({ root, state }) {
  const headline = root.querySelector('.engine-headline');
  const log = root.querySelector('.engine-lines');
  const split = root.querySelector('.engine-split');
  const title = root.querySelector('#engine-title');

  function render(result) {
    const engine = result.ok ? result.engine : null;
    root.hidden = !engine;
    if (!engine) return;
    const locale = language();
    const bytes = (n) => formatBytes(n, state.unit, locale);
    const count = (n) => formatCount(Math.floor(n), locale);
    title.textContent = t('engine.log_title', { version: engine.version });

    const items = [
      [t('engine.kv_tokens'), count(engine.kv_cache_tokens), 'kv_cache_tokens', engine.kv_cache_tokens],
      [t('engine.concurrency', { len: count(engine.max_model_len) }), `${formatNumber(engine.max_concurrency, locale, 2)}×`,
        'max_concurrency', engine.max_concurrency],
      [t('engine.kv_pool'), bytes(engine.kv_cache_bytes), 'kv_cache_bytes', engine.kv_cache_bytes],
    ];
    if (engine.host_bytes > 0) items.push([t('engine.host'), bytes(engine.host_bytes), 'host_bytes', engine.host_bytes]);
    if (engine.limits?.max_model_len >= 0) items.push([t('engine.longest'), count(engine.limits.max_model_len), 'limit_max_model_len', engine.limits.max_model_len]);
    if (engine.limits?.n_gpu_layers >= 0) items.push([t('engine.most_layers'), count(engine.limits.n_gpu_layers), 'limit_n_gpu_layers', engine.limits.n_gpu_layers]);
    headline.replaceChildren(...items.map(([name, text, key, value]) =>
      el('li', { dataset: { figure: key, value: String(value) } }, [`${name}: `, el('strong', { textContent: text })])));
    if (!engine.starts) {
      headline.append(el('li', { className: 'no', dataset: { figure: 'starts', value: 'false' } },
        [el('strong', { textContent: `✗ ${t('engine.does_not_start')} ` }), engine.problem]));
    }

    // The log block: one line per start-up line, its formula on hover, focus and in a screen reader's
    // description.
    log.replaceChildren(...engine.log.map((line) => {
      const item = el('li', {}, [el('code', { textContent: line.text })]);
      if (line.formula) item.append(el('small', { className: 'why', textContent: `← ${line.formula}` }));
      return item;
    }));

    split.hidden = !engine.devices?.length;
    if (engine.devices?.length) {
      const head = ['engine.device', 'engine.layers', 'engine.weights', 'engine.kv', 'engine.state', 'engine.compute'];
      split.replaceChildren(
        el('caption', { textContent: t('engine.split') }),
        el('thead', {}, [el('tr', {}, head.map((k, i) => el('th', { scope: 'col', className: i > 1 ? 'num' : '', textContent: t(k) })))]),
        el('tbody', {}, engine.devices.map((d) => el('tr', { dataset: { device: d.name } }, [
          el('th', { scope: 'row', textContent: d.name }),
          el('td', { textContent: `${count(d.layers)}${d.output ? ` + ${t('engine.output')}` : ''}` }),
          ...[d.weights_bytes, d.kv_bytes, d.state_bytes, d.compute_bytes].map((b) => el('td', { className: 'num', textContent: bytes(b) })),
        ]))),
      );
    }
  }

  return { render };
}
