#!/usr/bin/python3
"""Writes the reference data that org.trainer4j.core.optim tests compare against.

Run with Debian's PyTorch (apt-get install python3-torch), from the repository root:

    /usr/bin/python3 trainer-core/src/test/python/make_optim_reference.py

It writes four JSON files into trainer-core/src/test/resources/optim/:

* optimizers.json  parameters after each step of torch.optim.AdamW / SGD / Adagrad / RMSprop, set up
                   as HF's Trainer sets them up: two parameter groups, one with weight_decay (the
                   "decay" parameters) and one with weight_decay=0, and lr=learning_rate.
* schedules.json   get_last_lr() of torch's LambdaLR driven by the multiplier functions of HF's
                   transformers/optimization.py (transformers is not packaged for Debian, so each
                   function below restates the formula of the HF function named in its docstring).
* plateau.json     the learning rate after each ReduceLROnPlateau.step(metric).
* clipping.json    torch.nn.utils.clip_grad_norm_: the returned norm and the clipped gradients.

Everything is float32 on the CPU, as in a Trainer4J run. Values are written with Python's repr, which
reads back to the same double, and a float32 widened to double is exact.
"""

import json
import math
import os
import warnings

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "optim")
STEPS = 6


def values(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


# ---------------------------------------------------------------------------------------------
# Optimizers


def make_inputs(seed, steps):
    """Two parameters (a decayed weight and a non-decayed bias) and one gradient per step each."""
    g = torch.Generator().manual_seed(seed)
    shapes = {"weight": (3, 4), "bias": (4,)}
    initial = {n: torch.randn(s, generator=g, dtype=torch.float32) for n, s in shapes.items()}
    grads = [{n: torch.randn(s, generator=g, dtype=torch.float32) for n, s in shapes.items()}
             for _ in range(steps)]
    return shapes, initial, grads


def format_optim_args(kwargs):
    def text(v):
        return str(v).lower() if isinstance(v, bool) else repr(v)
    return ",".join(f"{k}={text(v)}" for k, v in kwargs.items())


def run_optimizer(case, seed):
    shapes, initial, grads = make_inputs(seed, STEPS)
    params = {n: torch.nn.Parameter(t.clone()) for n, t in initial.items()}
    wd = case["weight_decay"]
    # HF's Trainer.create_optimizer: decay parameters first, then the rest with weight_decay 0.
    groups = [{"params": [params["weight"]], "weight_decay": wd},
              {"params": [params["bias"]], "weight_decay": 0.0}]
    lr0 = case["learning_rate"]
    kwargs = dict(case.get("torch_kwargs", {}))
    kind = case["optim"]
    if kind == "adamw_torch":
        opt = torch.optim.AdamW(groups, lr=lr0, betas=(case["adam_beta1"], case["adam_beta2"]),
                                eps=case["adam_epsilon"], **kwargs)
    elif kind == "sgd":
        opt = torch.optim.SGD(groups, lr=lr0, **kwargs)
    elif kind == "adagrad":
        opt = torch.optim.Adagrad(groups, lr=lr0, **kwargs)
    elif kind == "rmsprop":
        opt = torch.optim.RMSprop(groups, lr=lr0, **kwargs)
    else:
        raise ValueError(kind)
    # A changing learning rate, as a schedule gives, so that per-step lr handling is checked too.
    lrs = [lr0 * (1.0 - 0.1 * k) for k in range(STEPS)]
    expected = []
    for k in range(STEPS):
        for group in opt.param_groups:
            group["lr"] = lrs[k]
        for n, p in params.items():
            p.grad = grads[k][n].clone()
        opt.step()
        expected.append({n: values(p) for n, p in params.items()})
    out = {
        "name": case["name"],
        "optim": kind,
        "optim_args": format_optim_args(kwargs),
        "learning_rate": lr0,
        "weight_decay": wd,
        "adam_beta1": case.get("adam_beta1", 0.9),
        "adam_beta2": case.get("adam_beta2", 0.999),
        "adam_epsilon": case.get("adam_epsilon", 1e-8),
        "lrs": lrs,
        "params": [{"name": n, "decay": n == "weight", "shape": list(shapes[n]),
                    "initial": values(initial[n])} for n in shapes],
        "grads": [{n: values(gr[n]) for n in shapes} for gr in grads],
        "expected": expected,
    }
    return out


OPTIMIZER_CASES = [
    {"name": "adamw_defaults", "optim": "adamw_torch", "learning_rate": 1e-2, "weight_decay": 0.0,
     "adam_beta1": 0.9, "adam_beta2": 0.999, "adam_epsilon": 1e-8},
    {"name": "adamw_weight_decay", "optim": "adamw_torch", "learning_rate": 5e-2, "weight_decay": 0.1,
     "adam_beta1": 0.9, "adam_beta2": 0.999, "adam_epsilon": 1e-8},
    {"name": "adamw_betas_eps", "optim": "adamw_torch", "learning_rate": 3e-2, "weight_decay": 0.01,
     "adam_beta1": 0.8, "adam_beta2": 0.95, "adam_epsilon": 1e-3},
    {"name": "adamw_amsgrad", "optim": "adamw_torch", "learning_rate": 3e-2, "weight_decay": 0.05,
     "adam_beta1": 0.9, "adam_beta2": 0.99, "adam_epsilon": 1e-8, "torch_kwargs": {"amsgrad": True}},
    {"name": "sgd_plain", "optim": "sgd", "learning_rate": 0.1, "weight_decay": 0.0},
    {"name": "sgd_weight_decay", "optim": "sgd", "learning_rate": 0.1, "weight_decay": 0.2},
    {"name": "sgd_momentum", "optim": "sgd", "learning_rate": 0.1, "weight_decay": 0.0,
     "torch_kwargs": {"momentum": 0.9}},
    {"name": "sgd_momentum_dampening_wd", "optim": "sgd", "learning_rate": 0.05, "weight_decay": 0.1,
     "torch_kwargs": {"momentum": 0.8, "dampening": 0.3}},
    {"name": "sgd_nesterov", "optim": "sgd", "learning_rate": 0.1, "weight_decay": 0.0,
     "torch_kwargs": {"momentum": 0.9, "nesterov": True}},
    {"name": "sgd_nesterov_wd", "optim": "sgd", "learning_rate": 0.07, "weight_decay": 0.3,
     "torch_kwargs": {"momentum": 0.5, "nesterov": True}},
    {"name": "adagrad_defaults", "optim": "adagrad", "learning_rate": 0.1, "weight_decay": 0.0},
    {"name": "adagrad_all_options", "optim": "adagrad", "learning_rate": 0.2, "weight_decay": 0.1,
     "torch_kwargs": {"lr_decay": 0.25, "initial_accumulator_value": 0.5, "eps": 1e-6}},
    {"name": "rmsprop_defaults", "optim": "rmsprop", "learning_rate": 1e-2, "weight_decay": 0.0},
    {"name": "rmsprop_alpha_eps_wd", "optim": "rmsprop", "learning_rate": 1e-2, "weight_decay": 0.1,
     "torch_kwargs": {"alpha": 0.9, "eps": 1e-4}},
    {"name": "rmsprop_momentum", "optim": "rmsprop", "learning_rate": 1e-2, "weight_decay": 0.0,
     "torch_kwargs": {"momentum": 0.9}},
    {"name": "rmsprop_centered", "optim": "rmsprop", "learning_rate": 1e-2, "weight_decay": 0.0,
     "torch_kwargs": {"centered": True}},
    {"name": "rmsprop_centered_momentum_wd", "optim": "rmsprop", "learning_rate": 2e-2,
     "weight_decay": 0.05, "torch_kwargs": {"alpha": 0.95, "momentum": 0.7, "centered": True}},
]


# ---------------------------------------------------------------------------------------------
# Learning-rate multipliers, one per HF schedule (current_step -> factor of the base lr).


def warmup_factor(step, warmup):
    return float(step) / float(max(1, warmup))


def linear_factor(step, warmup, total):
    """HF _get_linear_schedule_with_warmup_lr_lambda."""
    if step < warmup:
        return warmup_factor(step, warmup)
    return max(0.0, float(total - step) / float(max(1, total - warmup)))


def cosine_factor(step, warmup, total, num_cycles=0.5, min_lr_rate=0.0):
    """HF _get_cosine_schedule_with_warmup_lr_lambda (min_lr_rate=0 is get_cosine_schedule_with_warmup,
    otherwise get_cosine_with_min_lr_schedule_with_warmup)."""
    if step < warmup:
        return warmup_factor(step, warmup)
    progress = float(step - warmup) / float(max(1, total - warmup))
    factor = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
    return max(0.0, factor * (1 - min_lr_rate) + min_lr_rate)


def cosine_restarts_factor(step, warmup, total, num_cycles=1):
    """HF _get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda."""
    if step < warmup:
        return warmup_factor(step, warmup)
    progress = float(step - warmup) / float(max(1, total - warmup))
    if progress >= 1.0:
        return 0.0
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(num_cycles) * progress) % 1.0))))


def polynomial_factor(step, warmup, total, lr_init, lr_end=1e-7, power=1.0):
    """HF _get_polynomial_decay_schedule_with_warmup_lr_lambda."""
    if step < warmup:
        return warmup_factor(step, warmup)
    if step > total:
        return lr_end / lr_init
    remaining = 1 - (step - warmup) / (total - warmup)
    return ((lr_init - lr_end) * remaining ** power + lr_end) / lr_init


def constant_with_warmup_factor(step, warmup):
    """HF _get_constant_schedule_with_warmup_lr_lambda."""
    if step < warmup:
        return float(step) / float(max(1.0, warmup))
    return 1.0


def inverse_sqrt_factor(step, warmup, timescale):
    """HF _get_inverse_sqrt_schedule_lr_lambda, timescale defaulting as get_inverse_sqrt_schedule."""
    if step < warmup:
        return warmup_factor(step, warmup)
    shift = timescale - warmup
    return 1.0 / math.sqrt((step + shift) / timescale)


def wsd_factor(step, warmup, num_stable_steps, num_decay_steps, warmup_type="linear",
               decay_type="cosine", min_lr_ratio=0.0, num_cycles=0.5):
    """HF _get_wsd_scheduler_lambda."""
    if step < warmup:
        progress = float(step) / float(max(1, warmup))
        if warmup_type == "linear":
            f = progress
        elif warmup_type == "cosine":
            f = 0.5 * (1.0 - math.cos(math.pi * progress))
        else:
            f = 1.0 - math.sqrt(1.0 - progress)
        return max(0.0, f * (1.0 - min_lr_ratio) + min_lr_ratio)
    if step < warmup + num_stable_steps:
        return 1.0
    if step < warmup + num_stable_steps + num_decay_steps:
        progress = float(step - warmup - num_stable_steps) / float(max(1, num_decay_steps))
        if decay_type == "linear":
            f = 1.0 - progress
        elif decay_type == "cosine":
            f = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
        else:
            f = 1.0 - math.sqrt(progress)
        return max(0.0, f * (1.0 - min_lr_ratio) + min_lr_ratio)
    return min_lr_ratio


def hf_warmup_steps(case, total):
    """HF TrainingArguments.get_warmup_steps (v4): warmup_steps if positive, else ceil(ratio * total)."""
    if case.get("warmup_steps", 0) > 0:
        return case["warmup_steps"]
    return math.ceil(total * case.get("warmup_ratio", 0.0))


def lambda_for(case, lr):
    kind = case["lr_scheduler_type"]
    kw = dict(case.get("lr_scheduler_kwargs", {}))
    total = case["max_steps"]
    w = hf_warmup_steps(case, total)
    if kind == "linear":
        return lambda s: linear_factor(s, w, total)
    if kind == "cosine":
        return lambda s: cosine_factor(s, w, total, kw.get("num_cycles", 0.5))
    if kind == "cosine_with_restarts":
        return lambda s: cosine_restarts_factor(s, w, total, kw.get("num_cycles", 1))
    if kind == "polynomial":
        return lambda s: polynomial_factor(s, w, total, lr, kw.get("lr_end", 1e-7), kw.get("power", 1.0))
    if kind == "constant":
        return lambda s: 1.0
    if kind == "constant_with_warmup":
        return lambda s: constant_with_warmup_factor(s, w)
    if kind == "inverse_sqrt":
        timescale = kw.get("timescale") or (w or 10_000)
        return lambda s: inverse_sqrt_factor(s, w, timescale)
    if kind == "cosine_with_min_lr":
        rate = kw["min_lr"] / lr if "min_lr" in kw else kw["min_lr_rate"]
        return lambda s: cosine_factor(s, w, total, kw.get("num_cycles", 0.5), rate)
    if kind == "warmup_stable_decay":
        decay = kw["num_decay_steps"]
        stable = kw.get("num_stable_steps", total - w - decay)
        return lambda s: wsd_factor(s, w, stable, decay, kw.get("warmup_type", "linear"),
                                    kw.get("decay_type", "cosine"), kw.get("min_lr_ratio", 0.0),
                                    kw.get("num_cycles", 0.5))
    raise ValueError(kind)


def run_schedule(case):
    lr = case["learning_rate"]
    dummy = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([dummy], lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda_for(case, lr))
    lrs = [sched.get_last_lr()[0]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "scheduler.step() before optimizer.step()"
        for _ in range(case["max_steps"] + 3):
            sched.step()
            lrs.append(sched.get_last_lr()[0])
    return dict(case, lrs=lrs)


SCHEDULE_CASES = [
    {"name": "linear_no_warmup", "lr_scheduler_type": "linear", "learning_rate": 5e-5, "max_steps": 20},
    {"name": "linear_warmup_steps", "lr_scheduler_type": "linear", "learning_rate": 1e-3,
     "max_steps": 20, "warmup_steps": 5},
    {"name": "linear_warmup_ratio", "lr_scheduler_type": "linear", "learning_rate": 1e-3,
     "max_steps": 17, "warmup_ratio": 0.1},
    {"name": "cosine_default", "lr_scheduler_type": "cosine", "learning_rate": 1e-3, "max_steps": 20,
     "warmup_steps": 3},
    {"name": "cosine_cycles", "lr_scheduler_type": "cosine", "learning_rate": 2e-3, "max_steps": 24,
     "warmup_ratio": 0.25, "lr_scheduler_kwargs": {"num_cycles": 1.5}},
    {"name": "cosine_with_restarts_default", "lr_scheduler_type": "cosine_with_restarts",
     "learning_rate": 1e-3, "max_steps": 20, "warmup_steps": 2},
    {"name": "cosine_with_restarts_3", "lr_scheduler_type": "cosine_with_restarts",
     "learning_rate": 1e-3, "max_steps": 23, "warmup_steps": 2, "lr_scheduler_kwargs": {"num_cycles": 3}},
    {"name": "polynomial_default", "lr_scheduler_type": "polynomial", "learning_rate": 1e-3,
     "max_steps": 20, "warmup_steps": 4},
    {"name": "polynomial_power", "lr_scheduler_type": "polynomial", "learning_rate": 1e-2,
     "max_steps": 20, "warmup_steps": 2, "lr_scheduler_kwargs": {"power": 2.0, "lr_end": 1e-4}},
    {"name": "constant", "lr_scheduler_type": "constant", "learning_rate": 3e-4, "max_steps": 10},
    {"name": "constant_with_warmup", "lr_scheduler_type": "constant_with_warmup", "learning_rate": 3e-4,
     "max_steps": 12, "warmup_steps": 4},
    {"name": "inverse_sqrt_warmup", "lr_scheduler_type": "inverse_sqrt", "learning_rate": 1e-3,
     "max_steps": 20, "warmup_steps": 4},
    {"name": "inverse_sqrt_no_warmup", "lr_scheduler_type": "inverse_sqrt", "learning_rate": 1e-3,
     "max_steps": 12},
    {"name": "inverse_sqrt_timescale", "lr_scheduler_type": "inverse_sqrt", "learning_rate": 1e-3,
     "max_steps": 20, "warmup_steps": 3, "lr_scheduler_kwargs": {"timescale": 7}},
    {"name": "cosine_with_min_lr", "lr_scheduler_type": "cosine_with_min_lr", "learning_rate": 1e-3,
     "max_steps": 20, "warmup_steps": 3, "lr_scheduler_kwargs": {"min_lr": 1e-5}},
    {"name": "cosine_with_min_lr_rate", "lr_scheduler_type": "cosine_with_min_lr", "learning_rate": 1e-3,
     "max_steps": 20, "warmup_ratio": 0.2, "lr_scheduler_kwargs": {"min_lr_rate": 0.1, "num_cycles": 0.75}},
    {"name": "wsd_defaults", "lr_scheduler_type": "warmup_stable_decay", "learning_rate": 1e-3,
     "max_steps": 20, "warmup_steps": 3, "lr_scheduler_kwargs": {"num_decay_steps": 6}},
    {"name": "wsd_stable_given_linear", "lr_scheduler_type": "warmup_stable_decay", "learning_rate": 1e-3,
     "max_steps": 20, "warmup_steps": 4, "lr_scheduler_kwargs": {
         "num_decay_steps": 5, "num_stable_steps": 6, "warmup_type": "cosine", "decay_type": "linear",
         "min_lr_ratio": 0.1}},
    {"name": "wsd_sqrt", "lr_scheduler_type": "warmup_stable_decay", "learning_rate": 1e-3,
     "max_steps": 20, "warmup_steps": 5, "lr_scheduler_kwargs": {
         "num_decay_steps": 8, "warmup_type": "1-sqrt", "decay_type": "1-sqrt", "min_lr_ratio": 0.05}},
    {"name": "wsd_cosine_cycles", "lr_scheduler_type": "warmup_stable_decay", "learning_rate": 1e-3,
     "max_steps": 16, "warmup_steps": 2, "lr_scheduler_kwargs": {
         "num_decay_steps": 8, "num_cycles": 0.25, "min_lr_ratio": 0.2}},
]


# ---------------------------------------------------------------------------------------------
# ReduceLROnPlateau


def run_plateau(case):
    dummy = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([dummy], lr=case["learning_rate"])
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **case.get("lr_scheduler_kwargs", {}))
    lrs = []
    for m in case["metrics"]:
        sched.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    return dict(case, lrs=lrs)


LOSSES = [1.0, 0.9, 0.95, 0.92, 0.91, 0.905, 0.93, 0.94, 0.8, 0.85, 0.86, 0.87, 0.88, 0.9, 0.95, 0.99]
ACCURACIES = [0.5, 0.6, 0.6, 0.59, 0.58, 0.7, 0.7, 0.7, 0.71, 0.69, 0.68, 0.72, 0.72, 0.72, 0.72]

PLATEAU_CASES = [
    {"name": "plateau_defaults", "learning_rate": 1e-3, "metrics": LOSSES + LOSSES[-1:] * 10},
    {"name": "plateau_patience_factor", "learning_rate": 1e-3, "metrics": LOSSES,
     "lr_scheduler_kwargs": {"patience": 1, "factor": 0.5}},
    {"name": "plateau_max_abs", "learning_rate": 1e-2, "metrics": ACCURACIES,
     "lr_scheduler_kwargs": {"mode": "max", "threshold_mode": "abs", "threshold": 0.005, "patience": 1}},
    {"name": "plateau_max_rel", "learning_rate": 1e-2, "metrics": ACCURACIES,
     "lr_scheduler_kwargs": {"mode": "max", "threshold": 0.02, "patience": 0}},
    {"name": "plateau_min_abs_cooldown", "learning_rate": 1e-2, "metrics": LOSSES,
     "lr_scheduler_kwargs": {"threshold_mode": "abs", "threshold": 0.01, "patience": 1, "cooldown": 2}},
    {"name": "plateau_min_lr_eps", "learning_rate": 1e-2, "metrics": LOSSES,
     "lr_scheduler_kwargs": {"patience": 0, "factor": 0.3, "min_lr": 1e-4, "eps": 1e-5}},
    {"name": "plateau_nan_metric", "learning_rate": 1e-2, "metrics": [1.0, float("nan"), 0.5, float("nan"),
                                                                       float("nan"), 0.6, 0.7],
     "lr_scheduler_kwargs": {"patience": 1, "factor": 0.5}},
]


# ---------------------------------------------------------------------------------------------
# Gradient clipping


def run_clipping(case, seed):
    g = torch.Generator().manual_seed(seed)
    params = []
    for shape in case["shapes"]:
        p = torch.nn.Parameter(torch.zeros(shape))
        p.grad = torch.randn(shape, generator=g, dtype=torch.float32) * case.get("scale", 1.0)
        params.append(p)
    for index, position, value in case.get("overrides", []):
        params[index].grad.view(-1)[position] = value
    grads = [values(p.grad) for p in params]
    norm = torch.nn.utils.clip_grad_norm_(params, case["max_norm"])
    return {"name": case["name"], "max_norm": case["max_norm"], "shapes": case["shapes"], "grads": grads,
            "norm": float(norm), "clipped": [values(p.grad) for p in params]}


CLIP_CASES = [
    {"name": "clips", "shapes": [[3, 4], [4], [2, 2, 2]], "max_norm": 1.0},
    {"name": "below_max", "shapes": [[3, 4], [4]], "max_norm": 100.0},
    {"name": "large_grads", "shapes": [[5, 5], [5]], "max_norm": 0.5, "scale": 1000.0},
    {"name": "tiny_grads", "shapes": [[2, 3]], "max_norm": 1.0, "scale": 1e-4},
    {"name": "inf_grad", "shapes": [[2, 3], [3]], "max_norm": 1.0, "overrides": [[0, 2, float("inf")]]},
    {"name": "nan_grad", "shapes": [[2, 3], [3]], "max_norm": 1.0, "overrides": [[1, 0, float("nan")]]},
]


def write(name, cases):
    path = os.path.join(OUT, name)
    # One case per line: small diffs when a case changes, still readable.
    with open(path, "w") as f:
        f.write('{"torch_version": %s,\n "cases": [\n' % json.dumps(torch.__version__))
        f.write(",\n".join("  " + json.dumps(c) for c in cases))
        f.write("\n ]}\n")
    print("wrote", os.path.normpath(path), len(cases), "cases")


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    write("optimizers.json", [run_optimizer(c, 100 + i) for i, c in enumerate(OPTIMIZER_CASES)])
    write("schedules.json", [run_schedule(c) for c in SCHEDULE_CASES])
    write("plateau.json", [run_plateau(c) for c in PLATEAU_CASES])
    write("clipping.json", [run_clipping(c, 200 + i) for i, c in enumerate(CLIP_CASES)])


if __name__ == "__main__":
    main()
