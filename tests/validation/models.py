"""Small decoder models that follow the real architectures, for measuring memory.

GPT-2 follows transformers' GPT2Model (LayerNorm with bias, fused q/k/v projection with biases,
GELU MLP of width 4h, learned positions, embedding/attention/residual dropout, tied output layer).
Llama follows LlamaModel (RMSNorm, SwiGLU, rotary embeddings, grouped-query attention with an
explicit head_dim, untied output layer). Mixtral replaces the MLP by MixtralSparseMoeBlock (softmax
router, top-k experts, each a SwiGLU MLP).

Variants that change what autograd saves, selected per model:
  attn  "eager": transformers' eager attention (GPT-2: softmax in the activation dtype;
                 Llama/Mixtral: repeat_kv copies of K and V, softmax in fp32 then cast back).
        "unfused": Llama/Mixtral attention as Megatron-LM's unfused core attention computes it:
                 K and V expanded to all query heads, softmax kept in the activation dtype.
        "fused": FusedAttention below, a flash-attention-style function that saves q, k, v
                 (K and V with their own KV heads), the output and an fp32 log-sum-exp, and
                 recomputes the scores in backward. Attention dropout is regenerated from a seed.
  norm  "hf":    transformers' LlamaRMSNorm (upcast to fp32, pow/mean/rsqrt in eager ops).
        "fused": FusedRMSNorm below, which saves the input and an fp32 rstd per token.
  gelu  "tanh":  torch's fused tanh GELU (saves its input only).
        "hf_new": transformers' NewGELUActivation, written in eager ops (GPT-2's "gelu_new").
  recompute "none" | "selective" (checkpoint the attention core) | "full" (checkpoint each layer).

Dropout uses torch.native_dropout, the fused kernel F.dropout dispatches to on CUDA: it saves a
1-byte bool mask. (On CPU, F.dropout in torch 1.13 takes a non-fused path that saves a mask in
the activation dtype, which no GPU run does.)

Memory accounting hooks: `region(name)` tags the code that runs (the measurement attributes
each saved tensor to the region that saved it first) and `note_storage(t, name)` pre-assigns a
tensor created once per forward (rotary cos/sin) to a region of its own.
"""
import contextlib
import math
from dataclasses import dataclass, field, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint

# ---- accounting hooks (set by measure.py) ---------------------------------------------------

REGION = ["other"]
_NOTE = [None]


@contextlib.contextmanager
def region(name):
    REGION.append(name)
    try:
        yield
    finally:
        REGION.pop()


def note_storage(t, name):
    if _NOTE[0] is not None:
        _NOTE[0](t, name)


# ---- configuration ------------------------------------------------------------------------

@dataclass
class Config:
    arch: str = "llama"             # gpt2 | llama | mixtral
    vocab: int = 512
    hidden: int = 64
    layers: int = 2
    heads: int = 4
    kv_heads: int = 0               # 0: = heads
    head_dim: int = 0               # 0: hidden // heads
    inter: int = 0                  # 0: 4·hidden (GPT-2) or 172 (Llama-like)
    positions: int = 512
    dropout: float = 0.0            # GPT-2: resid, embd and attn pdrop; Llama: attention_dropout
    experts: int = 0
    top_k: int = 0
    attn: str = "eager"
    norm: str = "hf"
    gelu: str = "tanh"
    recompute: str = "none"
    tied: bool = None               # None: the architecture's default

    def __post_init__(self):
        if not self.kv_heads:
            self.kv_heads = self.heads
        if not self.head_dim:
            self.head_dim = self.hidden // self.heads
        if not self.inter:
            self.inter = 4 * self.hidden if self.arch == "gpt2" else 172
        if self.tied is None:
            self.tied = self.arch == "gpt2"

    def hf_config(self):
        """The same model as a Hugging Face config.json object."""
        if self.arch == "gpt2":
            assert self.head_dim * self.heads == self.hidden and self.inter == 4 * self.hidden
            return {"model_type": "gpt2", "vocab_size": self.vocab, "n_embd": self.hidden,
                    "n_layer": self.layers, "n_head": self.heads, "n_positions": self.positions,
                    "n_inner": None, "resid_pdrop": self.dropout, "embd_pdrop": self.dropout,
                    "attn_pdrop": self.dropout, "activation_function":
                        "gelu_new" if self.gelu == "hf_new" else "gelu_pytorch_tanh",
                    "tie_word_embeddings": self.tied}
        c = {"model_type": self.arch, "vocab_size": self.vocab, "hidden_size": self.hidden,
             "num_hidden_layers": self.layers, "num_attention_heads": self.heads,
             "num_key_value_heads": self.kv_heads, "head_dim": self.head_dim,
             "intermediate_size": self.inter, "max_position_embeddings": self.positions,
             "attention_dropout": self.dropout, "hidden_act": "silu",
             "tie_word_embeddings": self.tied}
        if self.arch == "mixtral":
            c["num_local_experts"] = self.experts
            c["num_experts_per_tok"] = self.top_k
        return c


# ---- dropout --------------------------------------------------------------------------------

def dropout(x, p, training):
    if not training or p == 0:
        return x
    return torch.native_dropout(x, p, True)[0]


# ---- norms -----------------------------------------------------------------------------------

class HFRMSNorm(nn.Module):
    """RMSNorm in the eager op sequence of transformers' LlamaRMSNorm: upcast to fp32, square,
    mean over the features, rsqrt, multiply, cast back, multiply by the weight."""

    def __init__(self, h, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(h))
        self.eps = eps

    def forward(self, x):
        x32 = x.to(torch.float32)
        inv_rms = torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * (x32 * inv_rms).to(x.dtype)


class _FusedRMSNormFn(torch.autograd.Function):
    """What a fused RMSNorm kernel keeps (Apex, Liger, Megatron): the input and fp32 rstd."""

    @staticmethod
    def forward(ctx, x, weight, eps):
        acc = torch.float64 if x.dtype == torch.float64 else torch.float32
        xf = x.to(acc)
        rstd = torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
        y = (xf * rstd).to(x.dtype) * weight
        ctx.save_for_backward(x, weight, rstd)
        return y

    @staticmethod
    def backward(ctx, gy):
        x, weight, rstd = ctx.saved_tensors
        xf = x.to(rstd.dtype)
        xhat = xf * rstd
        gyf = gy.to(rstd.dtype)
        gw = (gyf * xhat).reshape(-1, x.shape[-1]).sum(0).to(weight.dtype)
        g = gyf * weight.to(rstd.dtype)
        gx = rstd * (g - xhat * (g * xhat).mean(-1, keepdim=True))
        return gx.to(x.dtype), gw, None


class FusedRMSNorm(nn.Module):
    def __init__(self, h, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(h))
        self.eps = eps

    def forward(self, x):
        return _FusedRMSNormFn.apply(x, self.weight, self.eps)


# ---- attention -------------------------------------------------------------------------------

def _dropout_keep(seed, shape, p):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g) >= p


class FusedAttention(torch.autograd.Function):
    """Flash-attention-style causal attention: q (b,s,a,d), k and v (b,s,g,d), output (b,s,a,d).

    Saves q, k, v, the output and the fp32 log-sum-exp (b,a,s); the softmax and the dropout
    mask are recomputed in backward (the mask from a seed, as flash attention keeps its RNG state).
    """

    @staticmethod
    def forward(ctx, q, k, v, p, seed):
        b, s, a, d = q.shape
        r = a // k.shape[2]
        acc = torch.float64 if q.dtype == torch.float64 else torch.float32  # fp32 accumulation
        qf = q.to(acc).transpose(1, 2)
        kf = k.to(acc).transpose(1, 2).repeat_interleave(r, dim=1)
        vf = v.to(acc).transpose(1, 2).repeat_interleave(r, dim=1)
        scale = 1.0 / math.sqrt(d)
        scores = (qf @ kf.transpose(-1, -2)) * scale
        causal = torch.ones(s, s, dtype=torch.bool).triu(1)
        scores.masked_fill_(causal, float("-inf"))
        lse = torch.logsumexp(scores, dim=-1)
        probs = torch.exp(scores - lse[..., None])
        if p > 0:
            probs = probs * _dropout_keep(seed, probs.shape, p) / (1 - p)
        out = (probs @ vf).transpose(1, 2).to(q.dtype).contiguous()
        ctx.save_for_backward(q, k, v, out, lse)
        ctx.p, ctx.seed, ctx.scale = p, seed, scale
        return out

    @staticmethod
    def backward(ctx, gout):
        q, k, v, out, lse = ctx.saved_tensors
        b, s, a, d = q.shape
        g = k.shape[2]
        r = a // g
        acc = lse.dtype
        qf = q.to(acc).transpose(1, 2)
        kf = k.to(acc).transpose(1, 2).repeat_interleave(r, dim=1)
        vf = v.to(acc).transpose(1, 2).repeat_interleave(r, dim=1)
        of = out.to(acc).transpose(1, 2)
        go = gout.to(acc).transpose(1, 2)
        scores = (qf @ kf.transpose(-1, -2)) * ctx.scale
        scores.masked_fill_(torch.ones(s, s, dtype=torch.bool).triu(1), float("-inf"))
        probs = torch.exp(scores - lse[..., None])
        if ctx.p > 0:
            keep = _dropout_keep(ctx.seed, probs.shape, ctx.p) / (1 - ctx.p)
            pd = probs * keep
        else:
            keep, pd = None, probs
        gv = pd.transpose(-1, -2) @ go
        gpd = go @ vf.transpose(-1, -2)
        gp = gpd * keep if keep is not None else gpd
        delta = (go * of).sum(-1, keepdim=True)
        gs = probs * (gp - delta) * ctx.scale
        gq = gs @ kf
        gk = gs.transpose(-1, -2) @ qf
        gk = gk.reshape(b, g, r, s, d).sum(2)
        gv = gv.reshape(b, g, r, s, d).sum(2)
        return (gq.transpose(1, 2).to(q.dtype), gk.transpose(1, 2).to(k.dtype),
                gv.transpose(1, 2).to(v.dtype), None, None)


_seed_counter = [1234]


def fused_attention(q, k, v, p):
    """q (b,s,a,d), k, v (b,s,g,d) → (b,s,a,d)."""
    _seed_counter[0] += 1
    return FusedAttention.apply(q, k, v, p, _seed_counter[0])


def repeat_kv(t, n_rep):
    """(b, g, s, d) → (b, g·n_rep, s, d), each KV head repeated for its n_rep query heads: an
    expand and a reshape, which copies, as transformers' repeat_kv does."""
    if n_rep == 1:
        return t
    b, g, s, d = t.shape
    return t.unsqueeze(2).expand(b, g, n_rep, s, d).reshape(b, g * n_rep, s, d)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin):
    """Rotary embedding of q and k (b, heads, s, d) with cos/sin (b, s, d), as transformers applies it."""
    cos = cos.unsqueeze(1)
    sin = sin.unsqueeze(1)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def rotary_cos_sin(d, positions, dtype, base=10000.0):
    """LlamaRotaryEmbedding: (b, s, d) cos and sin in the activation dtype."""
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    freqs = positions.float()[..., None] * inv_freq
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


# ---- GPT-2 -----------------------------------------------------------------------------------

class NewGELU(nn.Module):
    """The tanh approximation of GELU in the eager ops of transformers' NewGELUActivation
    ("gelu_new"): x/2 · (1 + tanh(√(2/π) · (x + 0.044715·x³)))."""

    def forward(self, x):
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))
        return 0.5 * x * (1.0 + torch.tanh(inner))


class GPT2Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.c_attn = nn.Linear(c.hidden, 3 * c.hidden)
        self.c_proj = nn.Linear(c.hidden, c.hidden)

    def core(self, q, k, v, mask):
        with region("layers"):              # also when recomputed in backward
            return self._core(q, k, v, mask)

    def _core(self, q, k, v, mask):
        # GPT2Attention._attn (eager): q, k, v in (b, a, s, d)
        attn_weights = torch.matmul(q, k.transpose(-1, -2))
        attn_weights = attn_weights / torch.full([], v.size(-1) ** 0.5, dtype=attn_weights.dtype)
        s = q.size(-2)
        mask_value = torch.full([], torch.finfo(attn_weights.dtype).min, dtype=attn_weights.dtype)
        attn_weights = torch.where(mask[:, :, :s, :s], attn_weights, mask_value)
        attn_weights = F.softmax(attn_weights, dim=-1)
        attn_weights = attn_weights.type(v.dtype)
        attn_weights = dropout(attn_weights, self.c.dropout, self.training)
        return torch.matmul(attn_weights, v)

    def forward(self, x, mask):
        c = self.c
        b, s, h = x.shape
        a, d = c.heads, c.head_dim
        qkv = self.c_attn(x)
        if c.attn == "fused":
            q, k, v = qkv.view(b, s, 3, a, d).unbind(2)
            out = fused_attention(q, k, v, c.dropout if self.training else 0.0).view(b, s, h)
        else:
            q, k, v = qkv.split(h, dim=2)
            q, k, v = (t.view(b, s, a, d).permute(0, 2, 1, 3) for t in (q, k, v))
            if c.recompute == "selective":
                out = torch.utils.checkpoint.checkpoint(self.core, q, k, v, mask)
            else:
                out = self.core(q, k, v, mask)
            out = out.permute(0, 2, 1, 3).contiguous().view(b, s, h)
        return dropout(self.c_proj(out), c.dropout, self.training)


class GPT2Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.ln_1 = nn.LayerNorm(c.hidden, eps=1e-5)
        self.attn = GPT2Attention(c)
        self.ln_2 = nn.LayerNorm(c.hidden, eps=1e-5)
        self.c_fc = nn.Linear(c.hidden, c.inter)
        self.act = NewGELU() if c.gelu == "hf_new" else nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(c.inter, c.hidden)

    def forward(self, x, mask):
        with region("layers"):
            x = x + self.attn(self.ln_1(x), mask)
            m = self.c_proj(self.act(self.c_fc(self.ln_2(x))))
            return x + dropout(m, self.c.dropout, self.training)


class GPT2(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.wte = nn.Embedding(c.vocab, c.hidden)
        self.wpe = nn.Embedding(c.positions, c.hidden)
        self.h = nn.ModuleList(GPT2Block(c) for _ in range(c.layers))
        self.ln_f = nn.LayerNorm(c.hidden, eps=1e-5)
        self.lm_head = None if c.tied else nn.Linear(c.hidden, c.vocab, bias=False)
        n = c.positions
        self.register_buffer("bias", torch.tril(torch.ones(n, n, dtype=torch.bool)).view(1, 1, n, n),
                             persistent=False)

    def hidden(self, ids, head=True):
        with region("embed"):
            pos = torch.arange(ids.shape[1]).unsqueeze(0)
            x = dropout(self.wte(ids) + self.wpe(pos), self.c.dropout, self.training)
        with region("layers"):
            for blk in self.h:
                if self.c.recompute == "full":
                    x = torch.utils.checkpoint.checkpoint(blk, x, self.bias)
                else:
                    x = blk(x, self.bias)
        with region("head"):
            x = self.ln_f(x)
            return F.linear(x, self.head_weight()) if head else x

    def head_weight(self):
        return self.wte.weight if self.c.tied else self.lm_head.weight


# ---- Llama / Mixtral -------------------------------------------------------------------------

class LlamaAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        a, g, d, h = c.heads, c.kv_heads, c.head_dim, c.hidden
        self.q_proj = nn.Linear(h, a * d, bias=False)
        self.k_proj = nn.Linear(h, g * d, bias=False)
        self.v_proj = nn.Linear(h, g * d, bias=False)
        self.o_proj = nn.Linear(a * d, h, bias=False)

    def core(self, q, k, v, causal_mask):
        with region("layers"):              # also when recomputed in backward
            return self._core(q, k, v, causal_mask)

    def _core(self, q, k, v, causal_mask):
        # the op sequence of transformers' eager attention: q (b,a,s,d), k and v (b,g,s,d)
        n_rep = self.c.heads // self.c.kv_heads
        key_states = repeat_kv(k, n_rep)
        value_states = repeat_kv(v, n_rep)
        attn_weights = torch.matmul(q, key_states.transpose(2, 3)) * (self.c.head_dim ** -0.5)
        if self.c.attn == "unfused":
            attn_weights = attn_weights.masked_fill(causal_mask, torch.finfo(attn_weights.dtype).min)
        else:
            attn_weights = attn_weights + causal_mask
        if self.c.attn == "unfused":
            attn_weights = F.softmax(attn_weights, dim=-1)
        else:
            attn_weights = F.softmax(attn_weights, dim=-1, dtype=torch.float32).to(q.dtype)
        attn_weights = dropout(attn_weights, self.c.dropout, self.training)
        return torch.matmul(attn_weights, value_states)

    def forward(self, x, cos, sin, causal_mask, cache=None):
        c = self.c
        b, s, _ = x.shape
        a, g, d = c.heads, c.kv_heads, c.head_dim
        q = self.q_proj(x).view(b, s, a, d).transpose(1, 2)
        k = self.k_proj(x).view(b, s, g, d).transpose(1, 2)
        v = self.v_proj(x).view(b, s, g, d).transpose(1, 2)
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        if cache is not None:               # generation: a growing (b, g, t, d) cache per layer
            k, v = cache.update(k, v)
        if c.attn == "fused" and cache is None:
            out = fused_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2),
                                  c.dropout if self.training else 0.0)
            out = out.reshape(b, s, a * d)
        else:
            if c.recompute == "selective":
                out = torch.utils.checkpoint.checkpoint(self.core, q, k, v, causal_mask)
            else:
                out = self.core(q, k, v, causal_mask)
            out = out.transpose(1, 2).contiguous().reshape(b, s, a * d)
        return self.o_proj(out)


class LlamaMLP(nn.Module):
    def __init__(self, h, f):
        super().__init__()
        self.gate_proj = nn.Linear(h, f, bias=False)
        self.up_proj = nn.Linear(h, f, bias=False)
        self.down_proj = nn.Linear(f, h, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class MixtralSparseMoeBlock(nn.Module):
    """A top-k mixture of SwiGLU experts in the op sequence of transformers' Mixtral block (without
    router jitter): fp32 softmax over the router logits, top-k, renormalize, cast to the activation
    dtype; then per expert, gather its tokens, run it, scale by the routing weight and scatter-add
    into the output."""

    def __init__(self, c):
        super().__init__()
        self.n_experts, self.k = c.experts, c.top_k
        self.gate = nn.Linear(c.hidden, c.experts, bias=False)
        self.experts = nn.ModuleList(LlamaMLP(c.hidden, c.inter) for _ in range(c.experts))

    def forward(self, x):
        shape = x.shape
        tokens = x.view(-1, shape[-1])
        probs = F.softmax(self.gate(tokens), dim=1, dtype=torch.float)
        weights, chosen = torch.topk(probs, self.k, dim=-1)
        weights /= weights.sum(dim=-1, keepdim=True)
        weights = weights.to(tokens.dtype)
        out = torch.zeros_like(tokens)
        # (expert, slot, token) membership, as the per-expert loop reads it.
        member = F.one_hot(chosen, num_classes=self.n_experts).permute(2, 1, 0)
        for e, expert in enumerate(self.experts):
            slot, token = torch.where(member[e])
            y = expert(tokens[None, token].reshape(-1, shape[-1])) * weights[token, slot, None]
            out.index_add_(0, token, y.to(tokens.dtype))
        return out.reshape(shape)


class LlamaBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        Norm = FusedRMSNorm if c.norm == "fused" else HFRMSNorm
        self.input_layernorm = Norm(c.hidden)
        self.self_attn = LlamaAttention(c)
        self.post_attention_layernorm = Norm(c.hidden)
        self.mlp = MixtralSparseMoeBlock(c) if c.arch == "mixtral" else LlamaMLP(c.hidden, c.inter)

    def forward(self, x, cos, sin, causal_mask, cache=None):
        with region("layers"):
            x = x + self.self_attn(self.input_layernorm(x), cos, sin, causal_mask, cache)
            return x + self.mlp(self.post_attention_layernorm(x))


class KVCache:
    """transformers DynamicCache for one layer: K and V concatenated along the sequence."""

    def __init__(self, dtype):
        self.dtype, self.k, self.v = dtype, None, None

    def update(self, k, v):
        compute = k.dtype
        k, v = k.detach().to(self.dtype), v.detach().to(self.dtype)
        self.k = k if self.k is None else torch.cat([self.k, k], dim=2)
        self.v = v if self.v is None else torch.cat([self.v, v], dim=2)
        return self.k.to(compute), self.v.to(compute)


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c.vocab, c.hidden)
        self.layers = nn.ModuleList(LlamaBlock(c) for _ in range(c.layers))
        self.norm = FusedRMSNorm(c.hidden) if c.norm == "fused" else HFRMSNorm(c.hidden)
        self.lm_head = None if c.tied else nn.Linear(c.hidden, c.vocab, bias=False)

    def hidden(self, ids, caches=None, start=0, head=True):
        b, s = ids.shape
        with region("embed"):
            x = self.embed_tokens(ids)
            pos = torch.arange(start, start + s).unsqueeze(0)  # position_ids (1, s), as transformers
            cos, sin = rotary_cos_sin(self.c.head_dim, pos, x.dtype)
            note_storage(cos, "rotary")
            note_storage(sin, "rotary")
            t = start + s
            mask = None                     # a causal flash kernel needs no mask tensor
            if self.c.attn != "fused" or caches is not None:
                if self.c.attn == "unfused" and caches is None:
                    # Megatron-LM's causal attention mask: one bool (1, 1, s, s) for the batch.
                    mask = torch.ones(s, t, dtype=torch.bool).triu(start + 1)[None, None]
                else:
                    # transformers' 4-D additive mask in the activation dtype.
                    mask = torch.full((s, t), torch.finfo(x.dtype).min, dtype=x.dtype).triu(start + 1)
                    mask = mask[None, None].expand(b, 1, s, t)
                note_storage(mask, "mask")
        with region("layers"):
            for i, blk in enumerate(self.layers):
                cache = caches[i] if caches is not None else None
                if self.c.recompute == "full":
                    x = torch.utils.checkpoint.checkpoint(blk, x, cos, sin, mask)
                else:
                    x = blk(x, cos, sin, mask, cache)
        with region("head"):
            x = self.norm(x)
            return F.linear(x, self.head_weight()) if head else x

    def head_weight(self):
        return self.embed_tokens.weight if self.c.tied else self.lm_head.weight

    @torch.no_grad()
    def generate(self, ids, new_tokens, cache_dtype):
        """Greedy generation with a growing KV cache; returns the caches and all token ids."""
        caches = [KVCache(cache_dtype) for _ in self.layers]
        logits = self.hidden(ids, caches, 0)[:, -1]
        out = [ids]
        for _ in range(new_tokens - 1):
            nxt = logits.float().argmax(-1, keepdim=True)
            out.append(nxt)
            start = sum(t.shape[1] for t in out) - 1
            logits = self.hidden(nxt, caches, start)[:, -1]
        out.append(logits.float().argmax(-1, keepdim=True))
        return caches, torch.cat(out, dim=1)


def build(c: Config, dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    m = GPT2(c) if c.arch == "gpt2" else Llama(c)
    return m.to(dtype)


def causal_lm_loss(logits, labels, vocab):
    """transformers ForCausalLMLoss: fp32 logits, labels shifted by padding, ignore_index -100."""
    logits = logits.float()
    labels = F.pad(labels, (0, 1), value=-100)
    shift_labels = labels[..., 1:].contiguous()
    return F.cross_entropy(logits.view(-1, vocab), shift_labels.view(-1), ignore_index=-100)


class ChunkedLinearCrossEntropy(torch.autograd.Function):
    """A chunked, fused output layer and cross-entropy as Liger Kernel's LigerFusedLinearCrossEntropy
    computes it: tokens in chunks of 2^ceil(log2(T / ceil(V / h))); each chunk's logits, their fp32
    log-softmax and gradient exist one chunk at a time; the gradients of the hidden states and of the
    output weight are made in the forward pass and handed back in backward."""

    @staticmethod
    def forward(ctx, x, weight, labels):
        T, h = x.shape
        V = weight.shape[0]
        chunk = min(T, 2 ** math.ceil(math.log2(max(1, T / math.ceil(V / h)))))
        grad_x = torch.zeros_like(x)
        grad_w = torch.zeros_like(weight) if weight.requires_grad else None
        valid = (labels != -100).sum().clamp(min=1)
        total = torch.zeros((), dtype=torch.float32)
        for i in range(0, T, chunk):
            xc, yc = x[i:i + chunk], labels[i:i + chunk]
            logits = F.linear(xc, weight).float()
            lse = torch.logsumexp(logits, dim=-1)
            keep = yc != -100
            picked = logits.gather(1, yc.clamp(min=0).unsqueeze(1)).squeeze(1)
            total += ((lse - picked) * keep).sum()
            g = torch.softmax(logits, dim=-1)          # d loss / d logits, in place of the logits
            del logits
            g[torch.arange(g.shape[0]), yc.clamp(min=0)] -= 1
            g *= (keep.float() / valid).unsqueeze(1)
            g = g.to(x.dtype)
            grad_x[i:i + chunk] = g @ weight
            if grad_w is not None:
                torch.addmm(grad_w, g.t(), xc, out=grad_w)  # accumulated in place, as Liger does
            del g
        ctx.save_for_backward(grad_x, grad_w if grad_w is not None else torch.empty(0))
        ctx.has_w = grad_w is not None
        return total / valid

    @staticmethod
    def backward(ctx, grad_out):
        grad_x, grad_w = ctx.saved_tensors
        if not torch.equal(grad_out, torch.ones_like(grad_out)):  # Liger scales only when it must
            grad_x, grad_w = grad_x * grad_out, grad_w * grad_out
        return grad_x, (grad_w if ctx.has_w else None), None


def chunked_causal_lm_loss(x, weight, labels):
    """The chunked loss over the final hidden states x (b, s, h), labels shifted as transformers does."""
    labels = F.pad(labels, (0, 1), value=-100)[..., 1:].contiguous()
    return ChunkedLinearCrossEntropy.apply(x.reshape(-1, x.shape[-1]), weight, labels.view(-1))
