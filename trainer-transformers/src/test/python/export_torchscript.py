"""Exports an HF sequence-classification model as a TorchScript trace that Trainer4J trains (TorchScriptModel).

    python export_torchscript.py MODEL OUT_DIR

MODEL is an HF model folder (or a hub name, when online). OUT_DIR receives:
  model.pt          the trace of model(input_ids, attention_mask, token_type_ids).logits, in training mode with
                    every dropout probability set to 0 (a trace freezes dropout as it was while tracing), eager
                    attention; it holds the extra file trainer4j.json: {"inputs": [...], "outputs": ["logits"]},
                    the trace's argument order, which TorchScriptModel maps the batch's named arrays to
  config.json       the model's configuration (dropout 0, as traced)
  tokenizer files   as tokenizer.save_pretrained writes them

Inputs are those the tokenizer produces (tokenizer.model_input_names), e.g. no token_type_ids for DistilBERT.
"""

import argparse
import json
import os

import torch
from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

EXTRA_FILE = "trainer4j.json"


class LogitsOf(torch.nn.Module):
    """The model called with its inputs by position, returning the logits tensor (what tracing needs)."""

    def __init__(self, model, input_names):
        super().__init__()
        self.model = model
        self.input_names = input_names

    def forward(self, *inputs):
        return self.model(**dict(zip(self.input_names, inputs))).logits


def without_dropout(model_dir):
    """Keyword arguments that set every dropout probability of the model's configuration to 0."""
    config = AutoConfig.from_pretrained(model_dir)
    return {k: 0.0 for k, v in config.to_dict().items() if "dropout" in k and (isinstance(v, float) or v is None)}


def export(model_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, attn_implementation="eager", **without_dropout(model_dir))
    model.train()
    names = list(tokenizer.model_input_names)
    sample = tokenizer(["a b c", "a b c d e"], padding=True, return_tensors="pt")
    wrapper = LogitsOf(model, names).train()
    traced = torch.jit.trace(wrapper, tuple(sample[n] for n in names), check_trace=False)
    extra = {EXTRA_FILE: json.dumps({"inputs": names, "outputs": ["logits"]})}
    torch.jit.save(traced, os.path.join(out_dir, "model.pt"), _extra_files=extra)
    model.config.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return os.path.join(out_dir, "model.pt")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("out_dir")
    args = parser.parse_args()
    print("wrote", export(args.model, args.out_dir))


if __name__ == "__main__":
    main()
