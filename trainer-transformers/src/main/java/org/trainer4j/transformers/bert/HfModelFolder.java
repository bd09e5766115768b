package org.trainer4j.transformers.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.checkpoint.Safetensors;
import org.trainer4j.transformers.JsonFiles;
import org.trainer4j.transformers.text.TextTokenizer;

/**
 * Writes a {@link BertBlock} as an HF model folder that Python's {@code AutoModelForSequenceClassification
 * .from_pretrained(folder)} (or {@code AutoModel} for a {@link BertModel}) and {@code AutoTokenizer} load: {@code
 * model.safetensors} (HF parameter names, float32, metadata {@code format: pt}), {@code config.json} (the
 * configuration, {@code architectures}, {@code id2label}/{@code label2id}) and the tokenizer's files.
 */
public final class HfModelFolder {
  /** The weights file of an HF folder. */
  public static final String WEIGHTS = "model.safetensors";
  /** The configuration file of an HF folder. */
  public static final String CONFIG = "config.json";

  private HfModelFolder() {}

  /**
   * Saves the model (and the tokenizer, when given) into {@code folder}, creating it if needed.
   *
   * @throws IllegalArgumentException for a {@link BertForSequenceClassification} with {@link Pooling#MEAN}, which no
   *     HF class computes, or a block that is not initialized
   */
  public static void save(Path folder, BertBlock block, Optional<TextTokenizer> tokenizer) throws IOException {
    if (block instanceof BertForSequenceClassification && block.pooling() == Pooling.MEAN) {
      throw new IllegalArgumentException("a BertForSequenceClassification with Pooling.MEAN cannot be saved as an HF"
          + " folder: HF's BertForSequenceClassification pools with its pooler (Pooling.CLS_POOLER)");
    }
    if (!block.isInitialized()) {
      throw new IllegalArgumentException("the block is not initialized; load or train it before saving");
    }
    Map<String, NDArray> weights = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      weights.put(p.getKey(), p.getValue().getArray().toType(DataType.FLOAT32, false));
    }
    writeWeights(folder, weights);
    saveDescription(folder, block, tokenizer);
  }

  /**
   * Writes {@code model.safetensors} into {@code folder} (created if needed) with metadata {@code format: pt}, under
   * the names given: beside it first, then moved into place, so replacing a checkpoint's weights never leaves them
   * half written.
   */
  public static void writeWeights(Path folder, Map<String, NDArray> weights) throws IOException {
    Files.createDirectories(folder);
    Path partial = folder.resolve(".partial-" + WEIGHTS);
    Safetensors.write(partial, weights, Map.of("format", "pt"));
    Files.move(partial, folder.resolve(WEIGHTS), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Writes {@code config.json} and the tokenizer's files beside weights already in {@code folder}, such as
   * a Trainer checkpoint's {@code model.safetensors} (HF names, metadata {@code format: pt}).
   */
  public static void saveDescription(Path folder, BertBlock block, Optional<TextTokenizer> tokenizer)
      throws IOException {
    writeJson(folder.resolve(CONFIG), block.config().toJson(block.architecture()));
    if (tokenizer.isPresent()) {
      tokenizer.get().saveTo(folder);
      Path tokenizerConfig = folder.resolve("tokenizer_config.json");
      if (!Files.exists(tokenizerConfig)) {
        // A bare tokenizer.json: tell HF which tokenizer class reads it and how long its inputs may be.
        ObjectNode json = JsonFiles.mapper().createObjectNode();
        json.put("tokenizer_class", "BertTokenizer");
        json.put("model_max_length", block.config().maxPositionEmbeddings());
        writeJson(tokenizerConfig, json);
      }
    }
  }

  private static void writeJson(Path file, ObjectNode json) throws IOException {
    Files.writeString(file, JsonFiles.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
  }
}
