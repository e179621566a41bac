"""SRL on TRL: GRPO on srl's step-wise instances, rewarded by `srl serve reward`.

The dataset comes from `srl export recipe.yaml --format trl` (a conversational prompt plus the
expert step in `reference`); TRL hands every extra column to the reward function as a keyword
argument, and the reward function sends each completion with its expert step to srl's server, so
any srl reward plugin (TypeScript) trains a PyTorch model. Runs on CPU as is; under
`accelerate launch` with `--use-vllm` it is the multi-GPU path (see README.md).
"""

import argparse
import json
import urllib.request

from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import GRPOConfig, GRPOTrainer


def srl_reward(url, calls):
    """A TRL reward function that scores completions with srl's server (POST /score)."""

    def srl_step_reward(prompts, completions, reference, metadata, **kwargs):
        rows = []
        for completion, ref, meta in zip(completions, reference, metadata):
            text = completion[-1]["content"] if isinstance(completion, list) else completion
            rows.append({"completion": text, "reference": ref, **json.loads(meta)})
        request = urllib.request.Request(f"{url}/score", data=json.dumps(rows).encode(), headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            results = json.load(response)
        rewards = [r["reward"] for r in results]  # None where srl's reward does not apply; TRL skips it
        calls.append({"rows": rows, "rewards": rewards})
        return rewards

    return srl_step_reward


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="Hugging Face checkpoint folder or hub id (e.g. one srl wrote)")
    p.add_argument("--data", required=True, help="TRL JSONL from srl export --format trl")
    p.add_argument("--reward-url", default="http://127.0.0.1:8000", help="srl serve reward address")
    p.add_argument("--output-dir", default="runs/trl-grpo")
    p.add_argument("--max-steps", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=4, help="completions per device per step")
    p.add_argument("--num-generations", type=int, default=4, help="GRPO group size G")
    p.add_argument("--max-completion-length", type=int, default=24)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--use-vllm", action="store_true", help="generate with vLLM (GPU)")
    p.add_argument("--vllm-mode", choices=["colocate", "server"], default="colocate")
    p.add_argument("--bf16", action="store_true")
    p.add_argument("--cpu", action="store_true", help="train on CPU")
    p.add_argument("--log-file", help="write the reward calls and TRL's log history here (JSON)")
    args = p.parse_args()

    dataset = load_dataset("json", data_files=args.data, split="train")
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model)
    config = GRPOConfig(
        output_dir=args.output_dir,
        max_steps=args.max_steps,
        per_device_train_batch_size=args.batch_size,
        num_generations=args.num_generations,
        max_completion_length=args.max_completion_length,
        learning_rate=args.lr,
        temperature=1.0,
        beta=0.0,  # SRL trains without a KL term (paper App. B.1)
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        use_cpu=args.cpu,
        bf16=args.bf16,
        use_vllm=args.use_vllm,
        vllm_mode=args.vllm_mode,
        seed=0,
    )
    calls = []
    trainer = GRPOTrainer(model=model, args=config, train_dataset=dataset, processing_class=tokenizer, reward_funcs=srl_reward(args.reward_url, calls))
    trainer.train()
    trainer.save_model(args.output_dir)
    if args.log_file and trainer.is_world_process_zero():
        with open(args.log_file, "w") as f:
            json.dump({"calls": calls, "log_history": trainer.state.log_history}, f)


if __name__ == "__main__":
    main()
