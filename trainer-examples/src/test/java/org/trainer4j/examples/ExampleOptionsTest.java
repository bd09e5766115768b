package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples' command line: options over the example's defaults, or one JSON file as HF's parse_json_file. */
class ExampleOptionsTest {
  @TempDir Path dir;

  @Test
  void oneJsonFileSetsTrainingArgumentsAndExampleOptionsOverTheDefaults() throws IOException {
    Path file = Files.writeString(dir.resolve("train.json"), """
        {"output_dir": "%s", "num_train_epochs": 2, "learning_rate": 0.01, "report_to": "tensorboard",
         "load_best_model_at_end": false, "hidden_size": 32, "dropout": 0.5}
        """.formatted(dir.resolve("out")));
    ExampleOptions.Parsed parsed = DigitsExample.options().parse(new String[] {file.toString()});

    assertFalse(parsed.help());
    assertEquals(dir.resolve("out"), parsed.args().outputDir());
    assertEquals(2.0, parsed.args().numTrainEpochs());
    assertEquals(0.01, parsed.args().learningRate());
    assertEquals(java.util.List.of("tensorboard"), parsed.args().reportTo());
    assertFalse(parsed.args().loadBestModelAtEnd());
    assertEquals(32, parsed.intOption("hidden_size"));
    assertEquals(0.5f, parsed.floatOption("dropout"));
    // not in the file: the example's defaults
    assertEquals(32, parsed.args().perDeviceTrainBatchSize());
    assertEquals("epoch", parsed.args().evalStrategy().value());
    assertEquals(10, parsed.intOption("early_stopping_patience"));
  }

  @Test
  void aBadArgumentsFileIsNamedWithWhatIsWrong() throws IOException {
    Path unknown = Files.writeString(dir.resolve("typo.json"), "{\"learnig_rate\": 0.01}");
    String message = assertThrows(IllegalArgumentException.class,
        () -> DigitsExample.options().parse(new String[] {unknown.toString()})).getMessage();
    assertTrue(message.startsWith(unknown + ": ") && message.contains("learning_rate"), message);

    Path list = Files.writeString(dir.resolve("list.json"), "[1, 2]");
    message = assertThrows(IllegalArgumentException.class,
        () -> DigitsExample.options().parse(new String[] {list.toString()})).getMessage();
    assertEquals(list + ": the arguments file must hold a JSON object of option names", message);

    Path missing = dir.resolve("missing.json");
    message = assertThrows(IllegalArgumentException.class,
        () -> DigitsExample.options().parse(new String[] {missing.toString()})).getMessage();
    assertTrue(message.startsWith("cannot read the arguments file " + missing), message);
  }

  @Test
  void optionsOnTheCommandLineGoOverTheDefaults() {
    ExampleOptions.Parsed parsed = DigitsExample.options().parse(
        new String[] {"--hidden-size", "16", "--num_train_epochs", "3", "--output_dir", dir.toString()});
    assertEquals(16, parsed.intOption("hidden_size"));
    assertEquals(3.0, parsed.args().numTrainEpochs());
    assertEquals(3e-3, parsed.args().learningRate());
  }
}
