"""verl custom reward that calls `srl serve reward`, so any srl reward plugin scores verl rollouts.

    srl serve reward step-similarity --port 8000          # or: srl serve reward recipe.yaml
    python3 -m verl.trainer.main_ppo ... \
        data.train_files=srl-train.parquet \              # from: srl export recipe.yaml --format verl
        custom_reward_function.path=examples/verl/srl_reward.py \
        custom_reward_function.name=compute_score

`reward_model.reward_manager=batch` with `custom_reward_function.name=compute_score_batch` sends a
whole batch per request. The server URL is $SRL_REWARD_URL (default http://127.0.0.1:8000).
Standard library only.
"""

import http.client
import json
import os
import threading
import urllib.parse

_URL = urllib.parse.urlsplit(os.environ.get("SRL_REWARD_URL", "http://127.0.0.1:8000"))
# verl has no "does not apply": a null srl reward becomes this number (and applies=0 in the extras).
_NULL_REWARD = float(os.environ.get("SRL_NULL_REWARD", "0"))
_local = threading.local()


def _post(rows):
    """POST rows to /score on a kept-alive connection (one per thread); returns the results."""
    body = json.dumps(rows).encode()
    for attempt in range(3):
        conn = getattr(_local, "conn", None)
        if conn is None:
            conn = _local.conn = http.client.HTTPConnection(_URL.hostname, _URL.port or 80, timeout=300)
        try:
            conn.request("POST", "/score", body, {"content-type": "application/json"})
            res = conn.getresponse()
            data = json.loads(res.read())
        except (http.client.HTTPException, OSError):
            conn.close()
            _local.conn = None
            if attempt == 2:
                raise
            continue
        if res.status != 200:
            raise RuntimeError(f"srl reward server at {_URL.geturl()}: HTTP {res.status}: {data.get('error', data)}")
        return data
    raise AssertionError("unreachable")


def _row(solution_str, ground_truth, extra_info):
    """The row srl's trainer scores: the reference is verl's ground truth; metadata as exported."""
    row = {"completion": solution_str, "reference": ground_truth}
    extra = extra_info or {}
    if isinstance(extra.get("metadata"), str):
        row.update(json.loads(extra["metadata"]))
    return row


def _verl_score(result):
    reward = result["reward"]
    out = {"score": _NULL_REWARD if reward is None else reward, "applies": 0 if reward is None else 1}
    out.update(result["components"])
    return out


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """verl's reward signature; returns {"score": reward, "applies": 0|1, **components}."""
    return _verl_score(_post([_row(solution_str, ground_truth, extra_info)])[0])


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos):
    """verl's BatchRewardManager signature: one request for the whole batch."""
    rows = [_row(s, g, e) for s, g, e in zip(solution_strs, ground_truths, extra_infos)]
    return [_verl_score(r) for r in _post(rows)]
