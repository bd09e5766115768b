package org.trainer4j.transformers.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.StreamingDataset;
import org.trainer4j.transformers.TinyBert;

class TextDatasetsTest {
  private static final Map<String, Integer> LABEL2ID = Map.of("weather", 0, "food", 1, "sport", 2);

  @TempDir Path tmp;

  @Test
  void jsonLinesAndCsvOfTheSameSentencesGiveTheSameExamples() {
    TextColumns columns = TextColumns.builder().label2id(LABEL2ID).build();
    List<TextExample> fromJson = TextDatasets.readJsonLines(TinyBert.sentencesJsonl(), columns);
    List<TextExample> fromCsv = TextDatasets.readCsv(TinyBert.sentencesCsv(), columns);
    assertEquals(60, fromJson.size());
    assertEquals(fromJson, fromCsv);
    assertEquals(TextExample.of("It will rain all afternoon, so take an umbrella.", 0), fromJson.get(0));
    assertEquals(OptionalInt.of(2), fromJson.get(59).label());
  }

  @Test
  void streamedExamplesAreTheListReadersOnesEveryEpoch() {
    TextColumns columns = TextColumns.builder().label2id(LABEL2ID).build();
    List<TextExample> expected = TextDatasets.readJsonLines(TinyBert.sentencesJsonl(), columns);
    DataCollator<TextExample> unused = (examples, manager) -> {
      throw new AssertionError("not collated here");
    };
    StreamingDataset<TextExample> json = TextDatasets.streamJsonLines(TinyBert.sentencesJsonl(), columns, unused);
    StreamingDataset<TextExample> csv = TextDatasets.streamCsv(TinyBert.sentencesCsv(), columns, unused);
    for (int epoch = 0; epoch < 2; epoch++) {
      try (Stream<TextExample> fromJson = json.open(); Stream<TextExample> fromCsv = csv.open()) {
        assertEquals(expected, fromJson.toList());
        assertEquals(expected, fromCsv.toList());
      }
    }
  }

  @Test
  void aStreamReadsOnlyWhatIsConsumedAndNamesTheBadLineWhenItGetsThere() throws IOException {
    TextColumns columns = TextColumns.builder().label2id(LABEL2ID).build();
    DataCollator<TextExample> unused = (examples, manager) -> {
      throw new AssertionError("not collated here");
    };
    Path jsonl = Files.writeString(tmp.resolve("late.jsonl"), "{\"text\": \"Sunny.\", \"label\": \"weather\"}\n\n"
        + "{\"text\": \"Soup.\", \"label\": \"food\"}\n{\"text\": \n");
    StreamingDataset<TextExample> json = TextDatasets.streamJsonLines(jsonl, columns, unused);
    try (Stream<TextExample> examples = json.open()) {
      assertEquals(List.of(TextExample.of("Sunny.", 0), TextExample.of("Soup.", 1)), examples.limit(2).toList());
    }
    try (Stream<TextExample> examples = json.open()) {
      assertTrue(assertThrows(IllegalArgumentException.class, examples::toList).getMessage()
          .startsWith("line 4 of " + jsonl + " is not JSON"));
    }

    Path csvFile = Files.writeString(tmp.resolve("late.csv"), "text,label\nSunny.,weather\nChess.,games\n");
    try (Stream<TextExample> examples = TextDatasets.streamCsv(csvFile, columns, unused).open()) {
      Iterator<TextExample> it = examples.iterator();
      assertEquals(TextExample.of("Sunny.", 0), it.next());
      assertEquals("record 2 (after the header) of " + csvFile + ": label 'games' in column 'label' is not in"
          + " label2id; known labels: [food, sport, weather]",
          assertThrows(IllegalArgumentException.class, it::next).getMessage());
    }

    Path missing = tmp.resolve("missing.jsonl");
    assertEquals("no text dataset at " + missing + ": give the path of a file", assertThrows(
        IllegalArgumentException.class, () -> TextDatasets.streamJsonLines(missing, columns, unused)).getMessage());
  }

  @Test
  void readsQuotedCsvFieldsPairsAndClassIds() throws IOException {
    Path csv = Files.writeString(tmp.resolve("pairs.csv"), "premise,hypothesis,label,extra\n"
        + "\"He said \"\"hi\"\", then left.\",He left.,0,x\n"
        + "\"Two\nlines\",\"a, b\",1,y\n");
    List<TextExample> examples = TextDatasets.readCsv(csv, TextColumns.builder().text("premise")
        .textPair("hypothesis").build());
    assertEquals(List.of(new TextExample("He said \"hi\", then left.", Optional.of("He left."), OptionalInt.of(0)),
        new TextExample("Two\nlines", Optional.of("a, b"), OptionalInt.of(1))), examples);
  }

  @Test
  void readsUnlabelledJsonLinesAndSkipsBlankLines() throws IOException {
    Path jsonl = Files.writeString(tmp.resolve("test.jsonl"), "{\"sentence\": \"One.\"}\n\n{\"sentence\": \"Two.\"}\n");
    assertEquals(List.of(TextExample.of("One."), TextExample.of("Two.")),
        TextDatasets.readJsonLines(jsonl, TextColumns.builder().text("sentence").noLabel().build()));
  }

  @Test
  void aLabelMissingFromLabel2IdNamesTheRowTheLabelAndTheKnownLabels() throws IOException {
    Path jsonl = Files.writeString(tmp.resolve("bad.jsonl"),
        "{\"text\": \"Sunny.\", \"label\": \"weather\"}\n{\"text\": \"Chess.\", \"label\": \"games\"}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TextDatasets.readJsonLines(jsonl, TextColumns.builder().label2id(LABEL2ID).build()));
    assertEquals("line 2 of " + jsonl + ": label 'games' in column 'label' is not in label2id; known labels: [food,"
        + " sport, weather]", e.getMessage());

    Path csv = Files.writeString(tmp.resolve("bad.csv"), "text,label\nSunny.,weather\nChess.,games\n");
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
        () -> TextDatasets.readCsv(csv, TextColumns.builder().label2id(LABEL2ID).build()));
    assertTrue(c.getMessage().startsWith("record 2 (after the header) of " + csv + ": label 'games'"), c.getMessage());
  }

  @Test
  void badRowsAreClearErrors() throws IOException {
    TextColumns defaults = TextColumns.builder().build();
    Path names = Files.writeString(tmp.resolve("names.jsonl"), "{\"text\": \"Sunny.\", \"label\": \"weather\"}\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TextDatasets.readJsonLines(names, defaults))
        .getMessage().endsWith("label 'weather' in column 'label' is not a class id (0, 1, ...); give label2id to map"
            + " label names to class ids"));

    Path noText = Files.writeString(tmp.resolve("notext.jsonl"), "{\"sentence\": \"Sunny.\", \"label\": 0}\n");
    assertEquals("line 1 of " + noText + " has no column 'text'", assertThrows(IllegalArgumentException.class,
        () -> TextDatasets.readJsonLines(noText, defaults)).getMessage());

    Path notJson = Files.writeString(tmp.resolve("broken.jsonl"), "{\"text\": \"ok\", \"label\": 0}\n{\"text\": \n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TextDatasets.readJsonLines(notJson, defaults))
        .getMessage().startsWith("line 2 of " + notJson + " is not JSON"));

    Path shortRow = Files.writeString(tmp.resolve("short.csv"), "text,label\nSunny.,0\nRain.\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TextDatasets.readCsv(shortRow, defaults))
        .getMessage().startsWith("record 2 (after the header) of " + shortRow + " is not valid CSV"));

    Path negative = Files.writeString(tmp.resolve("negative.csv"), "text,label\nSunny.,-1\n");
    assertThrows(IllegalArgumentException.class, () -> TextDatasets.readCsv(negative, defaults));
    assertThrows(IllegalArgumentException.class, () -> TextColumns.builder().label2id(Map.of("a", 0, "b", 0)));
  }
}
