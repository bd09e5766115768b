package org.trainer4j.transformers.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Entity-level precision, recall and F1 of tag sequences, as the {@code seqeval} metric that HF's token-classification
 * examples report: entities are read from IOB tags (B-, I-, and E-, S- of IOBES) with the lenient chunking of
 * CoNLL's {@code conlleval} script (an I- tag after O or after another type starts an entity), and an entity counts
 * as found only when its type and both ends match. Accuracy is per token.
 */
public final class SeqEval {
  private static final Pattern VALID = Pattern.compile("O|[BIES](-.*)?");

  private SeqEval() {}

  /** An entity: its type and the positions of its first and last token in the joined sequences. */
  record Entity(String type, int start, int end) {}

  /**
   * HF's flattened seqeval results: {@code overall_precision}, {@code overall_recall}, {@code overall_f1}, {@code
   * overall_accuracy}, and for each entity type {@code <TYPE>_precision}, {@code _recall}, {@code _f1} and
   * {@code _number} (its entities in the references). A ratio without a denominator is 0, as seqeval's.
   *
   * @throws IllegalArgumentException when the sequences differ in number or length
   */
  public static Map<String, Double> compute(List<List<String>> predictions, List<List<String>> references) {
    if (predictions.size() != references.size()) {
      throw new IllegalArgumentException(predictions.size() + " predicted sequences for " + references.size()
          + " references");
    }
    int tokens = 0;
    int correctTokens = 0;
    for (int i = 0; i < predictions.size(); i++) {
      List<String> p = predictions.get(i);
      List<String> r = references.get(i);
      if (p.size() != r.size()) {
        throw new IllegalArgumentException("sequence " + i + " has " + p.size() + " predicted tags for " + r.size()
            + " reference tags");
      }
      for (int t = 0; t < p.size(); t++) {
        correctTokens += p.get(t).equals(r.get(t)) ? 1 : 0;
      }
      tokens += p.size();
    }
    Set<Entity> predicted = entities(predictions);
    Set<Entity> expected = entities(references);
    Map<String, Double> out = new LinkedHashMap<>();
    Set<String> types = new TreeSet<>();
    expected.forEach(e -> types.add(e.type()));
    predicted.forEach(e -> types.add(e.type()));
    for (String type : types) {
      Set<Entity> p = ofType(predicted, type);
      Set<Entity> e = ofType(expected, type);
      putScores(out, type + "_", p, e);
      out.put(type + "_number", (double) e.size());
    }
    Map<String, Double> overall = new LinkedHashMap<>();
    putScores(overall, "overall_", predicted, expected);
    overall.put("overall_accuracy", tokens == 0 ? 0 : (double) correctTokens / tokens);
    overall.putAll(out);
    return overall;
  }

  private static void putScores(Map<String, Double> out, String prefix, Set<Entity> predicted, Set<Entity> expected) {
    Set<Entity> correct = new HashSet<>(predicted);
    correct.retainAll(expected);
    double precision = predicted.isEmpty() ? 0 : (double) correct.size() / predicted.size();
    double recall = expected.isEmpty() ? 0 : (double) correct.size() / expected.size();
    out.put(prefix + "precision", precision);
    out.put(prefix + "recall", recall);
    out.put(prefix + "f1", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
  }

  private static Set<Entity> ofType(Set<Entity> entities, String type) {
    Set<Entity> out = new HashSet<>();
    entities.stream().filter(e -> e.type().equals(type)).forEach(out::add);
    return out;
  }

  /** The entities of the sequences joined with an O between them (as seqeval joins them). */
  static Set<Entity> entities(List<List<String>> sequences) {
    List<String> joined = new ArrayList<>();
    for (List<String> s : sequences) {
      joined.addAll(s);
      joined.add("O");
    }
    joined.add("O");
    Set<Entity> out = new HashSet<>();
    String previousTag = "O";
    String previousType = "";
    int begin = 0;
    for (int i = 0; i < joined.size(); i++) {
      String chunk = joined.get(i);
      if (!VALID.matcher(chunk).matches()) {
        throw new IllegalArgumentException("tag '" + chunk + "' is not an IOB tag: seqeval reads O, B-TYPE, I-TYPE"
            + " (and E-TYPE, S-TYPE of IOBES); name the classes that way (e.g. id2label O, B-PER, I-PER)");
      }
      String tag = chunk.substring(0, 1);
      String type = type(chunk);
      if (endsChunk(previousTag, tag, previousType, type)) {
        out.add(new Entity(previousType, begin, i - 1));
      }
      if (startsChunk(previousTag, tag, previousType, type)) {
        begin = i;
      }
      previousTag = tag;
      previousType = type;
    }
    return out;
  }

  /** {@code PER} of {@code B-PER}; {@code _} for a tag without a type, as seqeval names it. */
  private static String type(String chunk) {
    String rest = chunk.length() > 1 ? chunk.substring(1) : "";
    int dash = rest.indexOf('-');
    String type = dash < 0 ? rest : rest.substring(dash + 1);
    return type.isEmpty() ? "_" : type;
  }

  private static boolean endsChunk(String previousTag, String tag, String previousType, String type) {
    return previousTag.equals("E") || previousTag.equals("S")
        || (previousTag.equals("B") || previousTag.equals("I")) && (tag.equals("B") || tag.equals("S")
            || tag.equals("O"))
        || !previousTag.equals("O") && !previousTag.equals(".") && !previousType.equals(type);
  }

  private static boolean startsChunk(String previousTag, String tag, String previousType, String type) {
    return tag.equals("B") || tag.equals("S")
        || (previousTag.equals("E") || previousTag.equals("S") || previousTag.equals("O"))
            && (tag.equals("E") || tag.equals("I"))
        || !tag.equals("O") && !tag.equals(".") && !previousType.equals(type);
  }
}
