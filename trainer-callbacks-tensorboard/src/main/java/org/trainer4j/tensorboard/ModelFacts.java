package org.trainer4j.tensorboard;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Locale;

/** A Markdown table about the model, for the {@code model} text of a run. */
final class ModelFacts {
  private ModelFacts() {}

  static String markdown(Model model) {
    StringBuilder md = new StringBuilder("| fact | value |\n|---|---|\n");
    row(md, "model", String.valueOf(model.getName()));
    Block block = model.getBlock();
    if (block == null) {
      row(md, "block", "none set");
      return md.toString();
    }
    row(md, "block", block.getClass().getSimpleName());
    long total = 0;
    long trainable = 0;
    int unknown = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      Shape shape = parameter.isInitialized() ? parameter.getArray().getShape() : parameter.getShape();
      if (shape == null) {
        unknown++;
        continue;
      }
      total += shape.size();
      if (parameter.requiresGradient()) {
        trainable += shape.size();
      }
    }
    String suffix = unknown == 0 ? "" : " (and " + unknown + " parameter arrays of unknown shape)";
    row(md, "parameters", String.format(Locale.ROOT, "%,d", total) + suffix);
    row(md, "trainable parameters", String.format(Locale.ROOT, "%,d", trainable) + suffix);
    return md.toString();
  }

  private static void row(StringBuilder md, String fact, String value) {
    md.append("| ").append(fact).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
  }
}
