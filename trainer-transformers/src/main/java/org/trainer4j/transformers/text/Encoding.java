package org.trainer4j.transformers.text;

import java.util.Arrays;

/**
 * One tokenized text (or text pair), as HF's tokenizers return it: {@code input_ids}, {@code token_type_ids}
 * (0 for the first text, 1 for the second), {@code attention_mask} (1 for every token; padding adds the 0s) and
 * the word each token comes from ({@code -1} for special tokens such as {@code [CLS]}), all of one length.
 */
public record Encoding(long[] inputIds, long[] tokenTypeIds, long[] attentionMask, long[] wordIds) {
  public Encoding {
    int n = inputIds.length;
    if (tokenTypeIds.length != n || attentionMask.length != n || wordIds.length != n) {
      throw new IllegalArgumentException("input_ids, token_type_ids, attention_mask and word ids must have one length,"
          + " got " + n + ", " + tokenTypeIds.length + ", " + attentionMask.length + ", " + wordIds.length);
    }
  }

  /** Number of tokens, special tokens included. */
  public int length() {
    return inputIds.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Encoding e && Arrays.equals(inputIds, e.inputIds) && Arrays.equals(tokenTypeIds, e.tokenTypeIds)
        && Arrays.equals(attentionMask, e.attentionMask) && Arrays.equals(wordIds, e.wordIds);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(tokenTypeIds);
  }

  @Override
  public String toString() {
    return "Encoding[input_ids=" + Arrays.toString(inputIds) + ", token_type_ids=" + Arrays.toString(tokenTypeIds) + "]";
  }
}
