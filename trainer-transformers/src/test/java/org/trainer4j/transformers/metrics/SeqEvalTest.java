package org.trainer4j.transformers.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.metrics.EvalPrediction;
import org.trainer4j.core.metrics.HostArray;

/** seqeval's documented behaviour (its README example, conlleval's lenient chunking) and HF's compute_metrics. */
class SeqEvalTest {
  @Test
  void theReadmeExampleScoresAsSeqevalDoes() {
    List<List<String>> truth = List.of(List.of("O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"),
        List.of("B-PER", "I-PER", "O"));
    List<List<String>> predicted = List.of(List.of("O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"),
        List.of("B-PER", "I-PER", "O"));
    Map<String, Double> expected = new LinkedHashMap<>();
    expected.put("overall_precision", 0.5);
    expected.put("overall_recall", 0.5);
    expected.put("overall_f1", 0.5);
    expected.put("overall_accuracy", 0.8);
    expected.put("MISC_precision", 0.0);
    expected.put("MISC_recall", 0.0);
    expected.put("MISC_f1", 0.0);
    expected.put("MISC_number", 1.0);
    expected.put("PER_precision", 1.0);
    expected.put("PER_recall", 1.0);
    expected.put("PER_f1", 1.0);
    expected.put("PER_number", 1.0);
    assertEquals(expected, SeqEval.compute(predicted, truth));
  }

  @Test
  void entitiesAreChunkedLikeConlleval() {
    // An I- after O or after another type starts an entity; a type change ends one; E-/S- of IOBES close them.
    assertEquals(Set.of(new SeqEval.Entity("PER", 0, 1), new SeqEval.Entity("LOC", 2, 2),
            new SeqEval.Entity("ORG", 4, 5), new SeqEval.Entity("LOC", 6, 6)),
        SeqEval.entities(List.of(List.of("I-PER", "I-PER", "I-LOC", "O", "B-ORG", "E-ORG", "S-LOC"))));
    assertEquals("tag 'weather' is not an IOB tag: seqeval reads O, B-TYPE, I-TYPE (and E-TYPE, S-TYPE of IOBES);"
        + " name the classes that way (e.g. id2label O, B-PER, I-PER)", assertThrows(IllegalArgumentException.class,
            () -> SeqEval.entities(List.of(List.of("O", "weather")))).getMessage());
    // Sequences are joined with an O between them: an entity does not run into the next sequence.
    assertEquals(Set.of(new SeqEval.Entity("PER", 0, 0), new SeqEval.Entity("PER", 2, 2)),
        SeqEval.entities(List.of(List.of("B-PER"), List.of("I-PER"))));
  }

  @Test
  void computeMetricsSkipsIgnoredTokensAndNamesTheTags() {
    List<String> tags = List.of("O", "B-PER", "I-PER");
    // 2 examples x 4 tokens x 3 classes; labels -100 on special tokens and continued words.
    float[] logits = {
        9, 0, 0, 0, 9, 0, 0, 0, 9, 9, 0, 0,
        9, 0, 0, 0, 9, 0, 0, 9, 0, 0, 0, 9};
    float[] labels = {-100, 1, 2, -100, -100, 1, -100, -100};
    Map<String, Double> metrics = new TokenClassificationMetrics(tags).compute(new EvalPrediction(
        new HostArray(logits, new long[] {2, 4, 3}), new HostArray(labels, new long[] {2, 4})));
    // Predicted B-PER I-PER (right) and B-PER (right): 2 of 2 entities, 3 of 3 tokens.
    assertEquals(1.0, metrics.get("overall_f1"));
    assertEquals(1.0, metrics.get("overall_accuracy"));
    assertEquals(2.0, metrics.get("PER_number"));
    assertEquals("token classification metrics need logits [examples, tokens, classes] and labels [examples,"
        + " tokens], got [2, 3] and [2]", assertThrows(IllegalArgumentException.class,
            () -> new TokenClassificationMetrics(tags).compute(new EvalPrediction(
                new HostArray(new float[6], new long[] {2, 3}), new HostArray(new float[2], new long[] {2}))))
        .getMessage());
  }
}
