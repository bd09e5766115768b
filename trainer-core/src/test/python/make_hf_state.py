#!/usr/bin/env python3
"""HF trainer_state.json samples for TrainerStateJsonTest, and the check that ours loads in HF's.

`transformers` cannot be installed on the build machines, so this script re-states the part of it
that decides the file format: the fields and defaults of `transformers.TrainerState` (4.5x, with
`best_global_step` and `stateful_callbacks`), its `save_to_json` (json.dumps(asdict(state),
indent=2, sort_keys=True) + "\n") and `load_from_json` (cls(**json.loads(text)), so an unknown key
is an error), and the `ExportableState.state()` layout of TrainerControl and EarlyStoppingCallback
({"args": {...}, "attributes": {...}}). It is a faithful restatement of that format, not HF's code.

Run from the repository root (python3 3.8+; no packages needed):

    python3 trainer-core/src/test/python/make_hf_state.py

It (1) writes the HF samples under trainer-core/src/test/resources/state/ (hf_*.json), and
(2) checks state/java_written.json, the text TrainerState.toJson() gives for the recipe in
java_recipe() below (TrainerStateJsonTest asserts that text): Python's json reads it, HF's
TrainerState(**...) accepts every key, the values equal the recipe's, and HF's save_to_json writes
the very same bytes. When TrainerStateJsonTest fails because the Java output changed, it writes the
new text to trainer-core/target/java_written.json: review it, copy it over the resource and re-run
this script.
"""
import dataclasses
import json
import math
import pathlib
import struct
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

STATE_DIR = pathlib.Path(__file__).resolve().parents[1] / "resources" / "state"


@dataclass
class TrainerState:
    """HF's TrainerState fields and defaults (v4 names and order)."""

    epoch: Optional[float] = None
    global_step: int = 0
    max_steps: int = 0
    logging_steps: int = 500
    eval_steps: int = 500
    save_steps: int = 500
    train_batch_size: Optional[int] = None
    num_train_epochs: int = 0
    num_input_tokens_seen: int = 0
    total_flos: float = 0
    log_history: List[Dict[str, Any]] = None
    best_metric: Optional[float] = None
    best_global_step: Optional[int] = None
    best_model_checkpoint: Optional[str] = None
    is_local_process_zero: bool = True
    is_world_process_zero: bool = True
    is_hyper_param_search: bool = False
    trial_name: Optional[str] = None
    trial_params: Optional[Dict[str, Union[str, float, int, bool]]] = None
    stateful_callbacks: Any = None

    def __post_init__(self):
        if self.log_history is None:
            self.log_history = []
        if self.stateful_callbacks is None:
            self.stateful_callbacks = {}
        elif not isinstance(self.stateful_callbacks, dict):
            # Callback objects are exported by class name; several of one class become a list.
            exported = {}
            for callback in self.stateful_callbacks:
                name = type(callback).__name__
                if name in exported:
                    if not isinstance(exported[name], list):
                        exported[name] = [exported[name]]
                    exported[name].append(callback.state())
                else:
                    exported[name] = callback.state()
            self.stateful_callbacks = exported

    def save_to_json(self, path: pathlib.Path):
        path.write_text(to_json(self), encoding="utf-8")

    @classmethod
    def load_from_json(cls, path: pathlib.Path):
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def to_json(state: TrainerState) -> str:
    return json.dumps(dataclasses.asdict(state), indent=2, sort_keys=True) + "\n"


@dataclass
class TrainerControl:
    should_training_stop: bool = False
    should_epoch_stop: bool = False
    should_save: bool = False
    should_evaluate: bool = False
    should_log: bool = False

    def state(self):
        return {"args": dataclasses.asdict(self), "attributes": {}}


class EarlyStoppingCallback:
    def __init__(self, early_stopping_patience=1, early_stopping_threshold=0.0):
        self.early_stopping_patience = early_stopping_patience
        self.early_stopping_threshold = early_stopping_threshold
        self.early_stopping_patience_counter = 0

    def state(self):
        return {
            "args": {
                "early_stopping_patience": self.early_stopping_patience,
                "early_stopping_threshold": self.early_stopping_threshold,
            },
            "attributes": {"early_stopping_patience_counter": self.early_stopping_patience_counter},
        }


def float32(x: float) -> float:
    """The double a Java float widens to (Python has no float32 without numpy)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def realistic_state() -> TrainerState:
    """Three epochs of 500 steps: train logs every 250 steps, eval each epoch, the train-end row."""
    rows = []
    lrs = {250: 4.5e-05, 500: 4.166666666666667e-05, 750: 3.3333333333333335e-05,
           1000: 2.5e-05, 1250: 1e-05, 1500: 0.0}
    losses = {250: 0.6931, 500: 0.5123, 750: 0.4012, 1000: 0.3301, 1250: 0.2877, 1500: 0.2514}
    grad_norms = {250: 3.2178914546966553, 500: 1.0, 750: float("nan"), 1000: 0.0001,
                  1250: 2.384185791015625e-07, 1500: 12.5}
    for step in range(250, 1501, 250):
        rows.append({"epoch": step / 500, "grad_norm": grad_norms[step], "learning_rate": lrs[step],
                     "loss": losses[step], "step": step})
        if step % 500 == 0:
            rows.append({"epoch": float(step // 500), "eval_accuracy": 0.8125 + step / 1e5,
                         "eval_f1": 0.7993421052631579 + step / 1e5, "eval_loss": 0.4521 - step / 1e5,
                         "eval_runtime": 3.2104, "eval_samples_per_second": 311.489,
                         "eval_steps_per_second": 38.936, "step": step})
    rows.append({"epoch": 3.0, "step": 1500, "total_flos": 1e16, "train_loss": 0.4127,
                 "train_runtime": 1234.5678, "train_samples_per_second": 9.721,
                 "train_steps_per_second": 1.215})
    control = TrainerControl(should_save=True, should_training_stop=True)
    early = EarlyStoppingCallback(early_stopping_patience=3, early_stopping_threshold=0.001)
    early.early_stopping_patience_counter = 1
    return TrainerState(epoch=3.0, global_step=1500, max_steps=1500, logging_steps=250,
                        eval_steps=500, save_steps=500, train_batch_size=16, num_train_epochs=3,
                        num_input_tokens_seen=0, total_flos=1e16, log_history=rows,
                        best_metric=0.4421, best_global_step=1000,
                        best_model_checkpoint="trainer_output/checkpoint-1000",
                        stateful_callbacks=[early, control])


def fresh_state() -> TrainerState:
    """What HF v4 writes for a state no step has touched: epoch None, total_flos the int 0."""
    return TrainerState()


def quirks_state() -> TrainerState:
    """Values HF really writes that a typed reader could lose on the way back."""
    early_a = EarlyStoppingCallback(2, 0.0)
    early_b = EarlyStoppingCallback(5, 1e-05)
    early_b.early_stopping_patience_counter = 4
    rows = [
        {"epoch": 0.0001, "learning_rate": 5e-05, "loss": float("inf"), "step": 1},
        {"epoch": 0.5, "grad_norm": float("-inf"), "loss": -0.0, "step": 2, "tiny": 5e-324,
         "huge": 1.7976931348623157e308, "big_int": 123456789012345678901234567890},
        {"epoch": 1, "eval_note": "r\u00e9sum\u00e9 \u2713 \U0001F600 \"quoted\"\n", "step": 3,
         "\u00fcber_metric": 0.30000000000000004, "eval_samples": 1000, "eval_list": [1, 2.0, None, True]},
    ]
    return TrainerState(epoch=1, global_step=3, max_steps=3, logging_steps=1.0, eval_steps=1,
                        save_steps=100.0, train_batch_size=None, num_train_epochs=1,
                        num_input_tokens_seen=12345678901234, total_flos=0, log_history=rows,
                        best_metric=float("nan"), best_global_step=None, best_model_checkpoint=None,
                        is_hyper_param_search=True, trial_name="essai-\u00e9t\u00e9-\U0001F600",
                        trial_params={"learning_rate": 3e-05, "seed": 7, "optim": "adamw_torch",
                                      "warmup": True},
                        stateful_callbacks=[early_a, early_b, TrainerControl()])


def java_recipe() -> TrainerState:
    """The state TrainerStateJsonTest#javaWrittenStateIsWhatHfWrites builds with the Java API."""
    control = TrainerControl(should_save=True, should_log=True)
    early = EarlyStoppingCallback(3, 0.0)
    early.early_stopping_patience_counter = 2
    rows = [
        {"loss": 0.6931, "grad_norm": float("nan"), "learning_rate": 4.5e-05, "epoch": 0.5, "step": 5},
        {"loss": 0.5, "grad_norm": 1.0, "learning_rate": 2.5e-05, "epoch": 1.0, "step": 10},
        {"eval_loss": 0.3, "eval_accuracy": float32(0.1), "eval_f1": 0.8, "eval_runtime": 0.0123,
         "eval_samples_per_second": 1234.5678, "eval_steps_per_second": 1e16, "epoch": 1.0,
         "step": 10},
        {"train_runtime": 2.5, "train_samples_per_second": 64.0, "train_steps_per_second": 8.0,
         "total_flos": 1234.5678, "train_loss": 0.59655, "epoch": 2.0, "step": 20},
    ]
    return TrainerState(epoch=2.0, global_step=20, max_steps=20, logging_steps=5, eval_steps=10,
                        save_steps=10, train_batch_size=8, num_train_epochs=2, num_input_tokens_seen=0,
                        total_flos=1234.5678, log_history=rows, best_metric=0.3, best_global_step=10,
                        best_model_checkpoint="sortie-\u00e9t\u00e9/checkpoint-10",
                        stateful_callbacks=[early, control])


def same(a, b) -> bool:
    """Equality with NaN equal to NaN, and int/float kept apart as JSON keeps them."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def check_java_written() -> bool:
    path = STATE_DIR / "java_written.json"
    if not path.exists():
        print(f"{path} is missing: run TrainerStateJsonTest and copy trainer-core/target/java_written.json")
        return False
    text = path.read_text(encoding="utf-8")
    loaded = TrainerState.load_from_json(path)  # raises on unknown keys, as HF does
    expected = java_recipe()
    ok = True
    if not same(json.loads(text), dataclasses.asdict(expected)):
        print("java_written.json does not hold the values of java_recipe()")
        ok = False
    if to_json(loaded) != text:
        print("HF's save_to_json writes different text for the state Java wrote")
        ok = False
    if to_json(expected) != text:
        print("Java's text differs from what HF writes for java_recipe()")
        ok = False
    if ok:
        print(f"ok: {path.name} loads in HF's TrainerState and is byte for byte what HF writes")
    return ok


def main() -> int:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    for name, state in (("hf_realistic.json", realistic_state()), ("hf_fresh.json", fresh_state()),
                        ("hf_quirks.json", quirks_state())):
        state.save_to_json(STATE_DIR / name)
        reloaded = TrainerState.load_from_json(STATE_DIR / name)
        assert to_json(reloaded) == to_json(state), name
        print(f"wrote {STATE_DIR / name}")
    return 0 if check_java_written() else 1


if __name__ == "__main__":
    sys.exit(main())
