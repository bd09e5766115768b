"""Makes the fortunes topic data set of FortunesExample from Debian's fortune files.

    apt-get download fortunes fortunes-min && for f in fortunes*.deb; do dpkg-deb -x "$f" x; done
    python3 make_fortunes_dataset.py x/usr/share/games/fortunes \
        ../resources/org/trainer4j/examples/fortunes

Each fortune (the text between lines holding only '%') of six topic files becomes one example labelled with its
topic. Whitespace is collapsed to single spaces; fortunes shorter than 30 or longer than 400 characters (tables,
long stories) and those holding a word of a small list of offensive words are left out; at most 200 fortunes per
topic are kept, chosen with a fixed seed, and split 60/20/20 per topic into train, validation and test JSON lines.
Only the packages `fortunes` and `fortunes-min` are read (the offensive collection is a separate package).
"""

import json
import os
import random
import re
import sys

TOPICS = ["computers", "food", "law", "love", "science", "sports"]
PER_TOPIC = 200
OFFENSIVE = re.compile(r"\b(fuck\w*|shit\w*|cunt|nigger\w*|fag\w*|rape\w*|whore\w*|bitch\w*|slut\w*|"
                       r"retard\w*|kike|spic|chink)\b", re.IGNORECASE)


def fortunes(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for block in f.read().split("\n%\n"):
            text = " ".join(block.replace("%", " ").split())
            if 30 <= len(text) <= 400 and not OFFENSIVE.search(text):
                yield text


def main():
    source, target = sys.argv[1], sys.argv[2]
    os.makedirs(target, exist_ok=True)
    rng = random.Random(2026)
    splits = {"train": [], "validation": [], "test": []}
    for topic in TOPICS:
        texts = sorted(set(fortunes(os.path.join(source, topic))))
        rng.shuffle(texts)
        texts = texts[:PER_TOPIC]
        a, b = int(len(texts) * 0.6), int(len(texts) * 0.8)
        for name, part in (("train", texts[:a]), ("validation", texts[a:b]), ("test", texts[b:])):
            splits[name] += [{"text": t, "label": topic} for t in part]
    for name, rows in splits.items():
        rng.shuffle(rows)
        with open(os.path.join(target, name + ".jsonl"), "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(name, len(rows))


if __name__ == "__main__":
    main()
