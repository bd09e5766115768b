package org.trainer4j.transformers.torchscript;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.pytorch.engine.PtSymbolBlock;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.transformers.JsonFiles;

/**
 * Loads a TorchScript trace (as {@code src/test/python/export_torchscript.py} writes it, see docs/TRANSFORMERS.md)
 * for training with the Trainer: DJL's PyTorch engine loads it with {@code trainParam=true}, so that every
 * parameter takes gradients, and the model's block is a {@link TorchScriptBlock}.
 *
 * <p>The trace's argument order comes from {@code inputNames(...)}, else from the extra file {@code trainer4j.json}
 * that the export script stores in the trace ({@code {"inputs": [...], "outputs": [...]}}).
 */
public final class TorchScriptModel {
  /** The extra file of a trace that names its inputs and outputs. */
  public static final String EXTRA_FILE = "trainer4j.json";
  private static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

  private TorchScriptModel() {}

  /** Loads {@code model.pt} of a folder, or a {@code .pt} file, naming inputs and outputs from its extra file. */
  public static Model load(Path folderOrFile) {
    return builder(folderOrFile).load();
  }

  public static Builder builder(Path folderOrFile) {
    return new Builder(folderOrFile);
  }

  /** Options of {@link TorchScriptModel#load}. */
  public static final class Builder {
    private final Path path;
    private Optional<List<String>> inputNames = Optional.empty();
    private Optional<List<String>> outputNames = Optional.empty();

    private Builder(Path path) {
      this.path = path;
    }

    /** The trace's arguments in order (overrides the extra file), e.g. {@code input_ids, attention_mask}. */
    public Builder inputNames(String... names) {
      inputNames = Optional.of(List.of(names));
      return this;
    }

    /** Names for the trace's outputs in order (overrides the extra file); the first is the predictions. */
    public Builder outputNames(String... names) {
      outputNames = Optional.of(List.of(names));
      return this;
    }

    /**
     * Loads the trace into a new DJL model of the PyTorch engine; close the model when done.
     *
     * @throws IllegalArgumentException when the file is missing or not a TorchScript archive, its inputs are named
     *     neither here nor in its extra file, or {@code ai.djl.pytorch.graph_optimizer=true} is set
     */
    public Model load() {
      if ("true".equals(System.getProperty(GRAPH_OPTIMIZER))) {
        throw new IllegalArgumentException(GRAPH_OPTIMIZER + "=true is set; TorchScript models cannot be trained with"
            + " it (the first evaluation after a training step fails with \"Inference tensors cannot be saved for"
            + " backward\"): remove the property, TorchScriptBlock switches the optimizer off itself");
      }
      Path file = Files.isDirectory(path) ? path.resolve("model.pt") : path;
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no TorchScript model at " + file);
      }
      Model model = Model.newInstance(file.getFileName().toString(), Device.cpu(), "PyTorch");
      try {
        model.load(file, null, Map.of("trainParam", "true", "extraFiles", EXTRA_FILE));
        JsonNode names = names(model.getProperty(EXTRA_FILE), file);
        List<String> inputs = inputNames.orElseGet(() -> strings(names.path("inputs")));
        if (inputs.isEmpty()) {
          throw new IllegalArgumentException(file + " does not name its inputs (no " + EXTRA_FILE + " extra file, as"
              + " export_torchscript.py writes); give them with TorchScriptModel.builder(file).inputNames(...)");
        }
        List<String> outputs = outputNames.orElseGet(() -> strings(names.path("outputs")));
        model.setBlock(new TorchScriptBlock((PtSymbolBlock) model.getBlock(), inputs, outputs));
        return model;
      } catch (IOException e) {
        model.close();
        throw new UncheckedIOException("cannot read " + file, e);
      } catch (MalformedModelException | RuntimeException e) {
        model.close();
        if (e instanceof IllegalArgumentException iae) {
          throw iae;
        }
        throw new IllegalArgumentException(file + " is not a TorchScript model DJL's PyTorch engine can load: "
            + e.getMessage(), e);
      }
    }

    private static JsonNode names(String json, Path file) {
      if (json == null || json.isEmpty()) {
        return JsonFiles.mapper().createObjectNode();
      }
      try {
        return JsonFiles.mapper().readTree(json);
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ": its extra file " + EXTRA_FILE + " is not JSON", e);
      }
    }

    private static List<String> strings(JsonNode array) {
      List<String> out = new ArrayList<>();
      array.forEach(n -> out.add(n.asText()));
      return out;
    }
  }
}
