package org.trainer4j.transformers.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.transformers.JsonFiles;
import org.trainer4j.transformers.TinyBert;

class TextTokenizerTest {
  @TempDir Path tmp;

  @Test
  void encodesAsHfFastTokenizerUnderEachTruncationRule() {
    for (JsonNode c : TinyBert.reference().path("tokenizer").path("encodings")) {
      TextTokenizer.Builder b = TextTokenizer.builder(TinyBert.hfFolder())
          .truncation(Truncation.valueOf(c.path("truncation").asText().toUpperCase(java.util.Locale.ROOT)));
      if (!c.path("max_length").isNull()) {
        b.maxLength(c.path("max_length").asInt());
      }
      try (TextTokenizer tokenizer = b.build()) {
        Encoding e = c.has("text_pair") ? tokenizer.encode(c.path("text").asText(), c.path("text_pair").asText())
            : tokenizer.encode(c.path("text").asText());
        String what = c.path("truncation").asText() + " max_length=" + c.path("max_length");
        assertArrayEquals(TinyBert.longs(c.path("input_ids")), e.inputIds(), what);
        assertArrayEquals(TinyBert.longs(c.path("token_type_ids")), e.tokenTypeIds(), what);
        assertTrue(java.util.Arrays.stream(e.attentionMask()).allMatch(v -> v == 1), what);
      }
    }
  }

  @Test
  void truncationWithoutMaxLengthUsesModelMaxLengthOfTheTokenizerConfig() {
    try (TextTokenizer tokenizer = TextTokenizer.builder(TinyBert.hfFolder()).truncation(Truncation.LONGEST_FIRST).build()) {
      assertEquals(64, tokenizer.maxLength().getAsInt());
      assertEquals(64, tokenizer.encode("rain ".repeat(100)).length());
    }
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder())) {
      assertEquals(102, tokenizer.encode("rain ".repeat(100)).length(), "no truncation unless asked for, as HF");
    }
    try (TextTokenizer tokenizer = TextTokenizer.builder(TinyBert.hfFolder()).maxLength(10).build()) {
      assertEquals(Truncation.LONGEST_FIRST, tokenizer.truncation(), "max_length alone means longest_first, as HF");
      assertEquals(10, tokenizer.encode("rain ".repeat(100)).length());
    }
  }

  @Test
  void ignoresThePaddingAndTruncationStoredInTokenizerJson() throws IOException {
    Path folder = copyOfTinyTokenizer();
    ObjectNode json = (ObjectNode) JsonFiles.readObject(folder.resolve("tokenizer.json"), "tokenizer");
    json.set("truncation", JsonFiles.mapper().readTree(
        "{\"direction\":\"Right\",\"max_length\":4,\"strategy\":\"LongestFirst\",\"stride\":0}"));
    json.set("padding", JsonFiles.mapper().readTree("{\"strategy\":{\"Fixed\":128},\"direction\":\"Right\","
        + "\"pad_to_multiple_of\":null,\"pad_id\":0,\"pad_type_id\":0,\"pad_token\":\"[PAD]\"}"));
    Files.writeString(folder.resolve("tokenizer.json"), json.toString());
    try (TextTokenizer original = TextTokenizer.load(TinyBert.hfFolder());
        TextTokenizer changed = TextTokenizer.load(folder)) {
      Encoding e = changed.encode("The sun came out after a week of grey skies.");
      assertEquals(original.encode("The sun came out after a week of grey skies."), e);
      assertEquals(13, e.length());
    }
  }

  @Test
  void findsThePadTokenAndTokenIds() {
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder())) {
      assertEquals(OptionalLong.of(0), tokenizer.padTokenId());
      assertEquals(OptionalLong.of(2), tokenizer.tokenId("[CLS]"));
      assertEquals(OptionalLong.empty(), tokenizer.tokenId("no-such-token"));
      assertEquals(64, tokenizer.modelMaxLength().getAsInt());
    }
  }

  @Test
  void loadsABareTokenizerJsonOfAnyName() throws IOException {
    Path file = tmp.resolve("my-tokenizer.json");
    Files.copy(TinyBert.hfFolder().resolve("tokenizer.json"), file);
    try (TextTokenizer tokenizer = TextTokenizer.load(file)) {
      assertTrue(tokenizer.modelMaxLength().isEmpty(), "no tokenizer_config.json beside it");
      assertEquals(OptionalLong.of(0), tokenizer.padTokenId(), "[PAD] from the vocabulary");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TextTokenizer.builder(file).truncation(Truncation.LONGEST_FIRST).build());
      assertTrue(e.getMessage().contains("truncation=longest_first needs a max_length"), e.getMessage());
    }
  }

  @Test
  void tokenizesLabelledExamples() {
    try (TextTokenizer tokenizer = TextTokenizer.load(TinyBert.hfFolder())) {
      List<Features> features = tokenizer.tokenize(List.of(TextExample.of("It is hot.", 2),
          TextExample.pair("Is it raining?", "Take an umbrella.", 0), TextExample.of("Snow.")));
      assertEquals(Features.LabelKind.SEQUENCE, features.get(0).labelKind());
      assertArrayEquals(new long[] {2}, features.get(0).labels());
      assertEquals(1, features.get(1).encoding().tokenTypeIds()[features.get(1).encoding().length() - 1]);
      assertEquals(Features.LabelKind.NONE, features.get(2).labelKind());
    }
  }

  @Test
  void missingOrCorruptTokenizerFilesAreClearErrors() throws IOException {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(tmp));
    assertTrue(missing.getMessage().contains("no tokenizer at " + tmp.resolve("tokenizer.json")), missing.getMessage());

    Path corrupt = Files.writeString(tmp.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"model\": {");
    IllegalArgumentException badJson = assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(corrupt));
    assertTrue(badJson.getMessage().contains("is not a valid tokenizer (corrupt JSON"), badJson.getMessage());

    Path notATokenizer = Files.writeString(tmp.resolve("other.json"), "{\"model\": {\"type\": \"Nothing\"}}");
    IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
        () -> TextTokenizer.load(notATokenizer));
    assertTrue(invalid.getMessage().startsWith("cannot load tokenizer " + notATokenizer), invalid.getMessage());

    Path folder = copyOfTinyTokenizer();
    Files.writeString(folder.resolve("tokenizer_config.json"), "not json");
    IllegalArgumentException badConfig = assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(folder));
    assertTrue(badConfig.getMessage().contains("tokenizer_config.json is not a valid tokenizer configuration"),
        badConfig.getMessage());
  }

  @Test
  void onlySecondOnASingleTextIsAClearError() {
    try (TextTokenizer tokenizer = TextTokenizer.builder(TinyBert.hfFolder()).truncation(Truncation.ONLY_SECOND)
        .maxLength(4).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> tokenizer.encode("Heavy rain flooded the streets of the old town."));
      assertTrue(e.getMessage().startsWith("cannot encode \"Heavy rain flooded the streets of the old town.\""
          + " (truncation=only_second, max_length=4)"), e.getMessage());
    }
  }

  private Path copyOfTinyTokenizer() throws IOException {
    Path folder = Files.createDirectories(tmp.resolve("tokenizer"));
    for (String name : List.of("tokenizer.json", "tokenizer_config.json")) {
      Files.copy(TinyBert.hfFolder().resolve(name), folder.resolve(name));
    }
    return folder;
  }
}
