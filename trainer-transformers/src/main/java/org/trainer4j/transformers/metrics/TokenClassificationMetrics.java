package org.trainer4j.transformers.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.trainer4j.core.metrics.ComputeMetrics;
import org.trainer4j.core.metrics.EvalPrediction;
import org.trainer4j.core.metrics.HostArray;

/**
 * The {@code compute_metrics} of HF's token-classification examples: each token's predicted class is the argmax of
 * its logits, tokens labelled -100 (special tokens, continued words, padding) are left out, class ids become tag
 * names, and {@link SeqEval} scores the tag sequences ({@code eval_overall_f1}, ...).
 */
public final class TokenClassificationMetrics implements ComputeMetrics {
  private final List<String> tags;

  /** Scores with these tag names by class id (HF's {@code label_list}, e.g. {@code BertConfig.labels()}). */
  public TokenClassificationMetrics(List<String> tags) {
    this.tags = List.copyOf(tags);
  }

  @Override
  public Map<String, Double> compute(EvalPrediction prediction) {
    HostArray logits = prediction.predictions();
    HostArray labels = prediction.labelIds();
    if (logits.shape().length != 3 || labels.shape().length != 2 || logits.shape()[0] != labels.shape()[0]
        || logits.shape()[1] != labels.shape()[1]) {
      throw new IllegalArgumentException("token classification metrics need logits [examples, tokens, classes] and"
          + " labels [examples, tokens], got " + java.util.Arrays.toString(logits.shape()) + " and "
          + java.util.Arrays.toString(labels.shape()));
    }
    int examples = (int) labels.shape()[0];
    int length = (int) labels.shape()[1];
    // One row per token: the class of each token is its row's argmax.
    int[] classes = new HostArray(logits.data(), new long[] {(long) examples * length, logits.shape()[2]})
        .argmaxRows();
    int[] ids = labels.asInts();
    List<List<String>> predicted = new ArrayList<>();
    List<List<String>> expected = new ArrayList<>();
    for (int e = 0; e < examples; e++) {
      List<String> p = new ArrayList<>();
      List<String> r = new ArrayList<>();
      for (int t = e * length; t < (e + 1) * length; t++) {
        if (ids[t] == HostArray.PADDING_INDEX) {
          continue;
        }
        p.add(tag(classes[t]));
        r.add(tag(ids[t]));
      }
      predicted.add(p);
      expected.add(r);
    }
    return SeqEval.compute(predicted, expected);
  }

  private String tag(int id) {
    if (id < 0 || id >= tags.size()) {
      throw new IllegalArgumentException("class id " + id + " has no tag name; the tags are " + tags);
    }
    return tags.get(id);
  }
}
