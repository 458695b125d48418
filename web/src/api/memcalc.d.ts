// Types of dist/memcalc.mjs. The shapes are those of CONTRACTS.md §1 (scenario) and §2 (result).
// Bytes are numbers (whole, exact below 2^53), per GPU unless said otherwise.

export type Mode = 'training' | 'inference';
export type Basis = 'exact' | 'analytic' | 'rule';
export type Severity = 'error' | 'warning' | 'info';

/** A Hugging Face config.json object, read verbatim by the core. */
export type HfConfig = { [field: string]: unknown };

export interface ParallelConfig {
  dp?: number;
  tp?: number;
  pp?: number;
  cp?: number;
  ep?: number;
  /** ZeRO stage 0–3 (3 = FSDP full sharding). */
  zero?: number;
  sequence_parallel?: boolean;
  /** Interleaved 1F1B: model chunks per pipeline rank. */
  virtual_stages?: number;
}

export interface TrainingConfig {
  /** Micro-batch per GPU, sequences. */
  batch_size?: number;
  seq_len?: number;
  precision?: 'fp32' | 'bf16_mixed' | 'fp16_mixed' | 'bf16' | 'amp_bf16' | 'amp_fp16';
  fp32_grads?: boolean;
  optimizer?: 'adamw' | 'adam' | 'sgd' | 'sgd_momentum' | 'adamw_8bit' | 'adafactor' | 'lion';
  recompute?: 'none' | 'selective' | 'full';
  flash_attention?: boolean;
  activation_formula?: 'seed' | 'architecture' | 'transformers';
  finetune?: 'full' | 'lora' | 'qlora';
  lora_rank?: number;
  /** Which projections get LoRA adapters: a preset, or PEFT module names. */
  lora_targets?: 'all_linear' | 'attention' | 'qv' | ('q_proj' | 'k_proj' | 'v_proj' | 'o_proj' | 'gate_proj' | 'up_proj' | 'down_proj')[];
  lora_alpha?: number;
  /** "standard": the full logits and cross-entropy buffers; "chunked": one chunk at a time (Liger, CCE). */
  loss?: 'standard' | 'chunked';
  gradient_accumulation_steps?: number;
  activation_offload?: boolean;
  optimizer_in_backward?: boolean;
  offload?: 'none' | 'optimizer' | 'optimizer_and_params';
  optimizer_impl?: 'foreach' | 'fused' | 'for_loop';
  parallel?: ParallelConfig;
}

export interface InferenceConfig {
  batch_size?: number;
  /** Prompt + generated tokens held in the KV cache. */
  context_len?: number;
  /** "auto": as the checkpoint stores them (quantization_config, else torch_dtype). */
  weight_dtype?:
    | 'auto' | 'fp32' | 'fp16' | 'bf16' | 'fp8' | 'fp8_block' | 'mxfp4' | 'nvfp4' | 'int8' | 'int4'
    | 'gptq_int4' | 'awq_int4' | 'nf4'
    | 'q8_0' | 'q6_k' | 'q5_k_m' | 'q4_k_m' | 'q4_0' | 'q3_k_m' | 'q2_k';
  /** "auto": the model's dtype; q8_0 / q4_0 are llama.cpp cache types. */
  kv_dtype?: 'auto' | 'fp32' | 'fp16' | 'bf16' | 'fp8' | 'fp8_e4m3' | 'fp8_e5m2' | 'int8' | 'int4' | 'q8_0' | 'q4_0' | 'nvfp4';
  /** Recurrent (SSM) state of hybrid models; "auto": the config's mamba_ssm_dtype, else the model dtype. */
  state_dtype?: 'auto' | 'fp32' | 'bf16' | 'fp16';
  tp?: number;
  /** Serve the language model alone: vision and audio towers not loaded. */
  text_only?: boolean;
  /** Load the multi-token-prediction layers (MTP speculative decoding). */
  mtp?: boolean;
  /** "generic" (the explicit estimate), or an engine with its own options spelled as its flags with
   *  `_` for `-`; `catalog().engines` lists every option with its default, range or choices. */
  engine?: EngineConfig;
}

export type EngineName = 'generic' | 'vllm' | 'sglang' | 'llamacpp' | 'transformers';

export interface EngineConfig {
  name: EngineName;
  /** vllm: gpu_memory_utilization, max_model_len, max_num_seqs, max_num_batched_tokens, block_size,
   *  enforce_eager, kv_cache_dtype, tensor_parallel_size, version, kv_cache_memory, ...;
   *  sglang: mem_fraction_static, context_length, chunked_prefill_size, max_running_requests, page_size, tp_size, ...;
   *  llamacpp: n_ctx, n_batch, n_ubatch, n_parallel, flash_attn, cache_type_k, cache_type_v, n_gpu_layers,
   *  swa_full, tensor_split, kv_unified, n_cpu_moe;
   *  transformers: attn_implementation, cache_implementation, prompt_len, logits_to_keep. */
  [option: string]: string | number | boolean | number[];
}

type GpuDetails = { count?: number; usable_bytes?: number; listed_bytes?: number; bandwidth_bytes_per_s?: number;
  flops?: { bf16?: number; fp8?: number; fp4?: number } };
export type GpuConfig = ({ preset: string } & GpuDetails) | ({ memory_bytes: number } & GpuDetails);

/** What an engine allocates and prints at start-up, bytes per GPU (CONTRACTS.md §6.2). */
export interface EngineFigures {
  name: Exclude<EngineName, 'generic'>;
  /** Whose rules and defaults, e.g. "vLLM 0.24". */
  version: string;
  /** Whether the engine starts with these settings; `problem` says why not, as the engine would. */
  starts: boolean;
  problem: string;
  usable_bytes: number;
  weights_bytes: number;
  non_torch_bytes: number;
  activation_bytes: number;
  cuda_graph_bytes: number;
  kv_cache_bytes: number;
  /** As the engine's log counts them ("GPU KV cache size: N tokens"). */
  kv_cache_tokens: number;
  gpu_blocks: number;
  block_size: number;
  /** Requests of max_model_len tokens at once. */
  max_concurrency: number;
  recurrent_state_bytes: number;
  compute_buffer_bytes: number;
  host_bytes: number;
  max_model_len: number;
  max_num_seqs: number;
  max_num_batched_tokens: number;
  /** The start-up lines as the engine prints them, each with the formula behind it. */
  log: { text: string; formula: string }[];
  /** llama.cpp: each device's share (the GPUs, then the CPU). */
  devices: { name: string; layers: number; output: boolean; weights_bytes: number; kv_bytes: number;
    state_bytes: number; compute_bytes: number }[];
  /** Inverse answers; −1: none. */
  limits: { max_model_len: number; max_concurrency: number; n_gpu_layers: number };
}

export interface Scenario {
  /** A preset id (see `presets()`), or a Hugging Face config.json object. */
  model: string | HfConfig;
  mode?: Mode;
  training?: TrainingConfig;
  inference?: InferenceConfig;
  gpu?: GpuConfig;
  /** CUDA context and workspaces, bytes per GPU (a rule of thumb; default 1 GiB). */
  overhead_bytes?: number;
  /** The roofline's efficiencies; 0: the default for the engine and device. */
  performance?: { memory_efficiency?: number; compute_efficiency?: number; mfu?: number };
}

export interface Issue {
  /** Dotted path into the scenario, e.g. "training.batch_size". */
  field: string;
  severity: Severity;
  message: string;
}

export interface Component {
  /** "parameters", "kv_cache", ... (CONTRACTS.md §2). */
  id: string;
  label: string;
  bytes: number;
  basis: Basis;
  /** The formula with the scenario's own numbers substituted. */
  formula: string;
  source: string;
}

export interface Limits {
  /** Longest training seq_len or inference context_len that fits one GPU; −1: none. */
  max_seq_len: number;
  max_batch_size: number;
  /** Fewest GPUs that fit; −1: none up to the search bound. */
  min_gpus: number;
  min_gpus_layout: string;
  /** `max_seq_len` stopped at the model's longest context (max_position_embeddings, or its rope-scaled length). */
  max_seq_len_capped: boolean;
}

/** A change that makes the scenario fit (or, when it fits, the room it leaves), with its new total. */
export interface Suggestion {
  /** Dotted scenario paths and their new values, e.g. { "training.recompute": "full" }. */
  change: { [path: string]: string | number | boolean };
  /** Per GPU, with the change. */
  total_bytes: number;
  fits: boolean;
  label: string;
}

export interface EstimateOptions {
  /** false: the breakdown alone, without `limits` and `suggestions` (their searches run tens of estimates). */
  searches?: boolean;
}

/** A run of alike consecutive layers. */
export interface LayerRun {
  /** "full_attention", "sliding_attention", "chunked_attention", "mla", "mla_indexer", "gated_deltanet",
   *  "mamba1", "mamba2", "kda", "linear_attention", "short_conv", "none", or two joined by "+". */
  mixer: string;
  ffn: 'dense' | 'moe' | 'none';
  /** Caches keys and values. */
  kv: boolean;
  /** Keeps a fixed recurrent state. */
  state: boolean;
  count: number;
}

export interface Result {
  ok: boolean;
  issues: Issue[];
  params?: {
    total: number;
    /** Per token of text: the routed experts a token uses, input embedding and output layer included. */
    active: number;
    seed_formula: number;
    /** The input embedding (and Gemma's per-layer embeddings): what some "active" conventions leave out. */
    embedding: number;
    /** Vision and audio towers with their projectors (in `total`). */
    encoders: number;
    /** Multi-token-prediction modules (not in `total`). */
    mtp: number;
    active_convention: string;
  };
  components?: Component[];
  /** Per GPU, the peak: the largest of `phases` (the overhead included). */
  total_bytes?: number;
  /** Every component at full size at once (an upper bound). */
  sum_bytes?: number;
  /** Training: forward, loss, backward, optimizer_step; inference: prefill, decode. */
  phases?: { id: string; bytes: number; components: { [id: string]: number } }[];
  peak_phase?: string;
  /** Training with pp > 1: each distinct pipeline stage. */
  ranks?: { id: string; total_bytes: number; peak_phase: string; components: { [id: string]: number } }[];
  /** Inference: 1.5× and 2.5× the weights (the rule of thumb). */
  peak_rule?: { low: number; high: number };
  fits?: { gpu_bytes: number; count: number; fits: boolean; headroom_bytes: number };
  /** Absent when estimated with { searches: false }. */
  limits?: Limits;
  /** Doesn't fit: the changes that make it fit, cheapest first (pairs where fewer than two fit alone).
   *  Fits: the room it leaves (a longer context or sequence, a larger batch). Absent with { searches: false }. */
  suggestions?: Suggestion[];
  /** Training: which activation formula was used, and its source. */
  activation_formula?: string;
  /** Inference: every layer's KV per token on this GPU, windowed layers counted as full. */
  kv_bytes_per_token?: number;
  /** Inference: the fixed recurrent state per sequence on this GPU (hybrid models). */
  recurrent_state_bytes_per_sequence?: number;
  /** The model's layer layout. */
  layers?: LayerRun[];
  /** CPU memory the scenario needs (offloaded states and activations, llama.cpp layers on the CPU). */
  host_bytes?: number;
  /** Inference with an engine other than "generic". */
  engine?: EngineFigures;
  /** Speed beside memory: a roofline, each figure with its assumptions (absent when the GPU's bandwidth and FLOP/s are unknown). */
  performance?: {
    decode_tokens_per_s?: number;
    decode_tokens_per_s_total?: number;
    prefill_tokens_per_s?: number;
    time_to_first_token_s?: number;
    step_time_s?: number;
    tokens_per_s?: number;
    gpu_hours_per_billion_tokens?: number;
    bound: 'memory' | 'compute';
    assumptions: string[];
  };
  /** The core's version. */
  version?: string;
  [field: string]: unknown;
}

export interface Preset {
  id: string;
  name: string;
  /** The family the page groups it under ("Qwen3.5", "gpt-oss"). */
  family: string;
  /** Year-month of the release. */
  released: string;
  /** The checkpoint's official repository. */
  official: string;
  source: string;
  params_total: number;
  params_active: number;
  /** The published parameter count the preset is checked against, or null. */
  published_params?: number | null;
  published_params_source?: string;
  /** The preset's Hugging Face config.json: edit it and pass it as `model`. */
  config?: HfConfig;
  [field: string]: unknown;
}

export interface Gpu {
  id: string;
  name: string;
  /** Bytes per card, as marketed. */
  memory_bytes: number;
  /** As the driver lists it (nvidia-smi). */
  listed_bytes: number;
  /** As the runtime reports it (unified memory: the GPU's default share): what `fits` compares against. */
  usable_bytes: number;
  vendor: string;
  kind: 'datacenter' | 'workstation' | 'consumer' | 'unified' | 'edge';
  released: number;
  bandwidth_bytes_per_s: number;
  /** Dense peak FLOP/s per dtype. */
  flops: { bf16: number; fp8?: number; fp4?: number };
  source?: string;
  [field: string]: unknown;
}

/** Frozen: shared by every caller of the instance. */
export interface Catalog {
  readonly version: string;
  readonly presets: readonly Preset[];
  readonly gpus: readonly Gpu[];
  /** A complete scenario holding every default. */
  readonly defaults: Scenario;
  /** Allowed values per field, e.g. "training.precision". */
  readonly enums: { readonly [field: string]: readonly string[] };
  /** Every engine with its options: name, default, help, and min/max or choices. */
  readonly engines: readonly {
    name: EngineName;
    defaults_from: string;
    options: readonly { name: string; default: unknown; help: string; min?: number; max?: number; choices?: readonly string[] }[];
  }[];
  /** Display labels of the result's components, English and Chinese. */
  readonly components: readonly { id: string; label: string; label_zh: string }[];
}

/** What a checkpoint's files hold, read from their headers (`memcalc inspect`). */
export interface FilesRead {
  ok: boolean;
  /** Problems, each naming the file (`field`) and the byte or tensor. */
  issues: Issue[];
  /** The scenario's `model`: config fields with `checkpoint_tensors`, the files' exact bytes. */
  model?: HfConfig;
  inspect?: {
    format: 'gguf' | 'safetensors';
    files: { name: string; size: number; header_bytes: number; tensors: number }[];
    tensor_count: number;
    bytes: number;
    bytes_by_type: { [type: string]: number };
    architecture: { [field: string]: unknown };
    not_used: string[];
  };
  /** Header bytes looked at, and the files' sizes. */
  read_bytes: number;
  total_bytes: number;
}

/** The synchronous API over one instantiated module. */
export interface Memcalc {
  estimate(scenario: Scenario | string, options?: EstimateOptions): Result;
  /** The scenario defaults (the same as catalog().defaults, without building the catalog). */
  defaults(): Scenario;
  /** Reads only the headers (Blob.slice) of .gguf, .safetensors, index and config.json files. */
  readFiles(files: Iterable<Blob>, options?: { onProgress?: (p: { read: number; total: number }) => void }): Promise<FilesRead>;
  /** The scenario's `model` for the files; rejects with an Error carrying `issues`. */
  modelFromFiles(files: Iterable<Blob>, options?: { onProgress?: (p: { read: number; total: number }) => void }): Promise<HfConfig>;
  /** The result JSON text, exactly as the CLI prints it. */
  estimateText(scenarioJson: string, options?: EstimateOptions): string;
  /** { configs: false }: the presets without their `config` (presetConfig has it); quicker to make. */
  catalog(options?: { configs?: boolean }): Catalog;
  /** A preset's config.json fields (null for an unknown id). */
  presetConfig(id: string): HfConfig | null;
  presets(): readonly Preset[];
  /** Allocator bytes in use and live Embind value handles: for leak checks. */
  heapStats(): { heapBytesInUse: number; emvalHandles: number };
}

export interface LoadOptions {
  /** Where the .wasm is (default: memcalc.wasm next to this module). */
  wasmUrl?: string | URL;
  /** The .wasm bytes, when the caller has them already. */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

/** The package's version (semver); every Result's `version` is the same. */
export const version: string;

/** Instantiates a new module. */
export function load(options?: LoadOptions): Promise<Memcalc>;
/** The shared instance used by estimate/presets/catalog (options apply on the first call). */
export function init(options?: LoadOptions): Promise<Memcalc>;
export function estimate(scenario: Scenario | string): Promise<Result>;
export function modelFromFiles(files: Iterable<Blob>, options?: { onProgress?: (p: { read: number; total: number }) => void }): Promise<HfConfig>;
export function readFiles(files: Iterable<Blob>, options?: { onProgress?: (p: { read: number; total: number }) => void }): Promise<FilesRead>;
export function presets(): Promise<readonly Preset[]>;
export function catalog(): Promise<Catalog>;
