"""PyTorch/HF reference numbers for token classification with the tiny BERT (TokenClassificationTest).

Run once with transformers and torch installed; CI only reads the file this writes:

    python make_token_classification_reference.py [--out ../resources/tiny-bert/token-classification.json]

For a few sentences split into words, with tag (i mod 3) for word i, it writes what HF's token-classification
recipe produces: tokenizer(words, is_split_into_words=True) input ids and word ids, the labels aligned to the first
token of each word (-100 for special tokens and the other tokens of a word: label_all_tokens=False), the batch
padded by DataCollatorForTokenClassification, and BertForTokenClassification's logits and loss on it in eval mode.
The model is the tiny BERT's encoder (hf/) with a classifier whose weights follow a formula that the Java test
repeats: weight[c][h] = 0.01 * ((7 * c + 3 * h) % 11 - 5), bias[c] = 0.02 * (c - 1).
"""

import argparse
import json
import os

import torch
import transformers
from transformers import AutoTokenizer, BertForTokenClassification, DataCollatorForTokenClassification

HERE = os.path.dirname(os.path.abspath(__file__))
TINY = os.path.join(HERE, "..", "resources", "tiny-bert")


def sentences():
    rows = [json.loads(line) for line in open(os.path.join(TINY, "sentences.jsonl"), encoding="utf-8")]
    words = [rows[i]["text"].split(" ") for i in (0, 7, 23)]
    words.append(["Zyxq", "umbrella-stand", "rain", "42"])  # an unknown word, a hyphen, a number
    return words


def align(word_ids, tags):
    labels, previous = [], None
    for w in word_ids:
        labels.append(-100 if w is None or w == previous else tags[w])
        previous = w
    return labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(TINY, "token-classification.json"))
    out = parser.parse_args().out
    folder = os.path.join(TINY, "hf")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = BertForTokenClassification.from_pretrained(folder).eval()
    with torch.no_grad():
        c, h = model.classifier.weight.shape
        for i in range(c):
            for j in range(h):
                model.classifier.weight[i, j] = 0.01 * ((7 * i + 3 * j) % 11 - 5)
            model.classifier.bias[i] = 0.02 * (i - 1)
    examples = []
    for words in sentences():
        tags = [i % 3 for i in range(len(words))]
        enc = tokenizer(words, is_split_into_words=True)
        word_ids = enc.word_ids()
        examples.append({"words": words, "tags": tags, "input_ids": enc["input_ids"],
                         "word_ids": [-1 if w is None else w for w in word_ids], "labels": align(word_ids, tags)})
    features = [{"input_ids": e["input_ids"], "token_type_ids": [0] * len(e["input_ids"]),
                 "attention_mask": [1] * len(e["input_ids"]), "labels": e["labels"]} for e in examples]
    batch = DataCollatorForTokenClassification(tokenizer)(features)
    with torch.no_grad():
        result = model(**batch)
    json.dump({"transformers": transformers.__version__, "torch": torch.__version__, "examples": examples,
               "padded_labels": batch["labels"].tolist(), "logits": result.logits.tolist(),
               "loss": result.loss.item()}, open(out, "w", encoding="utf-8"), indent=1)
    print("wrote", out)


if __name__ == "__main__":
    main()
