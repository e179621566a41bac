"""PyTorch CPU reference for bench/policy.ts: the same GPT-2 style model, batch and thread count.

Usage: python3 bench/policy.py [spec.json [--train-only]]  (bench/torch-reference.ts picks the interpreter)
  spec.json (written by bench/policy.ts; every field optional, defaults below):
    {"config": {vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions, normEps,
                tieEmbeddings, family: "gpt2", norm: "layernorm", positions: "learned", mlp: "gelu",
                linearBias: true},
     "threads": 1, "seed": 0,
     "train": {"batch", "seq", "warmup", "iters", "lr", "weightDecay", "maxGradNorm", "ids": [B*T ints]},
     "generation": {"prompts": [[ids], ...], "samples", "newTokens", "temperature", "warmup", "iters"},
     "weights": {"file": "<raw little-endian float32>", "tensors": [{"name", "shape", "offset"}]},
     "gemm": [M, K, N], "breakdown": true}   (one a[M,K] @ b[K,N] timed for the matrix-product throughput; default B*T x C x I)
  "breakdown": false skips the prefill-alone timing and the matrix product (bench/policy-sizes.ts).
  --train-only times the train steps alone ("generation" and "gemm" are null in the output): the later rounds
  of bench/policy.ts, which alternate srl's train steps with this process's.
  With "weights", the model starts from exactly those Hugging Face GPT-2 tensors (Conv1D layout [in, out]),
  so the first step's loss and gradient norm can be compared with the tfjs side.
Output (stdout): one JSON object. Progress goes to stderr.
Threads: "threads" (default 1) sets torch.set_num_threads and, before torch loads, OPENBLAS_NUM_THREADS /
OMP_NUM_THREADS / MKL_NUM_THREADS: Debian's torch multiplies matrices with the system BLAS (OpenBLAS with
libopenblas0-pthread, whose own thread pool ignores torch.set_num_threads and otherwise uses every core; without
it, the reference BLAS: bench/torch-reference.ts names it and warns when it is slow). "cpu_per_wall" in the
output (CPU seconds per wall second over the timed loops, ~1.0 for one thread) shows the limit held.

What is timed (median of `iters` after `warmup` untimed runs; the same work as the tfjs side):
  train step: forward over B x T tokens, cross-entropy of the T-1 next-token targets of each row (the first
    token is the prompt, as in the tfjs train step), per-token entropy (no grad, a reported metric there too),
    backward, clip_grad_norm_, AdamW (decay on matrices only), and reading the loss back (.item()).
  generation: P prompts, `samples` completions each sharing one prefill (the prefill's keys/values are
    repeated per sample), then newTokens - 1 KV-cached decode steps; each of the newTokens tokens is sampled
    (temperature, multinomial) with its log-prob. tokens/s = P * samples * newTokens / time.
"""
import json
import math
import os
import resource
import statistics
import sys
import time


def _read_spec():
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as f:
            return json.load(f)
    return {}


SPEC = _read_spec()
THREADS = int(SPEC.get("threads", 1))
# torch.set_num_threads does not reach Debian's OpenBLAS (libopenblas0-pthread runs its own thread pool, 2 threads
# on a 2-core machine): its thread count is read from the environment when the library loads, so set it first.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        "bench/policy.py: PyTorch is not installed for this Python (%s).\n"
        "Install Debian's build: sudo apt-get update && sudo apt-get install -y python3-torch libopenblas0-pthread\n"
        "and run with /usr/bin/python3 (or set PYTHON=/usr/bin/python3 for pnpm bench policy).\n" % sys.executable
    )
    sys.exit(3)

DEFAULT_CONFIG = {
    "family": "gpt2", "vocabSize": 256, "hiddenSize": 128, "numLayers": 4, "numHeads": 4, "numKvHeads": 4,
    "intermediateSize": 512, "maxPositions": 64, "norm": "layernorm", "normEps": 1e-5, "positions": "learned",
    "mlp": "gelu", "linearBias": True, "qkvBias": True, "tieEmbeddings": True,
}


def log(msg):
    sys.stderr.write("[policy.py] %s\n" % msg)


class GPT(torch.nn.Module):
    """GPT-2 (nanoGPT's layout, Hugging Face names and Conv1D [in, out] weights), tied or untied head."""

    def __init__(self, c):
        super().__init__()
        for key, want in (("family", "gpt2"), ("norm", "layernorm"), ("positions", "learned"), ("mlp", "gelu")):
            if c.get(key, want) != want:
                raise SystemExit("bench/policy.py: config %s = %r, expected %r (only GPT-2 style is mirrored)" % (key, c[key], want))
        if c.get("numKvHeads", c["numHeads"]) != c["numHeads"] or not c.get("linearBias", True):
            raise SystemExit("bench/policy.py: expected plain multi-head attention with biases (GPT-2)")
        self.c = c
        V, C, I, P, L = c["vocabSize"], c["hiddenSize"], c["intermediateSize"], c["maxPositions"], c["numLayers"]
        self.H = c["numHeads"]
        self.D = C // self.H
        P_ = torch.nn.Parameter
        # Hugging Face names contain "." (not allowed as Module attribute names): a plain dict, in spec order.
        self.params = {}
        self.params["wte.weight"] = P_(torch.zeros(V, C))
        self.params["wpe.weight"] = P_(torch.zeros(P, C))
        for i in range(L):
            for ln in ("ln_1", "ln_2"):
                self.params["h.%d.%s.weight" % (i, ln)] = P_(torch.ones(C))
                self.params["h.%d.%s.bias" % (i, ln)] = P_(torch.zeros(C))
            for name, inp, out in (("attn.c_attn", C, 3 * C), ("attn.c_proj", C, C), ("mlp.c_fc", C, I), ("mlp.c_proj", I, C)):
                self.params["h.%d.%s.weight" % (i, name)] = P_(torch.zeros(inp, out))
                self.params["h.%d.%s.bias" % (i, name)] = P_(torch.zeros(out))
        self.params["ln_f.weight"] = P_(torch.ones(C))
        self.params["ln_f.bias"] = P_(torch.zeros(C))
        if not c["tieEmbeddings"]:
            self.params["lm_head.weight"] = P_(torch.zeros(V, C))
        self.eps = c["normEps"]

    def p(self, name):
        return self.params[name]

    def parameters(self, recurse=True):
        return iter(self.params.values())

    def init_random(self, seed):
        """normal(0, 0.02); residual projections normal(0, 0.02 / sqrt(2 L)); norms 1; biases 0 (as the tfjs model)."""
        g = torch.Generator().manual_seed(seed)
        resid = 0.02 / math.sqrt(2 * self.c["numLayers"])
        with torch.no_grad():
            for name, t in self.params.items():
                if name.endswith("c_proj.weight"):
                    t.normal_(0, resid, generator=g)
                elif name.endswith(".weight") and t.dim() == 2:
                    t.normal_(0, 0.02, generator=g)

    def load_raw(self, spec):
        raw = open(spec["file"], "rb").read()
        seen = set()
        with torch.no_grad():
            for t in spec["tensors"]:
                name, shape, offset = t["name"], t["shape"], t["offset"]
                if name not in self.params:
                    raise SystemExit("bench/policy.py: unexpected tensor %s" % name)
                n = math.prod(shape)
                data = torch.frombuffer(bytearray(raw[offset:offset + 4 * n]), dtype=torch.float32).reshape(shape)
                if list(self.params[name].shape) != list(shape):
                    raise SystemExit("bench/policy.py: %s has shape %s, expected %s" % (name, shape, list(self.params[name].shape)))
                self.params[name].copy_(data)
                seen.add(name)
        missing = set(self.params.keys()) - seen
        if missing:
            raise SystemExit("bench/policy.py: weights file lacks %s" % sorted(missing)[:5])

    def block(self, x, i, cache=None, pos=None):
        """x [B, T, C]. Training/prefill (cache None): causal attention over x, returns (x, k, v).
        Decode: x [R, 1, C] at position `pos`; writes k, v into cache (k, v [R, H, L, D]) and attends to 0..pos."""
        p, H, D = self.p, self.H, self.D
        B, T, C = x.shape
        h = F.layer_norm(x, (C,), p("h.%d.ln_1.weight" % i), p("h.%d.ln_1.bias" % i), self.eps)
        qkv = torch.addmm(p("h.%d.attn.c_attn.bias" % i), h.reshape(B * T, C), p("h.%d.attn.c_attn.weight" % i))
        q, k, v = qkv.view(B, T, 3, H, D).permute(2, 0, 3, 1, 4)  # each [B, H, T, D]
        if cache is None:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D))
            mask = torch.ones(T, T, dtype=torch.bool).triu_(1)
            att = att.masked_fill(mask, float("-inf")).softmax(-1)
            y = att @ v  # [B, H, T, D]
        else:
            ck, cv = cache
            ck[:, :, pos:pos + 1] = k
            cv[:, :, pos:pos + 1] = v
            att = (q @ ck[:, :, :pos + 1].transpose(-2, -1)) * (1.0 / math.sqrt(D))
            y = att.softmax(-1) @ cv[:, :, :pos + 1]
        y = y.transpose(1, 2).reshape(B * T, C)
        x = x + torch.addmm(p("h.%d.attn.c_proj.bias" % i), y, p("h.%d.attn.c_proj.weight" % i)).view(B, T, C)
        h = F.layer_norm(x, (C,), p("h.%d.ln_2.weight" % i), p("h.%d.ln_2.bias" % i), self.eps).reshape(B * T, C)
        h = F.gelu(torch.addmm(p("h.%d.mlp.c_fc.bias" % i), h, p("h.%d.mlp.c_fc.weight" % i)), approximate="tanh")
        x = x + torch.addmm(p("h.%d.mlp.c_proj.bias" % i), h, p("h.%d.mlp.c_proj.weight" % i)).view(B, T, C)
        return x, k, v

    def head(self, h):
        h = F.layer_norm(h, (h.shape[-1],), self.p("ln_f.weight"), self.p("ln_f.bias"), self.eps)
        return F.linear(h, self.p("wte.weight") if self.c["tieEmbeddings"] else self.p("lm_head.weight"))

    def forward(self, idx, last_only=False, collect_kv=False):
        """idx [B, T] -> logits [B, T-1, V] of the positions that predict a next token (all but the last),
        or [B, V] of the last position (prefill), and each layer's (k, v) [B, H, T, D] when collect_kv."""
        B, T = idx.shape
        x = self.p("wte.weight")[idx] + self.p("wpe.weight")[:T]
        kv = []
        for i in range(self.c["numLayers"]):
            x, k, v = self.block(x, i)
            if collect_kv:
                kv.append((k, v))
        return self.head(x[:, -1] if last_only else x[:, :-1]), kv

    def decode(self, tokens, pos, caches):
        """tokens [R] at position pos -> logits [R, V]."""
        x = (self.p("wte.weight")[tokens] + self.p("wpe.weight")[pos]).unsqueeze(1)
        for i in range(self.c["numLayers"]):
            x, _, _ = self.block(x, i, caches[i], pos)
        return self.head(x[:, 0])


def make_optimizer(model, lr, weight_decay):
    decay = [t for t in model.params.values() if t.dim() >= 2]
    rest = [t for t in model.params.values() if t.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.999), eps=1e-8)


def train_step(model, opt, idx, targets, max_norm, timings=None):
    t0 = time.perf_counter()
    logits = model(idx)[0]  # [B, T-1, V]
    flat = logits.reshape(-1, logits.shape[-1])
    loss = F.cross_entropy(flat, targets)
    with torch.no_grad():
        logp = flat.log_softmax(-1)
        entropy = -(logp.exp() * logp).sum(-1).mean()
    t1 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    t2 = time.perf_counter()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm) if max_norm > 0 else None
    opt.step()
    value = loss.item()
    t3 = time.perf_counter()
    if timings is not None:
        timings["forward"].append(t1 - t0)
        timings["backward"].append(t2 - t1)
        timings["optimizer"].append(t3 - t2)
    return value, (float(norm) if norm is not None else None), float(entropy)


@torch.inference_mode()
def generate(model, prompts, samples, new_tokens, temperature, gen):
    """Returns sampled ids [R, new_tokens]. Prompts must share one length (the bench makes them so)."""
    c = model.c
    P, Tp = prompts.shape
    R = P * samples
    L = Tp + new_tokens
    logits, kv = model(prompts, last_only=True, collect_kv=True)  # [P, V]
    caches = []
    for k, v in kv:
        ck = torch.empty(R, model.H, L, model.D)
        cv = torch.empty(R, model.H, L, model.D)
        ck[:, :, :Tp] = k.repeat_interleave(samples, 0)
        cv[:, :, :Tp] = v.repeat_interleave(samples, 0)
        caches.append((ck, cv))
    logits = logits.repeat_interleave(samples, 0)
    out = torch.empty(R, new_tokens, dtype=torch.long)
    logprobs = torch.empty(R, new_tokens)
    for s in range(new_tokens):
        logp = logits.log_softmax(-1)
        probs = (logits / temperature).softmax(-1) if temperature != 1 else logp.exp()
        tok = torch.multinomial(probs, 1, generator=gen)[:, 0]
        out[:, s] = tok
        logprobs[:, s] = logp.gather(1, tok[:, None])[:, 0]
        if s + 1 == new_tokens:
            break
        logits = model.decode(tok, Tp + s, caches)
    return out, logprobs


def median_ms(xs):
    return statistics.median(xs) * 1000.0


def main():
    spec = SPEC
    config = dict(DEFAULT_CONFIG, **spec.get("config", {}))
    threads = THREADS
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    seed = int(spec.get("seed", 0))
    torch.manual_seed(seed)
    model = GPT(config)
    if "weights" in spec:
        model.load_raw(spec["weights"])
    else:
        model.init_random(seed)
    n_params = sum(t.numel() for t in model.params.values())

    tr = dict({"batch": 16, "seq": 64, "warmup": 3, "iters": 10, "lr": 1e-3, "weightDecay": 0.1, "maxGradNorm": 1.0}, **spec.get("train", {}))
    B, T = tr["batch"], tr["seq"]
    if T > config["maxPositions"]:
        raise SystemExit("bench/policy.py: seq %d exceeds maxPositions %d" % (T, config["maxPositions"]))
    g = torch.Generator().manual_seed(seed)
    idx = torch.tensor(tr["ids"], dtype=torch.long).view(B, T) if "ids" in tr else torch.randint(0, config["vocabSize"], (B, T), generator=g)
    targets = idx[:, 1:].reshape(-1)
    opt = make_optimizer(model, tr["lr"], tr["weightDecay"])
    first = None
    log("train: %d x %d tokens, %d warm-up + %d timed steps, %d thread(s)" % (B, T, tr["warmup"], tr["iters"], threads))
    for i in range(tr["warmup"]):
        r = train_step(model, opt, idx, targets, tr["maxGradNorm"])
        first = first or r
    timings = {"forward": [], "backward": [], "optimizer": []}
    losses = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i in range(tr["iters"]):
        losses.append(train_step(model, opt, idx, targets, tr["maxGradNorm"], timings)[0])
        first = first or (losses[-1], None, None)
    train_cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    steps = [a + b + c for a, b, c in zip(timings["forward"], timings["backward"], timings["optimizer"])]
    train = {
        "batch": B, "seq": T, "iters": tr["iters"], "warmup": tr["warmup"],
        "median_ms": median_ms(steps),
        "times_ms": [x * 1000.0 for x in steps],
        "forward_ms": median_ms(timings["forward"]),
        "backward_ms": median_ms(timings["backward"]),
        "optimizer_ms": median_ms(timings["optimizer"]),
        "first_loss": first[0], "first_grad_norm": first[1], "first_entropy": first[2],
        "last_loss": losses[-1] if losses else None,
    }
    if "--train-only" in sys.argv[2:]:
        print(json.dumps({
            "torch": torch.__version__, "threads": torch.get_num_threads(), "cpu_per_wall": {"train": train_cpu, "generation": None},
            "parameters": n_params, "gemm": None, "train": train, "generation": None,
            "rss_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        }))
        return

    ge = dict({"samples": 4, "newTokens": 48, "temperature": 1.0, "warmup": 1, "iters": 5}, **spec.get("generation", {}))
    if "prompts" in ge:
        prompts = torch.tensor(ge["prompts"], dtype=torch.long)
    else:
        prompts = torch.randint(0, config["vocabSize"], (4, 16), generator=g)
    P, Tp = prompts.shape
    if Tp + ge["newTokens"] > config["maxPositions"]:
        raise SystemExit("bench/policy.py: prompt %d + new tokens %d exceed maxPositions %d" % (Tp, ge["newTokens"], config["maxPositions"]))
    R = P * ge["samples"]
    log("generation: %d prompts x %d samples, prompt %d, %d new tokens" % (P, ge["samples"], Tp, ge["newTokens"]))
    for _ in range(ge["warmup"]):
        generate(model, prompts, ge["samples"], ge["newTokens"], ge["temperature"], g)
    gen_times = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(ge["iters"]):
        t0 = time.perf_counter()
        generate(model, prompts, ge["samples"], ge["newTokens"], ge["temperature"], g)
        gen_times.append(time.perf_counter() - t0)
    gen_cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    # Prefill alone (for the breakdown; "breakdown": false skips it and the matrix product).
    breakdown = spec.get("breakdown", True)
    with torch.inference_mode():
        pre = []
        for _ in range(max(3, ge["iters"]) if breakdown else 0):
            t0 = time.perf_counter()
            model(prompts, last_only=True, collect_kv=True)
            pre.append(time.perf_counter() - t0)

    # One matrix product of the model's MLP shape, for the throughput floor (rows x hidden @ hidden x inner).
    M, K, N = spec.get("gemm", [B * T, config["hiddenSize"], config["intermediateSize"]])
    a, b = torch.randn(M, K), torch.randn(K, N)
    for _ in range(3 if breakdown else 0):
        a @ b
    mm = []
    for _ in range(30 if breakdown else 1):
        t0 = time.perf_counter()
        a @ b
        mm.append(time.perf_counter() - t0)
    gemm_ms = median_ms(mm)

    gen_ms = median_ms(gen_times)
    print(json.dumps({
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        # CPU seconds per wall second in the timed loops: ~1.0 confirms one busy thread.
        "cpu_per_wall": {"train": train_cpu, "generation": gen_cpu},
        "parameters": n_params,
        "gemm": {"shape": [M, K, N], "median_ms": gemm_ms, "gflops": 2 * M * K * N / gemm_ms / 1e6},
        "train": train,
        "generation": {
            "prompts": P, "samples": ge["samples"], "prompt_len": Tp, "new_tokens": ge["newTokens"], "rows": R,
            "median_ms": gen_ms,
            "times_ms": [x * 1000.0 for x in gen_times],
            "tokens_per_s": R * ge["newTokens"] / (gen_ms / 1000.0),
            "prefill_ms": median_ms(pre) if pre else None,
        },
        # Peak resident set of this process (bytes; Linux reports KiB).
        "rss_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


if __name__ == "__main__":
    main()
