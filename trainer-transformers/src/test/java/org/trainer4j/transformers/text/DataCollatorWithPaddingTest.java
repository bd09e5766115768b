package org.trainer4j.transformers.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.data.Batch;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.bert.BertConfig;

class DataCollatorWithPaddingTest {
  private static TextTokenizer tokenizer;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    tokenizer = TextTokenizer.load(TinyBert.hfFolder());
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    tokenizer.close();
    manager.close();
  }

  @Test
  void everyTrainingBatchOfTheReferenceRunsPadsAsHfDataCollatorWithPadding() {
    List<TextExample> sentences = TextDatasets.readJsonLines(TinyBert.sentencesJsonl(),
        TextColumns.builder().label2id(BertConfig.load(TinyBert.hfFolder()).label2id()).build());
    List<Features> features = tokenizer.tokenize(sentences);
    for (JsonNode run : TinyBert.reference().path("training")) {
      DataCollatorWithPadding.Builder b = DataCollatorWithPadding.builder(tokenizer);
      if (!run.path("pad_to_multiple_of").isNull()) {
        b.padToMultipleOf(run.path("pad_to_multiple_of").asInt());
      }
      DataCollatorWithPadding collator = b.build();
      for (int step = 0; step < run.path("batches").size(); step++) {
        List<Features> picked = new ArrayList<>();
        run.path("batches").get(step).forEach(i -> picked.add(features.get(i.asInt())));
        try (Batch batch = collator.collate(picked, manager)) {
          JsonNode expected = run.path("input_ids").get(step);
          assertEquals(new Shape(expected.size(), expected.get(0).size()), batch.inputs().get(0).getShape(),
              run.path("name").asText() + " step " + step);
          assertArrayEquals(TinyBert.longs(flatten(expected)), batch.inputs().get("input_ids").toLongArray());
          long[] labels = batch.labels().get("labels").toLongArray();
          for (int i = 0; i < labels.length; i++) {
            assertEquals(sentences.get(run.path("batches").get(step).get(i).asInt()).label().getAsInt(), labels[i]);
          }
        }
      }
    }
  }

  @Test
  void padsToMaxLengthRoundedUpToAMultipleAsHf() {
    JsonNode ref = TinyBert.reference().path("tokenizer").path("padding");
    DataCollatorWithPadding collator = DataCollatorWithPadding.builder(tokenizer).padding(Padding.MAX_LENGTH)
        .maxLength(ref.path("max_length").asInt()).padToMultipleOf(ref.path("pad_to_multiple_of").asInt()).build();
    try (Batch batch = collator.collate(unlabelled(ref.path("texts")), manager)) {
      assertEquals(new Shape(3, 16), batch.inputs().get("input_ids").getShape());
      assertArrayEquals(TinyBert.longs(flatten(ref.path("input_ids"))), batch.inputs().get("input_ids").toLongArray());
      assertArrayEquals(TinyBert.longs(flatten(ref.path("attention_mask"))),
          batch.inputs().get("attention_mask").toLongArray());
      assertTrue(batch.labels().isEmpty(), "unlabelled examples give no labels");
      assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"),
          batch.inputs().stream().map(a -> a.getName()).toList());
      batch.inputs().forEach(a -> assertEquals(DataType.INT64, a.getDataType()));
    }
  }

  @Test
  void padsTokenLabelsWithMinus100AsHfDataCollatorForTokenClassification() {
    JsonNode ref = TinyBert.reference().path("tokenizer").path("token_classification");
    List<Features> features = new ArrayList<>();
    for (int i = 0; i < ref.path("texts").size(); i++) {
      features.add(Features.withTokenLabels(tokenizer.encode(ref.path("texts").get(i).asText()),
          TinyBert.longs(ref.path("labels").get(i))));
    }
    DataCollatorWithPadding collator = DataCollatorWithPadding.builder(tokenizer)
        .padToMultipleOf(ref.path("pad_to_multiple_of").asInt()).build();
    try (Batch batch = collator.collate(features, manager)) {
      assertArrayEquals(TinyBert.longs(flatten(ref.path("input_ids"))), batch.inputs().get("input_ids").toLongArray());
      assertEquals(new Shape(3, 12), batch.labels().get("labels").getShape());
      assertArrayEquals(TinyBert.longs(flatten(ref.path("padded_labels"))), batch.labels().get("labels").toLongArray());
    }
  }

  @Test
  void tokenTypeIdsOfPairsArePaddedWithZero() {
    Encoding pair = tokenizer.encode("Is it raining?", "Yes.");
    Encoding longer = tokenizer.encode("The soup needs more salt and pepper, and the bread is fresh and hot.");
    int length = longer.length();
    try (Batch batch = DataCollatorWithPadding.builder(tokenizer).build()
        .collate(List.of(Features.unlabelled(pair), Features.unlabelled(longer)), manager)) {
      long[] types = java.util.Arrays.copyOf(batch.inputs().get("token_type_ids").toLongArray(), length);
      long[] mask = java.util.Arrays.copyOf(batch.inputs().get("attention_mask").toLongArray(), length);
      assertArrayEquals(java.util.Arrays.copyOf(pair.tokenTypeIds(), length), types);
      assertEquals(1, types[pair.length() - 1], "the pair's second text has token type 1");
      long[] expectedMask = new long[length];
      java.util.Arrays.fill(expectedMask, 0, pair.length(), 1);
      assertArrayEquals(expectedMask, mask);
    }
  }

  @Test
  void badBatchesAndSettingsAreClearErrors() {
    List<Features> features = unlabelled(TinyBert.reference().path("tokenizer").path("padding").path("texts"));
    DataCollatorWithPadding tooShort = DataCollatorWithPadding.builder(0).padding(Padding.MAX_LENGTH).maxLength(8).build();
    IllegalArgumentException longer = assertThrows(IllegalArgumentException.class,
        () -> tooShort.collate(features, manager));
    assertEquals("example 1 of the batch has 10 tokens, more than max_length=8 of padding=max_length (padding does"
        + " not truncate); tokenize with truncation and max_length <= 8", longer.getMessage());

    DataCollatorWithPadding noPadding = DataCollatorWithPadding.builder(0).padding(Padding.DO_NOT_PAD).build();
    IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
        () -> noPadding.collate(features, manager));
    assertTrue(ragged.getMessage().startsWith("padding=do_not_pad needs examples of one length"), ragged.getMessage());

    IllegalArgumentException noMax = assertThrows(IllegalArgumentException.class,
        () -> DataCollatorWithPadding.builder(0).padding(Padding.MAX_LENGTH).build());
    assertTrue(noMax.getMessage().startsWith("padding=max_length needs max_length"), noMax.getMessage());

    List<Features> mixed = List.of(Features.withLabel(features.get(0).encoding(), 1), features.get(1));
    IllegalArgumentException kinds = assertThrows(IllegalArgumentException.class,
        () -> DataCollatorWithPadding.builder(0).build().collate(mixed, manager));
    assertEquals("examples of one batch must all have labels of one kind: example 0 has SEQUENCE labels, example 1"
        + " has NONE", kinds.getMessage());

    assertThrows(IllegalArgumentException.class, () -> DataCollatorWithPadding.builder(0).padToMultipleOf(0));
    assertThrows(IllegalArgumentException.class, () -> Features.withTokenLabels(features.get(0).encoding(), new long[2]));
  }

  private static List<Features> unlabelled(JsonNode texts) {
    List<Features> out = new ArrayList<>();
    texts.forEach(t -> out.add(Features.unlabelled(tokenizer.encode(t.asText()))));
    return out;
  }

  private static JsonNode flatten(JsonNode rows) {
    com.fasterxml.jackson.databind.node.ArrayNode flat = org.trainer4j.transformers.JsonFiles.mapper().createArrayNode();
    rows.forEach(row -> row.forEach(flat::add));
    return flat;
  }
}
