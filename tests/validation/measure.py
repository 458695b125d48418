#!/usr/bin/python3
"""Measure real memory of small PyTorch models and compare it with memcalc's estimates.

    /usr/bin/python3 tests/validation/measure.py [--quick] [--engine CLI] [--explain TEXT] OUT.md

Writes OUT.md (a markdown table) and OUT.csv (the same rows) and exits 1 when a gated row is
outside its tolerance. Every number is counted from tensors, never from an allocator:

  model states   after one real optimizer.step(): the bytes of the parameters, their .grad, the
                 fp32 master copies and the optimizer's state tensors (0-dim per-tensor scalars
                 such as torch's `step` counters are a separate row);
  activations    the storages autograd saves for backward (saved_tensors_hooks), each storage
                 counted once, parameters and buffers excluded; live bytes are tracked until
                 autograd frees them, so the figure is the peak over forward and backward (the
                 end of the forward pass without recomputation; with checkpointing, the held
                 inputs plus the layer being recomputed);
  KV cache       the K and V tensors a greedy generation loop holds at the end;
  whole steps    the allocator's in-use bytes (glibc mallinfo2) after every aten op of one steady
                 training step, the peak of each phase (forward, loss, backward, optimizer step)
                 against the engine's phases and total_bytes.

Tolerances: `exact` (model states, KV cache, weights, input data), `5%` (activations) and `10%`
(a step's peak, and the phase the engine names as the peak; the other phases are reported).
Each activation row is compared with the engine variant its model code matches (variant()); the
seed formula with what the layers save. Rows marked `info` are reported only: the engine makes no
claim for that configuration. Bytes only this CPU build of torch saves are taken off the
measurement by name (platform_terms()).
"""
import argparse
import contextlib
import csv
import ctypes
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
import traceback
from collections import defaultdict

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models as M  # noqa: E402
from models import Config  # noqa: E402

torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}

# ---- the engine --------------------------------------------------------------------------------

ENGINE = [os.path.join(ROOT, "build", "native-release", "cli", "memcalc")]
_engine_cache = {}


def engine(scenario):
    key = json.dumps(scenario, sort_keys=True)
    if key not in _engine_cache:
        p = subprocess.run(ENGINE + ["--scenario", "-", "--json"], input=key, capture_output=True, text=True)
        try:
            out = json.loads(p.stdout)
        except json.JSONDecodeError:
            raise RuntimeError(f"memcalc failed ({p.returncode}): {p.stderr or p.stdout}\n{key}")
        if not out.get("ok", False):
            raise RuntimeError(f"memcalc rejected the scenario: {out.get('issues')}\n{key}")
        _engine_cache[key] = out
    return _engine_cache[key]


def component(result, cid):
    for c in result["components"]:
        if c["id"] == cid:
            return c["bytes"]
    return 0.0


# ---- saved-for-backward accounting ------------------------------------------------------------

class _Held:
    __slots__ = ("t", "key", "tracker")

    def __init__(self, t, key, tracker):
        self.t, self.key, self.tracker = t, key, tracker

    def __del__(self):
        self.tracker.release(self.key)


class SavedTracker:
    """Live bytes of the storages autograd holds for backward, by region, each storage once."""

    NOT_ACTIVATIONS = ("loss", "input")

    def __init__(self, exclude, explain=False):
        self.exclude = set(exclude)     # parameter and buffer storages
        self.pre = {}                   # storage -> region assigned before it is saved
        self.pre_refs = []              # keeps those storages alive: no other storage takes the address
        self.live = {}                  # storage -> [references, bytes, region]
        self.cur = defaultdict(int)
        self.peak = defaultdict(int)
        self.act = 0                    # live activation bytes (all regions but loss and input)
        self.act_peak = 0
        self.explain = explain
        self.log = []
        self.info = {}                  # storage -> its log entry (explain only)
        self.at_peak = []               # live activation storages at the peak (explain only)

    def note(self, t, name):
        self.pre[t.storage().data_ptr()] = name
        self.pre_refs.append(t)

    def pack(self, t):
        if t.numel() == 0:
            return t
        st = t.storage()
        key = st.data_ptr()
        if key in self.exclude:
            return t
        e = self.live.get(key)
        if e is not None:
            e[0] += 1
        else:
            region = self.pre.get(key, M.REGION[-1])
            n = st.nbytes()
            self.live[key] = [1, n, region]
            self.cur[region] += n
            self.peak[region] = max(self.peak[region], self.cur[region])
            if self.explain:
                where = [f"{os.path.basename(f.filename)}:{f.lineno} {f.line.strip()}" for f in
                         traceback.extract_stack(limit=8)[:-1] if f.filename.endswith("models.py")]
                self.log.append((region, tuple(t.shape), str(t.dtype).replace("torch.", ""), n,
                                 where[-1] if where else "?"))
                self.info[key] = self.log[-1]
            if region not in self.NOT_ACTIVATIONS:
                self.act += n
                if self.act > self.act_peak:
                    self.act_peak = self.act
                    if self.explain:
                        self.at_peak = [self.info[k] for k, v in self.live.items() if v[2] not in self.NOT_ACTIVATIONS]
        return _Held(t, key, self)

    @staticmethod
    def unpack(h):
        return h.t if isinstance(h, _Held) else h

    def release(self, key):
        e = self.live.get(key)
        if e is None:
            return
        e[0] -= 1
        if e[0] == 0:
            del self.live[key]
            self.cur[e[2]] -= e[1]
            if e[2] not in self.NOT_ACTIVATIONS:
                self.act -= e[1]

    def snapshot(self):
        return dict(self.cur), self.act


def storages(tensors):
    return {t.storage().data_ptr(): t.storage().nbytes() for t in tensors if t is not None and t.numel() > 0}


def batch(c, b, s, seed=1):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, c.vocab, (b, s), generator=g)
    return ids, ids.clone()


def measure_activations(c, dtype, b, s, explain=False):
    model = M.build(c, dtype)
    model.train()
    ids, labels = batch(c, b, s)
    excl = set(storages(list(model.parameters()) + list(model.buffers())))
    tr = SavedTracker(excl, explain)
    for t in (ids, labels):
        tr.note(t, "input")
    M._NOTE[0] = tr.note
    try:
        with torch.autograd.graph.saved_tensors_hooks(tr.pack, tr.unpack):
            logits = model.hidden(ids)
            with M.region("loss"):
                loss = M.causal_lm_loss(logits, labels, c.vocab)
            end_regions, end_act = tr.snapshot()
            del logits
            loss.backward()
    finally:
        M._NOTE[0] = None
    del loss
    return {"act_peak": tr.act_peak, "end_act": end_act, "end": end_regions, "peak": dict(tr.peak),
            "input": ids.numel() * ids.element_size() + labels.numel() * labels.element_size(),
            "log": tr.log, "at_peak": tr.at_peak}


# ---- model states after one optimizer step -----------------------------------------------------

class Lion(torch.optim.Optimizer):
    """Lion (Chen et al. 2023), the reference implementation's state: one exp_avg per parameter."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                b1, b2 = group["betas"]
                p.mul_(1 - group["lr"] * group["weight_decay"])
                upd = state["exp_avg"].mul(b1).add(p.grad, alpha=1 - b1).sign_()
                p.add_(upd, alpha=-group["lr"])
                state["exp_avg"].mul_(b2).add_(p.grad, alpha=1 - b2)


class Adafactor(torch.optim.Optimizer):
    """transformers.optimization.Adafactor's state and update (defaults: relative step, no first
    moment): exp_avg_sq_row/col for tensors of 2+ dimensions, exp_avg_sq for vectors, created
    from the gradient after its upcast to fp32, plus a `step` int and an `RMS` scalar."""

    def __init__(self, params, eps=(1e-30, 1e-3), clip_threshold=1.0, decay_rate=-0.8):
        super().__init__(params, dict(eps=eps, clip_threshold=clip_threshold, decay_rate=decay_rate))

    @staticmethod
    def _rms(t):
        return t.norm(2) / (t.numel() ** 0.5)

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad
                if grad.dtype in {torch.float16, torch.bfloat16}:
                    grad = grad.float()
                state = self.state[p]
                factored = grad.dim() >= 2
                if len(state) == 0:
                    state["step"] = 0
                    if factored:
                        state["exp_avg_sq_row"] = torch.zeros(grad.shape[:-1]).to(grad)
                        state["exp_avg_sq_col"] = torch.zeros(grad.shape[:-2] + grad.shape[-1:]).to(grad)
                    else:
                        state["exp_avg_sq"] = torch.zeros_like(grad)
                    state["RMS"] = 0
                pf = p.float() if p.dtype in {torch.float16, torch.bfloat16} else p
                state["step"] += 1
                state["RMS"] = self._rms(pf)
                lr = max(group["eps"][1], state["RMS"]) * min(1e-2, 1.0 / math.sqrt(state["step"]))
                beta2t = 1.0 - math.pow(state["step"], group["decay_rate"])
                update = grad ** 2 + group["eps"][0]
                if factored:
                    row, col = state["exp_avg_sq_row"], state["exp_avg_sq_col"]
                    row.mul_(beta2t).add_(update.mean(dim=-1), alpha=1.0 - beta2t)
                    col.mul_(beta2t).add_(update.mean(dim=-2), alpha=1.0 - beta2t)
                    r = (row / row.mean(dim=-1, keepdim=True)).rsqrt_().unsqueeze(-1)
                    update = r * col.unsqueeze(-2).rsqrt() * grad
                else:
                    state["exp_avg_sq"].mul_(beta2t).add_(update, alpha=1.0 - beta2t)
                    update = state["exp_avg_sq"].rsqrt().mul_(grad)
                update.div_((self._rms(update) / group["clip_threshold"]).clamp_(min=1.0)).mul_(lr)
                pf.add_(-update)
                if pf is not p:
                    p.copy_(pf)


def make_optimizer(name, params, **kwargs):
    if name == "adamw":
        return torch.optim.AdamW(params, lr=1e-3, **kwargs)
    if name == "adam":
        return torch.optim.Adam(params, lr=1e-3, **kwargs)
    if name == "sgd":
        return torch.optim.SGD(params, lr=1e-3, **kwargs)
    if name == "sgd_momentum":
        return torch.optim.SGD(params, lr=1e-3, momentum=0.9, **kwargs)
    if name == "lion":
        return Lion(params)
    if name == "adafactor":
        return Adafactor(params)
    raise ValueError(name)


def optimizer_bytes(opt):
    per_element = per_tensor = 0
    for st in opt.state.values():
        for v in st.values():
            if torch.is_tensor(v):
                if v.dim() == 0:
                    per_tensor += v.numel() * v.element_size()
                else:
                    per_element += v.numel() * v.element_size()
    return per_element, per_tensor


def unique_params(model):
    seen, out = set(), []
    for p in model.parameters():
        if p.storage().data_ptr() not in seen:
            seen.add(p.storage().data_ptr())
            out.append(p)
    return out


def measure_states(c, precision, optimizer, fp32_grads=False, b=2, s=16):
    """One real training step; the bytes of each model-state kind after optimizer.step()."""
    dtype = torch.float32 if precision == "fp32" else torch.bfloat16
    model = M.build(c, dtype)
    ids, labels = batch(c, b, s)
    loss = M.causal_lm_loss(model.hidden(ids), labels, c.vocab)
    loss.backward()
    params = unique_params(model)
    out = {}
    transient = 0
    if precision == "bf16_mixed":
        masters = [p.detach().float().clone().requires_grad_(True) for p in params]
        opt = make_optimizer(optimizer, masters)
        for p, m in zip(params, masters):
            m.grad = p.grad.float()             # the fp32 gradient the optimizer reads
        if fp32_grads:
            opt.step()                          # all fp32 gradients held (Nanotron, Megatron main_grad)
        else:
            held = [m.grad for m in masters]    # one fp32 gradient at a time: step tensor by tensor
            for m in masters:
                m.grad = None
            for m, g in zip(masters, held):
                m.grad = g
                opt.step()
                transient = max(transient, g.numel() * 4)
                m.grad = None
            del held
        with torch.no_grad():
            for p, m in zip(params, masters):
                p.copy_(m)
        out["master_weights"] = sum(m.numel() * m.element_size() for m in masters)
        if fp32_grads:
            out["fp32_gradients"] = sum(m.grad.numel() * m.grad.element_size() for m in masters if m.grad is not None)
    else:
        opt = make_optimizer(optimizer, params)
        opt.step()
    out["parameters"] = sum(storages(params).values())
    out["gradients"] = sum(storages([p.grad for p in params]).values())
    out["optimizer_states"], out["optimizer_per_tensor_scalars"] = optimizer_bytes(opt)
    out["_tensors"] = len(params)
    out["_transient_fp32_grad"] = transient
    return out


# ---- whole steps ---------------------------------------------------------------------------------
#
# The peak of allocated bytes over one training step, phase by phase, read from the C allocator:
# glibc's mallinfo2() in-use bytes (heap + mmapped chunks) after every aten op, forward and backward
# (a TorchDispatchMode sees both). Large blocks are forced to mmap, so every tensor is counted
# whichever thread frees it.

_libc = ctypes.CDLL("libc.so.6")


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


_libc.mallinfo2.restype = _MallInfo2
_libc.mallopt(-3, 64 * 1024)  # M_MMAP_THRESHOLD: fixed, so the threshold does not drift upwards


def allocated():
    m = _libc.mallinfo2()
    return m.uordblks + m.hblkhd


class StepMeter(TorchDispatchMode):
    """Peak allocated bytes per phase, relative to the bytes allocated when the step began."""

    def __init__(self):
        super().__init__()
        gc.collect()
        self.base = allocated()
        self.phase = "forward"
        self.peaks = {}

    def mark(self, phase):
        self.sample()
        self.phase = phase

    def sample(self):
        now = allocated() - self.base
        if now > self.peaks.get(self.phase, -1 << 62):
            self.peaks[self.phase] = now

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        self.sample()
        return out


def measure_step(c, precision, optimizer, impl, loss, b, s):
    """One steady-state training step (the second: optimizer states exist, gradients were set to
    None): the bytes resident when it starts (parameters, optimizer states, the batch) and the peak
    over each phase on top of them."""
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16, "amp_bf16": torch.float32}[precision]
    model = M.build(c, dtype)
    params = unique_params(model)
    kwargs = {"foreach": impl == "foreach"} if optimizer in ("adamw", "adam", "sgd_momentum") else {}
    opt = make_optimizer(optimizer, params, **kwargs)
    ids, labels = batch(c, b, s)
    def autocast():
        return torch.autocast("cpu", dtype=torch.bfloat16) if precision == "amp_bf16" else contextlib.nullcontext()

    def step(meter=None):
        mark = meter.mark if meter else (lambda _: None)
        with autocast():
            x = model.hidden(ids, head=False)
            mark("loss")
            if loss == "chunked":
                out = M.chunked_causal_lm_loss(x, model.head_weight(), labels)
            else:
                out = M.causal_lm_loss(F.linear(x, model.head_weight()), labels, c.vocab)
        x.register_hook(lambda g: mark("backward"))
        out.backward()
        mark("optimizer_step")
        opt.step()
        if meter:
            meter.sample()
        opt.zero_grad(set_to_none=True)
        del x, out

    step()
    gc.collect()
    resident = sum(storages(params).values()) + sum(optimizer_bytes(opt)) + ids.numel() * 8 * 2
    meter = StepMeter()
    with meter:
        step(meter)
    return {"resident": resident, "phases": {k: resident + v for k, v in meter.peaks.items()}}


# ---- KV cache ------------------------------------------------------------------------------------

def measure_kv(c, compute, cache_dtype, b, prompt, new_tokens):
    model = M.build(c, DTYPES[compute])
    model.eval()
    ids, _ = batch(c, b, prompt)
    caches, tokens = model.generate(ids, new_tokens, DTYPES[cache_dtype])
    kv = sum(storages([t for cch in caches for t in (cch.k, cch.v)]).values())
    cached = caches[0].k.shape[2]
    weights = sum(storages(unique_params(model)).values())
    return {"kv_cache": kv, "tokens": cached, "weights": weights, "generated": tokens.shape[1] - prompt}


# ---- scenarios -----------------------------------------------------------------------------------

def gpt2(**kw):
    base = dict(arch="gpt2", vocab=512, hidden=64, layers=2, heads=4, positions=512, dropout=0.1,
                attn="eager", gelu="tanh")
    base.update(kw)
    return Config(**base)


def llama(**kw):
    base = dict(arch="llama", vocab=1024, hidden=128, layers=2, heads=4, kv_heads=2, head_dim=32,
                inter=344, attn="fused", norm="fused")
    base.update(kw)
    return Config(**base)


def mixtral(**kw):
    base = dict(arch="mixtral", vocab=512, hidden=64, layers=2, heads=4, kv_heads=2, head_dim=16,
                inter=128, experts=4, top_k=2, attn="fused", norm="fused")
    base.update(kw)
    return Config(**base)


# (name, config, precision of activations, batch, seq, quick). The engine variant each row is
# compared with follows from its model code (variant() below).
ACTIVATIONS = [
    ("gpt2 L2 h64 a4 s32 b2 bf16 dropout eager", gpt2(), "bf16", 2, 32, True),
    ("gpt2 L2 h64 a4 s32 b2 bf16 no-dropout eager", gpt2(dropout=0.0), "bf16", 2, 32, False),
    ("gpt2 L2 h64 a4 s32 b2 fp32 dropout eager", gpt2(), "fp32", 2, 32, False),
    ("gpt2 L2 h64 a4 s32 b2 bf16 dropout fused-attn", gpt2(attn="fused"), "bf16", 2, 32, True),
    ("gpt2 L2 h64 a4 s32 b2 bf16 no-dropout fused-attn", gpt2(attn="fused", dropout=0.0), "bf16", 2, 32, False),
    ("gpt2 L2 h64 a8 s256 b1 bf16 dropout eager (s2)", gpt2(heads=8), "bf16", 1, 256, False),
    ("gpt2 L3 h96 a6 s64 b3 bf16 dropout eager", gpt2(hidden=96, layers=3, heads=6), "bf16", 3, 64, False),
    ("gpt2 L4 h128 a4 s16 b4 fp32 no-dropout fused-attn", gpt2(hidden=128, layers=4, dropout=0.0, attn="fused"), "fp32", 4, 16, False),
    ("gpt2 L6 h64 a4 s32 b2 bf16 dropout eager", gpt2(layers=6), "bf16", 2, 32, False),
    ("gpt2 L2 h64 a4 s32 b2 bf16 dropout selective", gpt2(recompute="selective"), "bf16", 2, 32, True),
    ("gpt2 L2 h64 a8 s256 b1 bf16 dropout selective (s2)", gpt2(heads=8, recompute="selective"), "bf16", 1, 256, False),
    ("gpt2 L2 h64 a4 s32 b2 bf16 dropout full-recompute", gpt2(recompute="full"), "bf16", 2, 32, False),
    ("gpt2 L4 h64 a4 s32 b2 bf16 dropout full-recompute", gpt2(layers=4, recompute="full"), "bf16", 2, 32, False),
    ("gpt2 L2 h64 a4 s32 b2 bf16 dropout eager gelu_new", gpt2(gelu="hf_new"), "bf16", 2, 32, False),
    ("llama L2 h128 a4 g2 d32 s64 b2 bf16 fused-norm fused-attn", llama(), "bf16", 2, 64, True),
    ("llama L2 h128 a4 g2 d32 s64 b2 fp32 fused-norm fused-attn", llama(), "fp32", 2, 64, False),
    ("llama L2 h128 a4 g2 d32 s64 b2 bf16 hf-norm fused-attn", llama(norm="hf"), "bf16", 2, 64, True),
    ("llama L2 h128 a4 g2 d32 s64 b2 bf16 hf-norm eager (HF eager)", llama(norm="hf", attn="eager"), "bf16", 2, 64, True),
    ("llama L2 h128 a4 g2 d32 s64 b2 bf16 fused-norm unfused", llama(attn="unfused"), "bf16", 2, 64, False),
    ("llama L2 h128 a4 g4 d32 s64 b2 bf16 fused-norm unfused (MHA)", llama(kv_heads=4, attn="unfused"), "bf16", 2, 64, False),
    ("llama L2 h128 a4 g4 d32 s64 b2 fp32 hf-norm eager (MHA)", llama(kv_heads=4, attn="eager", norm="hf"), "fp32", 2, 64, False),
    ("llama L3 h96 a4 g1 d32 s48 b2 bf16 fused-norm fused-attn (MQA, a*d!=h)", llama(hidden=96, layers=3, kv_heads=1, inter=256), "bf16", 2, 48, False),
    ("llama L2 h64 a8 g2 d16 s256 b1 bf16 fused-norm unfused (s2)", llama(hidden=64, heads=8, head_dim=16, inter=172, attn="unfused"), "bf16", 1, 256, False),
    ("llama L2 h64 a8 g2 d16 s256 b1 bf16 hf-norm eager (s2)", llama(hidden=64, heads=8, head_dim=16, inter=172, attn="eager", norm="hf"), "bf16", 1, 256, False),
    ("llama L2 h64 a8 g2 d16 s256 b1 bf16 fused-norm fused-attn (s2)", llama(hidden=64, heads=8, head_dim=16, inter=172), "bf16", 1, 256, False),
    ("llama L2 h128 a4 g2 d32 s64 b2 bf16 fused-norm unfused attn-dropout", llama(attn="unfused", dropout=0.1), "bf16", 2, 64, False),
    ("llama L2 h128 a4 g2 d32 s64 b2 bf16 hf-norm eager attn-dropout", llama(attn="eager", norm="hf", dropout=0.1), "bf16", 2, 64, False),
    ("llama L2 h128 a4 g2 d32 s64 b2 bf16 fused-norm selective", llama(attn="unfused", recompute="selective"), "bf16", 2, 64, False),
    ("llama L2 h64 a8 g2 d16 s256 b1 bf16 fused-norm selective (s2)", llama(hidden=64, heads=8, head_dim=16, inter=172, attn="unfused", recompute="selective"), "bf16", 1, 256, False),
    ("llama L2 h64 a8 g2 d16 s256 b1 bf16 hf-norm eager selective (s2)", llama(hidden=64, heads=8, head_dim=16, inter=172, attn="eager", norm="hf", recompute="selective"), "bf16", 1, 256, False),
    ("llama L8 h64 a4 g2 d16 s32 b4 bf16 fused-norm fused-attn", llama(hidden=64, layers=8, head_dim=16, inter=172), "bf16", 4, 32, False),
    ("llama L2 h128 a4 g2 d32 s64 b2 bf16 fused-norm fused-attn full-recompute", llama(recompute="full"), "bf16", 2, 64, True),
    ("mixtral L2 h64 a4 g2 E4 k2 s32 b2 bf16 fused-norm fused-attn", mixtral(), "bf16", 2, 32, True),
    ("mixtral L2 h64 a4 g2 E4 k2 s32 b2 bf16 hf-norm eager (HF eager)", mixtral(norm="hf", attn="eager"), "bf16", 2, 32, False),
    ("mixtral L2 h64 a4 g2 E8 k2 s64 b1 fp32 fused-norm fused-attn", mixtral(experts=8, inter=96), "fp32", 1, 64, False),
]


def variant(c):
    """The engine's activation_formula that describes this model code: "transformers" for
    transformers' eager modules (its RMSNorm, its eager Llama attention, gelu_new), "architecture"
    for fused norms with flash-style or unfused attention."""
    hf_parts = [c.norm == "hf" and c.arch != "gpt2", c.attn == "eager" and c.arch != "gpt2", c.gelu == "hf_new"]
    fused_parts = [c.norm == "fused" and c.arch != "gpt2", c.attn == "unfused"]
    assert not (any(hf_parts) and any(fused_parts)), "model code mixes the two variants"
    return "transformers" if any(hf_parts) else "architecture"


STATE_MODELS = {
    "gpt2 L2 h64 (tied)": gpt2(),
    "llama L2 h128 g2": llama(),
    "mixtral L2 h64 E4": mixtral(),
}
# Whole steps: (name, config, precision, optimizer, optimizer implementation, loss, batch, seq, quick).
# Sizes large enough that tensors, not the allocator's bookkeeping, set the peak.
STEP_LLAMA = llama(hidden=256, layers=2, heads=8, kv_heads=2, head_dim=32, inter=688, vocab=8192)
STEP_BIG_VOCAB = llama(hidden=128, layers=2, heads=4, kv_heads=2, head_dim=32, inter=344, vocab=32000)
STEPS = [("llama L2 h256 V8192", STEP_LLAMA, p, "adamw", impl, loss, 2, 128,
          p == "bf16" and impl == "foreach" and loss == "standard")
         for p in ("fp32", "bf16", "amp_bf16") for impl in ("foreach", "for_loop") for loss in ("standard", "chunked")]
STEPS += [
    ("llama L2 h128 V32000 (large vocabulary)", STEP_BIG_VOCAB, "bf16", "adamw", "foreach", "standard", 1, 512, True),
    ("llama L2 h128 V32000 (large vocabulary)", STEP_BIG_VOCAB, "bf16", "adamw", "foreach", "chunked", 1, 512, True),
    ("llama L2 h256 V8192 full recompute", llama(hidden=256, layers=2, heads=8, kv_heads=2, head_dim=32, inter=688, vocab=8192,
                                                recompute="full"), "bf16", "adamw", "foreach", "standard", 2, 128, False),
    ("llama L4 h256 V4096 eager (HF eager)", llama(hidden=256, layers=4, heads=8, kv_heads=2, head_dim=32, inter=688, vocab=4096,
                                                   attn="eager", norm="hf"), "fp32", "adamw", "foreach", "standard", 2, 128, False),
    ("gpt2 L2 h256 V8192 (tied)", gpt2(hidden=256, vocab=8192, heads=8, positions=256), "bf16", "adamw", "foreach", "standard", 2, 128, False),
    ("mixtral L2 h128 E4 V4096", mixtral(hidden=128, head_dim=32, inter=256, vocab=4096), "fp32", "adamw", "foreach", "standard", 2, 128, False),
    ("llama L2 h256 V8192", STEP_LLAMA, "fp32", "sgd_momentum", "foreach", "standard", 2, 128, False),
    ("llama L2 h256 V8192", STEP_LLAMA, "fp32", "adafactor", "for_loop", "standard", 2, 128, False),
]

# (model, precision, optimizer, fp32_grads, quick)
STATES = [(m, p, o, False, False) for m in STATE_MODELS
          for p, o in [("fp32", "adamw"), ("fp32", "adam"), ("fp32", "sgd"), ("fp32", "sgd_momentum"),
                       ("fp32", "lion"), ("fp32", "adafactor"), ("bf16_mixed", "adamw"),
                       ("bf16_mixed", "sgd_momentum"), ("bf16_mixed", "adafactor"),
                       ("bf16", "adamw"), ("bf16", "lion"), ("bf16", "adafactor")]]
STATES += [(m, "bf16_mixed", "adamw", True, False) for m in STATE_MODELS]
STATES = [(m, p, o, f, (m == "llama L2 h128 g2" and o == "adamw" and p in ("fp32", "bf16_mixed") and not f))
          for m, p, o, f, _ in STATES]

# (name, config, compute dtype, cache dtype, batch, prompt, new tokens, quick)
KV = [
    ("MHA a4 g4 d16", llama(hidden=64, heads=4, kv_heads=4, head_dim=16, inter=172), "fp32", "fp32", 2, 12, 9, False),
    ("MHA a4 g4 d16", llama(hidden=64, heads=4, kv_heads=4, head_dim=16, inter=172), "fp32", "fp16", 2, 12, 9, False),
    ("MHA a4 g4 d16", llama(hidden=64, heads=4, kv_heads=4, head_dim=16, inter=172), "bf16", "bf16", 1, 20, 5, False),
    ("GQA a8 g2 d16", llama(hidden=128, heads=8, kv_heads=2, head_dim=16), "bf16", "bf16", 3, 16, 8, True),
    ("GQA a8 g2 d16", llama(hidden=128, heads=8, kv_heads=2, head_dim=16), "fp32", "fp16", 3, 16, 8, False),
    ("GQA a8 g2 d16", llama(hidden=128, heads=8, kv_heads=2, head_dim=16), "fp32", "fp32", 1, 30, 3, False),
    ("MQA a4 g1 d32 L3", llama(hidden=96, layers=3, heads=4, kv_heads=1, head_dim=32), "fp32", "bf16", 2, 10, 6, False),
    ("MQA a4 g1 d32 L3", llama(hidden=96, layers=3, heads=4, kv_heads=1, head_dim=32), "bf16", "fp16", 2, 10, 6, False),
    ("GQA Mixtral E4 k2", mixtral(), "fp32", "bf16", 2, 8, 8, False),
]


# ---- comparison rows -----------------------------------------------------------------------------

class Table:
    def __init__(self):
        self.rows = []

    def add(self, scenario, comp, est, meas, tol, note=""):
        rel = (est - meas) / meas if meas else (0.0 if est == 0 else math.inf)
        if tol == "exact":
            ok = abs(est - meas) <= 1e-9 * max(1.0, abs(meas))
        elif tol.endswith("%"):
            ok = abs(rel) <= float(tol[:-1]) / 100
        else:
            ok = None
        self.rows.append(dict(scenario=scenario, component=comp, estimated=est, measured=meas,
                              rel_error=rel, tolerance=tol, status="" if ok is None else ("ok" if ok else "FAIL"),
                              note=note))
        return ok

    def failures(self):
        return [r for r in self.rows if r["status"] == "FAIL"]

    def write(self, md_path, header):
        csv_path = os.path.splitext(md_path)[0] + ".csv"
        with open(csv_path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(self.rows[0].keys()))
            w.writeheader()
            for r in self.rows:
                w.writerow({**r, "rel_error": f"{r['rel_error']:.6g}"})
        with open(md_path, "w") as f:
            f.write(header + "\n\n")
            f.write("| scenario | component | estimated B | measured B | rel. error | tolerance | status | note |\n")
            f.write("|---|---|--:|--:|--:|---|---|---|\n")
            for r in self.rows:
                f.write(f"| {r['scenario']} | {r['component']} | {r['estimated']:,.0f} | {r['measured']:,.0f} | "
                        f"{r['rel_error']:+.2%} | {r['tolerance']} | {r['status']} | {r['note']} |\n")
            f.write("\n" + self.summary_markdown() + "\n")
        return csv_path

    def summary(self):
        by = defaultdict(list)
        for r in self.rows:
            if r["status"] and math.isfinite(r["rel_error"]):
                by[r["component"]].append(abs(r["rel_error"]))
        return {k: (statistics.median(v), max(v), len(v)) for k, v in by.items()}

    def summary_markdown(self):
        lines = ["| component (gated rows) | rows | median abs rel. error | worst abs rel. error |",
                 "|---|--:|--:|--:|"]
        for k, (med, worst, n) in sorted(self.summary().items()):
            lines.append(f"| {k} | {n} | {med:.2%} | {worst:.2%} |")
        return "\n".join(lines)


def training_scenario(c, b, s, precision, optimizer="adamw", formula="architecture", fp32_grads=False):
    return {"mode": "training", "model": c.hf_config(),
            "training": {"batch_size": b, "seq_len": s, "precision": precision, "optimizer": optimizer,
                         "recompute": c.recompute, "flash_attention": c.attn == "fused",
                         "activation_formula": formula, "fp32_grads": fp32_grads}}


def seed_claims(c, dtype):
    """The seed (Korthikanti Eq. 1) describes a 16-bit GPT-2-style block with dropout, a fused GeLU
    and no recomputation (its selective/full forms leave out the layer being recomputed)."""
    return c.arch == "gpt2" and dtype == "bf16" and c.dropout > 0 and c.gelu == "tanh" and c.recompute == "none"


def platform_terms(c, dtype, b, s):
    """Bytes this CPU run of torch saves that a CUDA run of a current torch does not, by name.
    They are taken off the measurement before it is compared (and shown in the note)."""
    terms = []
    T, L, h = b * s, c.layers, c.hidden
    if c.arch != "gpt2" and c.norm == "hf" and tuple(int(x) for x in torch.__version__.split(".")[:2]) < (2, 0):
        # torch 1.13's mean() keeps its input for backward (later releases keep only its sizes):
        # the fp32 square inside each RMSNorm, 2 per layer and the final one, all alive at the end
        # of the forward pass.
        terms.append(("torch < 2.0: mean() keeps the fp32 square in each RMSNorm", 4 * T * h * (2 * L + 1)))
    return terms


def run_activations(table, name, c, dtype, b, s, explain):
    m = measure_activations(c, DTYPES[dtype], b, s, explain)
    precision = "fp32" if dtype == "fp32" else "bf16_mixed"
    formula = variant(c)
    est = engine(training_scenario(c, b, s, precision, formula=formula))
    other = sum(v for k, v in m["end"].items() if k not in ("layers", "loss", "input"))
    note = (f"layers {m['peak'].get('layers', 0):,} B peak; outside layers {other:,} B "
            f"({', '.join(f'{k} {v:,}' for k, v in sorted(m['end'].items()) if k not in ('layers', 'loss', 'input') and v)})")
    if m["act_peak"] != m["end_act"]:
        note += f"; end of forward {m['end_act']:,} B, peak in backward {m['act_peak']:,} B"
    platform = platform_terms(c, dtype, b, s)
    measured = m["act_peak"] - sum(v for _, v in platform)
    if platform:
        note += f"; measured {m['act_peak']:,} B less " + ", ".join(f"{n} {v:,} B" for n, v in platform)
    table.add(name, f"activations ({formula})", component(est, "activations"), measured, "5%", note)
    if c.arch == "gpt2":
        # The seed's L·s·b·h·(34 + 5as/h) counts the layers only: compare it with what they save.
        seed = engine(training_scenario(c, b, s, precision, formula="seed"))
        table.add(name, "activations (seed, layers)", component(seed, "activations"), m["peak"].get("layers", 0),
                  "5%" if seed_claims(c, dtype) else "info")
    table.add(name, "input_data", component(est, "input_data"), m["input"], "exact")
    if explain and explain in name:
        print(f"\n== {name}: saved storages (region, shape, dtype, bytes, saved at)")
        for row in m["log"]:
            print("  ", *row)
        if m["act_peak"] != m["end_act"]:
            print(f"-- live activation storages at the peak ({m['act_peak']:,} B, in backward)")
            for row in m["at_peak"]:
                print("  ", *row)


def run_states(table, model_name, precision, optimizer, fp32_grads):
    c = STATE_MODELS[model_name]
    m = measure_states(c, precision, optimizer, fp32_grads)
    est = engine(training_scenario(c, 2, 16, precision, optimizer, fp32_grads=fp32_grads))
    name = f"{model_name} {precision}{'+fp32_grads' if fp32_grads else ''} {optimizer}"
    ref = "" if optimizer in ("adamw", "adam", "sgd", "sgd_momentum") else " (reference implementation)"
    for comp in ("parameters", "gradients", "master_weights", "fp32_gradients", "optimizer_states"):
        e, v = component(est, comp), m.get(comp, 0)
        if e or v or comp == "optimizer_states":
            table.add(name, comp, e, v, "exact", ref.strip() if comp == "optimizer_states" else "")
    if m["optimizer_per_tensor_scalars"]:
        table.add(name, "optimizer per-tensor scalars", 0, m["optimizer_per_tensor_scalars"], "info",
                  f"0-dim state tensors ({m['_tensors']} parameter tensors: torch `step`, Adafactor `RMS`)")
    if m["_transient_fp32_grad"]:
        table.add(name, "transient fp32 gradient", 0, m["_transient_fp32_grad"], "info",
                  "largest tensor's fp32 gradient, held while that tensor steps")
    if precision == "fp32" and optimizer == "adamw":
        n = sum(p.numel() for p in unique_params(M.build(c)))
        table.add(model_name, "params.total (count)", est["params"]["total"], n, "exact")


def platform_step_terms(precision, optimizer, impl, params_bytes, largest_bytes):
    """Bytes this torch 1.13 step allocates that torch ≥ 2.0 does not, by name."""
    terms = []
    if tuple(int(x) for x in torch.__version__.split(".")[:2]) < (2, 0) and optimizer in ("adamw", "adam"):
        if impl == "foreach":
            # 1.13 _multi_tensor_adamw: denom = torch._foreach_add(exp_avg_sq_sqrt, eps), a second
            # list beside exp_avg_sq_sqrt; 2.x adds eps in place (torch._foreach_add_).
            terms.append(("torch < 2.0: foreach AdamW's denom list", params_bytes))
    return terms


def run_step(table, name, c, precision, optimizer, impl, loss, b, s):
    m = measure_step(c, precision, optimizer, impl, loss, b, s)
    scenario = training_scenario(c, b, s, precision, optimizer, formula=variant(c))
    scenario["training"].update({"optimizer_impl": impl, "loss": loss})
    scenario["overhead_bytes"] = 0
    est = engine(scenario)
    params_bytes = sum(storages(unique_params(M.build(c, torch.float32 if precision != "bf16" else torch.bfloat16))).values())
    label = f"{name} {precision} {optimizer} {impl} {loss}-loss b{b} s{s}"
    est_phases = {p["id"]: p["bytes"] for p in est["phases"]}
    terms = platform_step_terms(precision, optimizer, impl, params_bytes, 0)
    for phase in ("forward", "loss", "backward", "optimizer_step"):
        meas = m["phases"].get(phase, 0)
        note = ""
        if phase == "optimizer_step" and terms:
            meas -= sum(v for _, v in terms)
            note = "measured less " + ", ".join(f"{n} {v:,} B" for n, v in terms)
        table.add(label, f"phase {phase}", est_phases.get(phase, 0), meas, "10%" if phase == est["peak_phase"] else "info", note)
    peak = max(m["phases"].get(p, 0) - (sum(v for _, v in terms) if p == "optimizer_step" else 0) for p in m["phases"])
    table.add(label, "step peak (total_bytes)", est["total_bytes"], peak, "10%",
              f"estimated peak phase {est['peak_phase']}; resident at the start {m['resident']:,} B")


def run_kv(table, name, c, compute, cache, b, prompt, new):
    m = measure_kv(c, compute, cache, b, prompt, new)
    est = engine({"mode": "inference", "model": c.hf_config(),
                  "inference": {"batch_size": b, "context_len": m["tokens"], "kv_dtype": cache,
                                "weight_dtype": compute}})
    label = f"{name} {compute} compute, {cache} cache, b{b} {m['tokens']} tokens"
    table.add(label, "kv_cache", component(est, "kv_cache"), m["kv_cache"], "exact",
              f"prompt {prompt} + {m['generated']} generated (the last sampled token is not cached)")
    table.add(label, "weights", component(est, "weights"), m["weights"], "exact")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="markdown table path; the CSV goes beside it with a .csv suffix")
    ap.add_argument("--quick", action="store_true", help="a few small scenarios (CI)")
    ap.add_argument("--engine", help="memcalc CLI (default build/native-release/cli/memcalc)")
    ap.add_argument("--explain", metavar="TEXT", help="print the saved storages of activation scenarios whose name contains TEXT")
    args = ap.parse_args()
    if args.engine:
        ENGINE[0] = args.engine
    if not os.path.exists(ENGINE[0]):
        sys.exit(f"memcalc CLI not found at {ENGINE[0]} (build it: cmake --build --preset native-release)")
    t0 = time.time()
    table = Table()
    pick = (lambda q: q) if args.quick else (lambda q: True)
    for name, c, dtype, b, s, q in ACTIVATIONS:
        if pick(q) or (args.explain and args.explain in name):
            run_activations(table, name, c, dtype, b, s, args.explain)
    for model_name, p, o, f, q in STATES:
        if pick(q):
            run_states(table, model_name, p, o, f)
    for name, c, compute, cache, b, prompt, new, q in KV:
        if pick(q):
            run_kv(table, name, c, compute, cache, b, prompt, new)
    for name, c, precision, optimizer, impl, loss, b, s, q in STEPS:
        if pick(q):
            run_step(table, name, c, precision, optimizer, impl, loss, b, s)
    elapsed = time.time() - t0
    header = (f"Measured with torch {torch.__version__} on CPU ({torch.get_num_threads()} threads), "
              f"{'quick' if args.quick else 'full'} set, {len(table.rows)} rows, {elapsed:.1f} s. "
              "rel. error = (estimated − measured) / measured.")
    csv_path = table.write(args.out, header)
    fails = table.failures()
    print(table.summary_markdown())
    print(f"\n{len(table.rows)} rows, {len(fails)} outside tolerance, {elapsed:.1f} s; wrote {args.out} and {csv_path}")
    for r in fails:
        print(f"FAIL  {r['scenario']} | {r['component']}: estimated {r['estimated']:,.0f} B, "
              f"measured {r['measured']:,.0f} B ({r['rel_error']:+.2%}, tolerance {r['tolerance']})")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
