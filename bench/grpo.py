"""TRL side of bench/grpo.ts: GRPOTrainer on the same weights, prompts and settings as srl's SRL stage.

Usage: python bench/grpo.py <spec.json>
spec: {"model": HF checkpoint folder, "data": TRL JSONL (srl export --format trl), "steps", "threads", "lr",
       "batch_prompts", "group", "max_tokens", "clip", "out"}
Writes to spec["out"] (JSON): per step the wall time and its generation / reward share (update = the rest),
the completion lengths TRL logged, and the process's peak RSS in bytes.
"""
import json
import os
import resource
import sys
import time

spec = json.load(open(sys.argv[1]))
threads = int(spec["threads"])
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(threads)

import torch  # noqa: E402

torch.set_num_threads(threads)
from difflib import SequenceMatcher  # noqa: E402

from datasets import load_dataset  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback  # noqa: E402
from trl import GRPOConfig, GRPOTrainer  # noqa: E402

timing = {"generation": 0.0, "reward": 0.0}


def step_similarity(prompts, completions, reference, **kwargs):
    """srl's step-similarity reward with format "plain": difflib's ratio of the completion to the expert step."""
    t = time.perf_counter()
    out = []
    for completion, ref in zip(completions, reference):
        text = completion[-1]["content"] if isinstance(completion, list) else completion
        out.append(SequenceMatcher(None, text, ref).ratio())
    timing["reward"] += time.perf_counter() - t
    return out


class StepTimer(TrainerCallback):
    def __init__(self):
        self.steps = []

    def on_step_begin(self, args, state, control, **kwargs):
        self.t0 = time.perf_counter()
        self.before = dict(timing)

    def on_step_end(self, args, state, control, **kwargs):
        wall = time.perf_counter() - self.t0
        gen = timing["generation"] - self.before["generation"]
        rew = timing["reward"] - self.before["reward"]
        self.steps.append({"wall": wall, "generation": gen, "reward": rew, "update": wall - gen - rew})


def main():
    dataset = load_dataset("json", data_files=spec["data"], split="train")
    tokenizer = AutoTokenizer.from_pretrained(spec["model"])
    model = AutoModelForCausalLM.from_pretrained(spec["model"], torch_dtype=torch.float32)
    generate = model.generate

    def timed_generate(*args, **kwargs):
        t = time.perf_counter()
        out = generate(*args, **kwargs)
        timing["generation"] += time.perf_counter() - t
        return out

    model.generate = timed_generate
    group = int(spec["group"])
    config = GRPOConfig(
        output_dir=os.path.join(os.path.dirname(spec["out"]), "trl-out"),
        max_steps=int(spec["steps"]),
        per_device_train_batch_size=int(spec["batch_prompts"]) * group,
        num_generations=group,
        max_completion_length=int(spec["max_tokens"]),
        learning_rate=float(spec["lr"]),
        lr_scheduler_type="constant",
        epsilon=float(spec["clip"]),
        beta=0.0,
        loss_type="dapo",  # srl's token-mean
        temperature=1.0,
        gradient_checkpointing=False,
        bf16=False,
        use_cpu=True,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        dataloader_num_workers=0,
        seed=0,
    )
    timer = StepTimer()
    trainer = GRPOTrainer(model=model, args=config, train_dataset=dataset, processing_class=tokenizer, reward_funcs=step_similarity, callbacks=[timer])
    trainer.train()
    lengths = [h.get("completions/mean_length") for h in trainer.state.log_history if "completions/mean_length" in h]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    json.dump({"steps": timer.steps, "completion_lengths": lengths, "rss_peak": peak, "torch": torch.__version__, "threads": threads}, open(spec["out"], "w"))


if __name__ == "__main__":
    main()
