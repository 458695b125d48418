// Speed beside memory: the roofline's figures (decode and prefill, or a training step) with the
// assumptions behind them, under the fit. Updated in place.
import { el } from './dom.js';
import { formatNumber } from './format.js';
import { language, t } from './i18n.js';

export function createSpeed(root) {
  const list = root.querySelector('.speed-figures');
  const notes = root.querySelector('.speed-assumptions');

  function render(result) {
    const p = result.ok ? result.performance : null;
    root.hidden = !p;
    if (!p) return;
    const locale = language();
    const n = (x, digits = 1) => formatNumber(x, locale, digits);
    const items = p.decode_tokens_per_s !== undefined ? [
      ['decode_tokens_per_s', t('speed.decode'), `${n(p.decode_tokens_per_s)} ${t('speed.tps')}`],
      ['decode_tokens_per_s_total', t('speed.decode_total'), `${n(p.decode_tokens_per_s_total)} ${t('speed.tps')}`],
      ['prefill_tokens_per_s', t('speed.prefill'), `${n(p.prefill_tokens_per_s, 0)} ${t('speed.tps')}`],
      ['time_to_first_token_s', t('speed.ttft'), `${n(p.time_to_first_token_s, 3)} s`],
    ] : [
      ['step_time_s', t('speed.step'), `${n(p.step_time_s, 3)} s`],
      ['tokens_per_s', t('speed.tokens_per_gpu'), `${n(p.tokens_per_s, 0)} ${t('speed.tps')}`],
      ['gpu_hours_per_billion_tokens', t('speed.gpu_hours'), n(p.gpu_hours_per_billion_tokens)],
    ];
    list.replaceChildren(...items.map(([key, name, text]) => el('li', { dataset: { figure: key, value: String(p[key]) } },
      [`${name}: `, el('strong', { textContent: text })])),
    el('li', { dataset: { figure: 'bound', value: p.bound } }, [t(`speed.bound_${p.bound}`)]));
    notes.replaceChildren(...p.assumptions.map((a) => el('li', { textContent: a })));
  }

  return { render };
}
