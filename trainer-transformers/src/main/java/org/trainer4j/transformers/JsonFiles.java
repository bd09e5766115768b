package org.trainer4j.transformers;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the JSON files of HF folders ({@code config.json}, {@code tokenizer.json}, ...) with clear errors. */
public final class JsonFiles {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonFiles() {}

  /**
   * The JSON object in {@code file}; {@code what} names the file's role in messages ("model configuration").
   *
   * @throws IllegalArgumentException when the file is missing, is not JSON, or holds no object
   */
  public static JsonNode readObject(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no " + what + " at " + file);
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + " is not a valid " + what + " (corrupt JSON: "
          + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(file + " is not a valid " + what + ": it holds no JSON object");
    }
    return node;
  }

  /** The mapper these files are read and written with. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
