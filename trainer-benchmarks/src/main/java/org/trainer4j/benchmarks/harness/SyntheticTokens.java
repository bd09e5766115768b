package org.trainer4j.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.trainer4j.transformers.text.Encoding;
import org.trainer4j.transformers.text.Features;

/**
 * Tokenized texts made up for the MiniLM measurements, so that every side trains on the same ids without a dataset:
 * {@code [CLS]}, word pieces drawn uniformly from {@code firstWordId} to the end of the vocabulary, {@code [SEP]};
 * lengths (special tokens included) drawn uniformly from {@code minTokens} to {@code maxTokens}; one token type;
 * a class label drawn uniformly from {@code labels}. The collator pads them.
 *
 * @param firstWordId the first id drawn; in BERT's uncased vocabulary 1996 ("the"): the ids before it are special,
 *     unused and single-character entries
 */
record SyntheticTokens(int minTokens, int maxTokens, long clsId, long sepId, long firstWordId, long vocabSize,
    int labels) {
  SyntheticTokens {
    if (minTokens < 2 || maxTokens < minTokens) {
      throw new IllegalArgumentException("tokens per text must be at least 2 ([CLS] and [SEP]) and min <= max, got "
          + minTokens + ".." + maxTokens);
    }
    if (firstWordId < 0 || firstWordId >= vocabSize || labels < 1) {
      throw new IllegalArgumentException("word ids " + firstWordId + ".." + (vocabSize - 1) + " and " + labels
          + " labels: need a non-empty id range and at least one label");
    }
  }

  /** {@code count} examples; the same seed gives the same examples. */
  List<Features> examples(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Features> out = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      int length = random.nextInt(minTokens, maxTokens + 1);
      long[] ids = new long[length];
      long[] words = new long[length];
      ids[0] = clsId;
      words[0] = -1;
      for (int i = 1; i < length - 1; i++) {
        ids[i] = random.nextLong(firstWordId, vocabSize);
        words[i] = i - 1;
      }
      ids[length - 1] = sepId;
      words[length - 1] = -1;
      long[] ones = new long[length];
      java.util.Arrays.fill(ones, 1);
      out.add(Features.withLabel(new Encoding(ids, new long[length], ones, words), random.nextInt(labels)));
    }
    return List.copyOf(out);
  }

  /** The tokens of these examples that are not padding: their lengths' sum. */
  static long realTokens(List<Features> examples) {
    return examples.stream().mapToLong(f -> f.encoding().length()).sum();
  }
}
