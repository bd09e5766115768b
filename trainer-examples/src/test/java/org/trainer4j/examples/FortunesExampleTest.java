package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FortunesExample's whole path — bundled data, ONNX weights, tokenizer, fine-tuning with evaluation and the best
 * model saved as an HF folder and exported to ONNX, both baselines — on the tiny BERT of trainer-transformers' tests instead of
 * all-MiniLM-L6-v2 (whose 90 MB would take minutes here), for 3 steps.
 */
class FortunesExampleTest {
  private static final Path TINY = Path.of("../trainer-transformers/src/test/resources/tiny-bert");

  @TempDir Path tmp;

  @Test
  void fineTunesAndRunsBothBaselinesOnTheBundledData() throws IOException {
    ExampleOptions.Parsed parsed = FortunesExample.options().parse(new String[] {
        "--model_onnx", TINY.resolve("tiny-bert.onnx").toString(), "--tokenizer", TINY.resolve("hf/tokenizer.json")
        .toString(), "--attention_heads", "4", "--max_length", "64", "--pooling", "cls", "--max_steps", "3", "--eval_strategy", "steps",
        "--eval_steps", "3", "--save_strategy", "steps", "--save_steps", "3", "--disable_tqdm", "true",
        "--report_to", "none", "--output_dir", tmp.resolve("out").toString(),
        "--probe_epochs", "1", "--bag_of_words_epochs", "1"});
    FortunesExample.Result result = FortunesExample.run(parsed);

    for (double accuracy : new double[] {result.fineTuned(), result.linearProbe(), result.bagOfWords()}) {
      assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
    }
    Path out = tmp.resolve("out");
    assertTrue(Files.isRegularFile(out.resolve("checkpoint-3/model.safetensors")));
    JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertEquals("BertForSequenceClassification", config.path("architectures").get(0).asText());
    assertEquals("sports", config.path("id2label").path("5").asText());
    assertTrue(Files.isRegularFile(out.resolve("model.safetensors")) && Files.isRegularFile(out.resolve("tokenizer.json")));
    assertEquals(out + "/checkpoint-3 (loaded at the end)", result.locations().get("Best checkpoint"));
    assertTrue(Files.isRegularFile(out.resolve("model.onnx")), "the fine-tuned model exported to ONNX");
    assertTrue(result.locations().get("ONNX model").startsWith(out.resolve("model.onnx") + "  (ONNX Runtime within"));
  }

  @Test
  void withTheProbeAsItsClassifierAndNoLearningTheModelPredictsAsTheProbe() {
    FortunesExample.Result result = FortunesExample.run(FortunesExample.options().parse(new String[] {
        "--model_onnx", TINY.resolve("tiny-bert.onnx").toString(), "--tokenizer", TINY.resolve("hf/tokenizer.json")
        .toString(), "--attention_heads", "4", "--max_length", "64", "--pooling", "mean", "--max_steps", "1",
        "--learning_rate", "0", "--eval_strategy", "no", "--save_strategy", "no", "--load_best_model_at_end", "false",
        "--disable_tqdm", "true", "--report_to", "none", "--output_dir", tmp.resolve("lp").toString(),
        "--probe_epochs", "3", "--bag_of_words_epochs", "1"}));

    assertEquals(result.linearProbe(), result.fineTuned(), "LP-FT starts from the probe: the same test accuracy");
  }

  @Test
  void theProbeAsClassifierNeedsMeanPooling() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> FortunesExample.run(FortunesExample.options().parse(new String[] {
            "--model_onnx", TINY.resolve("tiny-bert.onnx").toString(), "--tokenizer",
            TINY.resolve("hf/tokenizer.json").toString(), "--attention_heads", "4", "--pooling", "cls",
            "--classifier_init", "probe", "--report_to", "none", "--output_dir", tmp.resolve("x").toString()})));
    assertEquals("classifier_init=probe needs pooling=mean (the probe is trained on mean-pooled embeddings); use"
        + " classifier_init=random with pooling=cls", e.getMessage());
  }
}
