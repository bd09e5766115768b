"""HF's overflowing tokens with a stride, for the tiny BERT's tokenizer (TextTokenizerOverflowTest).

Run once with transformers installed; CI only reads the file this writes:

    python make_overflow_reference.py [--out ../resources/tiny-bert/overflow.json]

For a text longer than max_length: what tokenizer(text, truncation=True, max_length=16, stride=4,
return_overflowing_tokens=True) returns, the input ids and attention masks of every window, in order: windows of
max_length minus the special tokens, each starting max_length - specials - stride tokens after the one before, until
one reaches the end, each wrapped in [CLS] ... [SEP].

The windows are cut here from HF's untruncated tokens by that rule (tokenizers' Encoding::truncate up to 0.22.2)
rather than taken from the call itself: tokenizers 0.23.1 and 0.23.2 stop tokenizing at max_length before
truncating, so their overflow misses tokens (huggingface/tokenizers#2091, fix pending in #2098); with 0.23.2 this
text gives 2 windows, the second only 6 tokens long. The script prints both so a fixed version can be checked.
"""

import argparse
import json
import os

import tokenizers
import transformers
from transformers import AutoTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
TINY = os.path.join(HERE, "..", "resources", "tiny-bert")
TEXT = ("It will rain all afternoon, so take an umbrella. The morning was cold and foggy near the river. "
        "He likes his coffee strong and without sugar.")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(TINY, "overflow.json"))
    out = parser.parse_args().out
    max_length, stride = 16, 4
    tokenizer = AutoTokenizer.from_pretrained(os.path.join(TINY, "hf"))
    tokens = tokenizer(TEXT, add_special_tokens=False)["input_ids"]
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id  # BERT's single-text template: [CLS] text [SEP]
    width = max_length - 2
    windows, start = [], 0
    while True:
        stop = min(start + width, len(tokens))
        windows.append([cls] + tokens[start:stop] + [sep])
        if stop == len(tokens):
            break
        start += width - stride
    call = tokenizer(TEXT, truncation=True, max_length=max_length, stride=stride, return_overflowing_tokens=True)
    print("windows by the rule:", [len(w) for w in windows], "the call's (tokenizers", tokenizers.__version__ + "):",
          [len(w) for w in call["input_ids"]], "same" if call["input_ids"] == windows else "DIFFERENT")
    json.dump({"transformers": transformers.__version__, "text": TEXT, "max_length": max_length, "stride": stride,
               "input_ids": windows, "attention_mask": [[1] * len(w) for w in windows]},
              open(out, "w", encoding="utf-8"), indent=1)
    print("wrote", out)


if __name__ == "__main__":
    main()
