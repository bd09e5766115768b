"""HF reference losses for regression and multi-label sequence classification with the tiny BERT (ProblemTypeTest).

Run once with transformers and torch installed; CI only reads the file this writes:

    python make_problem_type_reference.py [--out ../resources/tiny-bert/problem-types.json]

BertForSequenceClassification.from_pretrained(hf/, num_labels=n, problem_type=..., ignore_mismatched_sizes=True)
in eval mode, with a classifier whose weights follow a formula the Java test repeats (weight[c][h] = 0.01 * ((7 * c
+ 3 * h) % 11 - 5), bias[c] = 0.02 * (c - 1)), on four sentences: the loss HF computes from its problem_type
(MSELoss for regression with one label, BCEWithLogitsLoss for multi-label with three) and the logits.
"""

import argparse
import json
import os

import torch
import transformers
from transformers import AutoTokenizer, BertForSequenceClassification

HERE = os.path.dirname(os.path.abspath(__file__))
TINY = os.path.join(HERE, "..", "resources", "tiny-bert")
TEXTS = ["It will rain all afternoon, so take an umbrella.", "He likes his coffee strong and without sugar.",
         "The match went to extra time.", "Snow is expected in the mountains tonight."]
CASES = {
    "regression": (1, [[0.5], [3.8], [2.0], [4.9]]),
    "multi_label_classification": (3, [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(TINY, "problem-types.json"))
    out = parser.parse_args().out
    folder = os.path.join(TINY, "hf")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    batch = tokenizer(TEXTS, padding=True, return_tensors="pt")
    result = {"transformers": transformers.__version__, "torch": torch.__version__, "texts": TEXTS}
    for problem_type, (num_labels, labels) in CASES.items():
        model = BertForSequenceClassification.from_pretrained(
            folder, num_labels=num_labels, problem_type=problem_type, ignore_mismatched_sizes=True).eval()
        with torch.no_grad():
            for c in range(num_labels):
                for h in range(model.config.hidden_size):
                    model.classifier.weight[c, h] = 0.01 * ((7 * c + 3 * h) % 11 - 5)
                model.classifier.bias[c] = 0.02 * (c - 1)
            output = model(**batch, labels=torch.tensor(labels))
        result[problem_type] = {"num_labels": num_labels, "labels": labels, "logits": output.logits.tolist(),
                                "loss": output.loss.item()}
    json.dump(result, open(out, "w", encoding="utf-8"), indent=1)
    print("wrote", out)


if __name__ == "__main__":
    main()
