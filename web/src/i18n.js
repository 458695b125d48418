// The page's own words in English and Chinese (i18n-zh.js). Component labels, enum values, formulas and sources
// come from the core (catalog and result), not from here.

const en = {
  skip: 'Skip to the results',
  tagline: 'LLM GPU memory calculator',
  units: 'Units',
  theme: 'Theme',
  'theme.auto': 'Theme: follows the system',
  'theme.light': 'Theme: light',
  'theme.dark': 'Theme: dark',
  inputs: 'Inputs',
  mode: 'Mode',
  'mode.training': 'Training',
  'mode.inference': 'Inference',
  model: 'Model',
  models: 'Models',
  'model.search': 'Search models',
  'model.none': 'No model matches',
  'model.custom': 'Custom model (config.json)',
  'model.edited': 'edited',
  'model.params': 'parameters',
  'model.source': 'Where the config comes from',
  'model.active': 'active per token',
  'model.released': 'released {year}',
  dims: 'Dimensions (edit by hand)',
  import: 'Bring a Hugging Face config.json',
  'import.hint': 'Paste it or drop the file here. It is read in this page and never leaves your machine.',
  'import.text': 'config.json text',
  'import.apply': 'Use this config',
  'import.file': 'Open file…',
  'import.drop': 'Drop a config.json, checkpoint files or a model folder',
  'import.bad_json': 'This is not valid JSON',
  'import.not_object': 'A config.json holds one JSON object ({ … })',
  'import.ok': 'Config in use.',
  'import.unused': 'Not used:',
  'import.errors': 'Cannot use this config:',
  options: 'Options',
  advanced: 'Advanced',
  gpu: 'GPUs',
  'gpu.count': 'Count',
  'gpu.card': 'Card',
  'gpu.custom': 'Custom memory…',
  'gpu.memory': 'Memory per GPU (GiB)',
  results: 'Memory per GPU',
  'total.per_gpu': 'per GPU',
  'fit.yes': 'Fits on {count} × {gpu}: {headroom} free',
  'fit.no': 'Does not fit on {count} × {gpu}: {short} short',
  'fit.no_start': 'Does not start on {count} × {gpu} with these settings (see the engine view)',
  'limit.seq': 'Longest sequence that fits',
  'limit.context': 'Longest context that fits',
  'limit.batch': 'Largest batch that fits',
  'limit.gpus': 'Fewest GPUs that fit',
  'limit.none': 'none',
  'bar.total': 'Explicit estimate',
  'bar.rule': '1.5–2.5× weights rule',
  'bar.gpu': 'GPU memory',
  'bar.label': 'Stacked bar of the components, total {total}',
  'table.caption': 'Breakdown by component',
  'table.component': 'Component',
  'table.bytes': 'Memory',
  'table.share': 'Share',
  'table.basis': 'Basis',
  'table.formula': 'Formula',
  'table.source': 'Source',
  'table.peak_note': 'the peak, in {phase}; every component at once would be {sum}',
  'table.total': 'Total',
  'basis.exact': 'exact',
  'basis.analytic': 'analytic',
  'basis.rule': 'rule',
  'issue.error': 'Error',
  'issue.warning': 'Warning',
  'issue.info': 'Note',
  'invalid.total': 'No total: fix the errors below.',
  chart: 'Memory as the run grows',
  'chart.axis': 'Chart axis',
  'chart.seq': 'Sequence length',
  'chart.batch': 'Batch size',
  'chart.total': 'Total',
  'chart.label': 'Line chart of memory per GPU against {axis}',
  privacy: 'Everything is computed in this page (WebAssembly); nothing is uploaded.',
  loading: 'Loading…',
  'load.failed': 'The calculator could not start: {error}',
  yes: 'on',
  'hash.unreadable': 'The #scenario in this link could not be read ({error}); the defaults are shown.',
  'hash.invalid': 'The #scenario in this link has errors, so the defaults are shown:',
  share: 'Share and export',
  'share.copy': 'Copy link',
  'share.copied': 'Link copied.',
  'share.copy_failed': 'Could not copy; the link is selected below.',
  'share.link': 'Link to this scenario',
  'export.json': 'Download JSON',
  'export.csv': 'Download CSV',
  'export.md': 'Download Markdown',
  'export.copy_md': 'Copy Markdown',
  'export.saved': 'Saved {file}.',
  'export.md_copied': 'Markdown table copied.',
  'export.copy_failed': 'Could not copy: use Download Markdown.',
  'export.scenario': 'Scenario (memcalc --scenario)',
  'update.available': 'A new version of memcalc is available.',
  'update.reload': 'Reload',
  'update.later': 'Later',
  // Scenario fields: label, then a short explanation.
  'training.batch_size': ['Micro-batch per GPU', 'Sequences each GPU processes per step'],
  'training.seq_len': ['Sequence length', 'Tokens per training sequence'],
  'training.precision': ['Precision', 'Mixed precision keeps an fp32 master copy of the weights'],
  'training.fp32_grads': ['fp32 gradient copy', 'An extra fp32 copy of the gradients (some frameworks)'],
  'training.optimizer': ['Optimizer', 'Decides the optimizer state per parameter'],
  'training.recompute': ['Activation recomputation', 'Trade compute for memory: recompute activations in backward'],
  'training.flash_attention': ['Fused (flash) attention', 'No stored s² attention scores'],
  'training.activation_formula': ['Activation formula', 'seed: Korthikanti et al. eq. 1; architecture: from the model’s real shape, fused kernels (Megatron-LM); transformers: Hugging Face transformers’ eager modules'],
  'training.finetune': ['Fine-tuning', 'full, LoRA adapters, or QLoRA (NF4 base)'],
  'training.lora_rank': ['LoRA rank', 'Rank of the adapter matrices'],
  'training.parallel.dp': ['Data parallel', 'Replicas; ZeRO shards states over them'],
  'training.parallel.tp': ['Tensor parallel', 'Splits each layer’s matrices over GPUs'],
  'training.parallel.pp': ['Pipeline parallel', 'Stages; the breakdown is for the first, most loaded one'],
  'training.parallel.cp': ['Context parallel', 'Splits each sequence over GPUs'],
  'training.parallel.ep': ['Expert parallel', 'Splits MoE experts over GPUs'],
  'training.parallel.zero': ['ZeRO stage', '1: optimizer states, 2: + gradients, 3: + weights sharded (FSDP)'],
  'training.parallel.sequence_parallel': ['Sequence parallel', 'Shards norm and dropout activations over the tensor-parallel group'],
  'inference.batch_size': ['Batch size', 'Sequences served at once'],
  'inference.context_len': ['Context length', 'Prompt + generated tokens held in the KV cache'],
  'inference.weight_dtype': ['Weights (quantization)', 'auto: as the checkpoint stores them (MXFP4, FP8 blocks, GPTQ…); or a storage type, GGUF types included'],
  'inference.kv_dtype': ['KV cache type', 'auto: the model’s dtype; or the type of the cached keys and values'],
  'inference.state_dtype': ['Recurrent state type', 'auto: the config’s mamba_ssm_dtype, else the model dtype (llama.cpp keeps fp32)'],
  'inference.tp': ['Tensor parallel', 'GPUs that split the weights and the KV cache'],
  'inference.text_only': ['Text only', 'Serve the language model alone: vision and audio towers not loaded'],
  'inference.mtp': ['Load MTP layers', 'Multi-token-prediction layers for speculative decoding (on disk, not loaded otherwise)'],
  engine: 'Engine',
  'engine.pick': 'Sized the way this engine does it',
  'engine.generic': 'Explicit estimate (any engine)',
  'engine.vllm': 'vLLM',
  'engine.sglang': 'SGLang',
  'engine.llamacpp': 'llama.cpp (Ollama, LM Studio)',
  'engine.transformers': 'Hugging Face transformers',
  'engine.defaults': 'Options as the engine spells its flags; defaults of {version}.',
  'engine.generic_note': 'What any engine must hold: weights, KV cache, activations, nothing engine-specific.',
  'engine.log': 'Start-up log',
  'engine.log_title': '{version} at start-up, as it would log it',
  'engine.kv_tokens': 'KV cache capacity (tokens)',
  'engine.concurrency': 'Requests of {len} tokens at once',
  'engine.kv_pool': 'KV cache on this GPU',
  'engine.host': 'CPU memory',
  'engine.longest': 'Longest request that starts',
  'engine.most_layers': 'Most layers on the GPUs',
  'engine.does_not_start': 'Does not start:',
  'engine.split': 'Where the layers go',
  'engine.device': 'Device',
  'engine.layers': 'Layers',
  'engine.output': 'output',
  'engine.weights': 'Weights',
  'engine.kv': 'KV cache',
  'engine.state': 'State',
  'engine.compute': 'Compute',
  'phase.title': 'The step, phase by phase',
  'phase.forward': 'Forward',
  'phase.loss': 'Loss',
  'phase.backward': 'Backward',
  'phase.optimizer_step': 'Optimizer step',
  'phase.prefill': 'Prefill',
  'phase.decode': 'Decode',
  'phase.peak': 'peak',
  'phase.label': 'Memory alive in each phase: {phases}; the peak is in {peak}',
  'phase.at_peak': 'Alive at the peak ({phase})',
  'ranks.title': 'Pipeline stages',
  'ranks.rank': 'Stage',
  'ranks.total': 'Peak',
  'ranks.peak': 'Peak phase',
  'training.loss': ['Loss', 'standard: the full logits and cross-entropy buffers; chunked: Liger / Cut Cross-Entropy style, one chunk at a time'],
  'training.gradient_accumulation_steps': ['Gradient accumulation', 'Micro-batches per optimizer step: the gradients stay alive across them'],
  'training.activation_offload': ['Offload activations', 'Activations wait in CPU memory between forward and backward'],
  'training.optimizer_in_backward': ['Optimizer in backward', 'Each parameter is stepped as soon as its gradient is ready (no full gradient set)'],
  'training.offload': ['Offload to CPU', 'Optimizer states (and parameters) in CPU memory: ZeRO-Offload, FSDP CPU offload'],
  'training.optimizer_impl': ['Optimizer implementation', 'foreach (PyTorch’s GPU default) makes a temporary as large as a state list; fused and for-loop do not'],
  'training.lora_targets': ['LoRA targets', 'Which projections get adapters (PEFT target_modules)'],
  'training.lora_alpha': ['LoRA alpha', 'Scales the adapter update; no memory of its own'],
  'training.parallel.virtual_stages': ['Interleaved stages', 'Model chunks per pipeline rank (interleaved 1F1B): more micro-batches in flight'],
  files: 'Open checkpoint files',
  'files.hint': 'A .gguf, .safetensors files with their config.json, or a whole model folder. Only the headers are read, in this page: nothing is uploaded.',
  'files.pick': 'Open files…',
  'files.folder': 'Open a folder…',
  'files.reading': 'Reading the headers…',
  'files.progress': 'Reading the headers: {read} of {total}…',
  'files.read': 'Read {read} of {total} ({files} files, {tensors} {format} tensors); nothing was uploaded.',
  'files.read_hub': 'Fetched {read} of {total} ({files} files, {tensors} {format} tensors) with range requests.',
  'files.errors': 'Cannot use these files:',
  hub: 'From the Hugging Face Hub (only when you ask)',
  'hub.fetch': 'Fetch headers',
  'hub.hint': 'Reads config.json and the safetensors headers with range requests.',
  'hub.fetching': 'Asking {endpoint}…',
  'hub.failed': 'Could not read it from {endpoint} (no network, a missing or gated repository?): open the files instead.',
  'hub.bad_name': 'Give a repository as org/name or its URL',
  'layers.title': 'Layers',
  'layers.label': '{count} layers: {parts}',
  'layers.moe': '{count} with experts',
  'mixer.full_attention': 'full attention (KV)',
  'mixer.sliding_attention': 'sliding window (KV)',
  'mixer.chunked_attention': 'chunked (KV)',
  'mixer.mla': 'MLA latent (KV)',
  'mixer.mla_indexer': 'MLA + indexer (KV)',
  'mixer.shared': 'KV shared (none stored)',
  'mixer.recurrent': 'recurrent state',
  'mixer.none': 'MLP only',
  overhead_bytes: ['Overhead per GPU (bytes)', 'CUDA context and library workspaces (a rule of thumb)'],
};

// Chinese loads on demand, so English readers do not download it (and the reverse costs one request).
const tables = { en };
const loaders = { zh: () => import('./i18n-zh.js') };
let lang = 'en';

export const languages = ['en', 'zh'];

export function pickLanguage(stored, browserLanguages) {
  if (languages.includes(stored)) return stored;
  for (const tag of browserLanguages ?? []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (languages.includes(base)) return base;
  }
  return 'en';
}

export async function setLanguage(next) {
  const wanted = languages.includes(next) ? next : 'en';
  tables[wanted] ??= (await loaders[wanted]()).default;
  lang = wanted;
}

export function language() {
  return lang;
}

/** The phrase for `key` with {name} placeholders filled in; the key itself when unknown. */
export function t(key, values) {
  const entry = tables[lang][key] ?? en[key];
  const text = Array.isArray(entry) ? entry[0] : (entry ?? key);
  return values ? text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? '')) : text;
}

/** The short explanation of a scenario field, or ''. */
export function help(key) {
  const entry = tables[lang][key] ?? en[key];
  return Array.isArray(entry) ? entry[1] : '';
}

/** Applies the phrases to elements marked data-i18n (text) and data-i18n-aria (aria-label). */
export function translate(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
}
