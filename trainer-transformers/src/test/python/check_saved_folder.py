"""Loads a model folder saved by Trainer4J in Python's HF and compares its logits with Java's.

HfModelFolderTest fine-tunes the tiny BERT for a few steps, saves it with HfModelFolder.save into
trainer-transformers/target/hf-saved-by-java and writes Java's input ids and logits for a few texts into
target/java_logits.json. This script loads the folder with AutoModelForSequenceClassification and AutoTokenizer,
tokenizes the same texts, and reports the differences:

    ./mvnw -B -ntp -q -pl trainer-transformers -am verify -Dtest=HfModelFolderTest -Dsurefire.failIfNoSpecifiedTests=false
    python trainer-transformers/src/test/python/check_saved_folder.py trainer-transformers/target/hf-saved-by-java

HfModelFolderCallbackTest does the same for a folder the Trainer saved (its best model, in output_dir), kept in
target/hf-trainer/run; with --write-expected FILE the script also stores what Python computed (logits, missing and
unexpected weights, versions) as test data that the Java test compares against, so CI needs no Python:

    python trainer-transformers/src/test/python/check_saved_folder.py trainer-transformers/target/hf-trainer/run \
        --write-expected trainer-transformers/src/test/resources/tiny-bert/python-from-pretrained.json

Exits with status 1 when the input ids differ or a logit differs by more than 1e-5.
"""

import argparse

import json
import os
import sys
import warnings

import torch
import transformers
from transformers import AutoModelForSequenceClassification, AutoTokenizer

TOLERANCE = 1e-5


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "target", "hf-saved-by-java"))
    parser.add_argument("--write-expected", help="store Python's logits and loading report in this JSON file")
    options = parser.parse_args()
    folder = options.folder
    java = json.load(open(os.path.join(folder, "..", "java_logits.json"), encoding="utf-8"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model, info = AutoModelForSequenceClassification.from_pretrained(folder, output_loading_info=True)
        model.eval()
        tokenizer = AutoTokenizer.from_pretrained(folder)
    encodings = [tokenizer(*texts) for texts in java["texts"]]
    batch = tokenizer.pad(encodings, padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch).logits
    same_ids = batch["input_ids"].tolist() == java["input_ids"]
    difference = (logits - torch.tensor(java["logits"])).abs().max().item()
    print(f"transformers {transformers.__version__}, torch {torch.__version__}")
    print(f"loaded {type(model).__name__} ({sum(p.numel() for p in model.parameters())} parameters), "
          f"{type(tokenizer).__name__}; id2label {model.config.id2label}")
    print(f"input_ids equal to Java's: {same_ids}")
    print(f"largest |logit difference| from Java: {difference:.3g}")
    print(f"missing weights: {sorted(info['missing_keys'])}, unexpected: {sorted(info['unexpected_keys'])}")
    for w in caught:
        print("warning while loading:", w.message)
    if options.write_expected:
        expected = {"transformers": transformers.__version__, "torch": torch.__version__,
                    "texts": java["texts"], "input_ids": batch["input_ids"].tolist(), "logits": logits.tolist(),
                    "missing_keys": sorted(info["missing_keys"]), "unexpected_keys": sorted(info["unexpected_keys"])}
        with open(options.write_expected, "w", encoding="utf-8") as out:
            json.dump(expected, out, indent=1)
            out.write("\n")
    sys.exit(0 if same_ids and difference <= TOLERANCE else 1)


if __name__ == "__main__":
    main()
