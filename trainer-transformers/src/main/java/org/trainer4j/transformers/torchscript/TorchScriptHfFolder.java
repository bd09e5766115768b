package org.trainer4j.transformers.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.trainer4j.transformers.bert.HfModelFolder;

/**
 * Saves a fine-tuned {@link TorchScriptBlock} as an HF model folder that Python's {@code from_pretrained} loads: the
 * trace's parameters as {@code model.safetensors} under HF's names, beside the configuration and tokenizer files of
 * the folder the trace was exported with.
 *
 * <p>HF's names are the trace's without the prefix of the module that wrapped the HF model for tracing ({@code
 * model.}, as {@code export_torchscript.py} wraps it): {@code model.bert.embeddings.word_embeddings.weight} is saved
 * as {@code bert.embeddings.word_embeddings.weight}. A trace holds parameters only, no buffers; HF's models recreate
 * their non-persistent buffers (position ids) themselves.
 */
public final class TorchScriptHfFolder {
  /** The attribute under which {@code export_torchscript.py} wraps the HF model. */
  public static final String WRAPPER_PREFIX = "model.";

  private TorchScriptHfFolder() {}

  /**
   * Writes the block's weights into {@code folder} (created if needed) and copies {@code config.json} and the
   * tokenizer's files from {@code exportFolder}, the folder {@code export_torchscript.py} wrote (or the HF model
   * folder the trace was made from); the trace ({@code *.pt}) and any weights there are not copied.
   *
   * @throws IllegalArgumentException when {@code exportFolder} has no {@code config.json}, or a parameter name lacks
   *     the wrapper's prefix
   */
  public static void save(Path folder, TorchScriptBlock block, Path exportFolder) throws IOException {
    if (!Files.isRegularFile(exportFolder.resolve(HfModelFolder.CONFIG))) {
      throw new IllegalArgumentException("no " + HfModelFolder.CONFIG + " in " + exportFolder + ": give the folder"
          + " export_torchscript.py wrote (model.pt, config.json and the tokenizer's files), or the HF model folder"
          + " the trace was made from");
    }
    Map<String, NDArray> weights = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      weights.put(hfName(p.getKey()), p.getValue().getArray().toType(DataType.FLOAT32, false));
    }
    HfModelFolder.writeWeights(folder, weights);
    if (Files.isSameFile(folder, exportFolder)) {
      return;
    }
    for (Path file : descriptionFiles(exportFolder)) {
      Files.copy(file, folder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String hfName(String traceName) {
    if (!traceName.startsWith(WRAPPER_PREFIX)) {
      throw new IllegalArgumentException("the trace's parameter '" + traceName + "' does not start with '"
          + WRAPPER_PREFIX + "': this saver expects a trace of an HF model wrapped as export_torchscript.py does");
    }
    return traceName.substring(WRAPPER_PREFIX.length());
  }

  /** The export folder's files but the trace, weights and hidden files. */
  private static List<Path> descriptionFiles(Path exportFolder) throws IOException {
    try (Stream<Path> files = Files.list(exportFolder)) {
      return files.filter(Files::isRegularFile).filter(f -> {
        String name = f.getFileName().toString();
        return !name.startsWith(".") && !name.endsWith(".pt") && !name.endsWith(".safetensors")
            && !name.endsWith(".bin");
      }).sorted().toList();
    }
  }
}
