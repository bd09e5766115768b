package org.trainer4j.tensorboard;

import ai.djl.Model;
import ai.djl.nn.Block;
import java.util.Locale;
import org.trainer4j.core.engine.ParameterCount;

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
    ParameterCount count = ParameterCount.of(block);
    long total = count.total();
    long trainable = count.trainable();
    int unknown = count.unknownShapes();
    String suffix = unknown == 0 ? "" : " (and " + unknown + " parameter arrays of unknown shape)";
    row(md, "parameters", String.format(Locale.ROOT, "%,d", total) + suffix);
    row(md, "trainable parameters", String.format(Locale.ROOT, "%,d", trainable) + suffix);
    return md.toString();
  }

  private static void row(StringBuilder md, String fact, String value) {
    md.append("| ").append(fact).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
  }
}
