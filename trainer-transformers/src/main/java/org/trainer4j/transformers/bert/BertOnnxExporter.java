package org.trainer4j.transformers.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.onnx.OnnxModel;
import org.trainer4j.onnx.proto.OnnxModelProto.AttributeProto;
import org.trainer4j.onnx.proto.OnnxModelProto.GraphProto;
import org.trainer4j.onnx.proto.OnnxModelProto.ModelProto;
import org.trainer4j.onnx.proto.OnnxModelProto.NodeProto;
import org.trainer4j.onnx.proto.OnnxModelProto.OperatorSetIdProto;
import org.trainer4j.onnx.proto.OnnxModelProto.TensorProto;
import org.trainer4j.onnx.proto.OnnxModelProto.TensorShapeProto;
import org.trainer4j.onnx.proto.OnnxModelProto.TypeProto;
import org.trainer4j.onnx.proto.OnnxModelProto.ValueInfoProto;

/**
 * Exports a (fine-tuned) {@link BertBlock} to ONNX (IR 8, opset 17), as trainer-onnx's {@code OnnxExporter} does for
 * sequential blocks: inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids} (int64 {@code [batch,
 * sequence]}, both dimensions free); outputs named as the block names them ({@code logits}, or {@code
 * last_hidden_state} and {@code pooler_output} / {@code sentence_embedding}). Parameters keep their HF names.
 *
 * <p>Before anything is written the graph runs in ONNX Runtime (trainer-onnx's {@link OnnxModel}) next to the DJL
 * block on a batch of random token ids with padding; if the first outputs differ by more than 1e-4 the export fails
 * and nothing is written. The file is written under a temporary name and renamed.
 */
public final class BertOnnxExporter {
  /** The largest difference allowed between ONNX Runtime's and DJL's first output. */
  public static final double CHECK_TOLERANCE = 1e-4;
  static final List<String> INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");

  private BertOnnxExporter() {}

  /** What an export wrote: the file, its outputs, and the checked difference from DJL. */
  public record Export(Path file, List<String> outputs, double maxDifference) {}

  /**
   * Writes the block as an ONNX file, checked against ONNX Runtime.
   *
   * @throws IllegalArgumentException for a block that is not initialized
   * @throws IllegalStateException when ONNX Runtime's output differs from DJL's by more than {@link #CHECK_TOLERANCE}
   */
  public static Export export(BertBlock block, Path file) throws IOException {
    if (!block.isInitialized()) {
      throw new IllegalArgumentException("the block is not initialized; load or train it before exporting");
    }
    Graph graph = new Graph(block);
    List<String> outputs = graph.build();
    byte[] bytes = graph.model(outputs).toByteArray();
    double difference = check(block, bytes);
    Path partial = file.resolveSibling(".partial-" + file.getFileName());
    Files.write(partial, bytes);
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new Export(file, outputs, difference);
  }

  /** Runs DJL and ONNX Runtime on 3 sequences of 7 random tokens, the last two padded; the largest difference. */
  private static double check(BertBlock block, byte[] bytes) {
    BertConfig config = block.config();
    try (NDManager manager = NDManager.newBaseManager();
        OnnxModel onnx = OnnxModel.builder(bytes).inputNames(INPUTS.toArray(String[]::new)).build()) {
      java.util.Random random = new java.util.Random(17);
      long[] ids = new long[21];
      long[] mask = new long[21];
      long[] types = new long[21];
      for (int i = 0; i < ids.length; i++) {
        int row = i / 7;
        int col = i % 7;
        ids[i] = random.nextInt(config.vocabSize());
        mask[i] = col < 7 - 2 * row ? 1 : 0;
        types[i] = config.typeVocabSize() > 1 && col >= 4 ? 1 : 0;
      }
      NDList inputs = new NDList();
      for (Pair<String, long[]> p : List.of(new Pair<>("input_ids", ids), new Pair<>("attention_mask", mask),
          new Pair<>("token_type_ids", types))) {
        NDArray a = manager.create(p.getValue(), new ai.djl.ndarray.types.Shape(3, 7));
        a.setName(p.getKey());
        inputs.add(a);
      }
      float[] djl = block.forward(new ParameterStore(manager, false), inputs, false).head().toFloatArray();
      float[] ort = onnx.forward(inputs, manager).head().toFloatArray();
      double max = 0;
      for (int i = 0; i < djl.length; i++) {
        max = Math.max(max, Math.abs(djl[i] - ort[i]));
      }
      if (!(max <= CHECK_TOLERANCE)) {
        throw new IllegalStateException("the ONNX graph of this " + block.architecture() + " differs from the DJL"
            + " block by " + max + " (more than " + CHECK_TOLERANCE + ") in ONNX Runtime; nothing was written");
      }
      return max;
    }
  }

  /** The ONNX nodes of {@code modeling_bert.py}'s computation, as {@link BertEncoder} does it. */
  private static final class Graph {
    private final BertBlock block;
    private final BertConfig config;
    private final String prefix;
    private final Map<String, NDArray> parameters = new HashMap<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private int counter;

    Graph(BertBlock block) {
      this.block = block;
      this.config = block.config();
      this.prefix = block.encoder.prefix();
      for (Pair<String, Parameter> p : block.getParameters()) {
        parameters.put(p.getKey(), p.getValue().getArray());
      }
    }

    /** Adds every node; returns the names of the graph's outputs. */
    List<String> build() {
      String lengthOf = node("Gather", List.of(node("Shape", List.of("input_ids")), longs("one", new long[] {1})));
      String positions = node("Range", List.of(longs("zero", new long[] {0}), lengthOf, longs("step", new long[] {1})));
      String embeddings = add(add(gather("embeddings.word_embeddings.weight", "input_ids"),
          gather("embeddings.token_type_embeddings.weight", "token_type_ids")),
          gather("embeddings.position_embeddings.weight", positions));
      String hidden = layerNorm(embeddings, prefix + "embeddings.LayerNorm");
      String maskFloat = node("Cast", List.of("attention_mask"), intAttribute("to", TensorProto.DataType.FLOAT_VALUE));
      String additiveMask = node("Unsqueeze", List.of(
          node("Mul", List.of(node("Sub", List.of(floats("one_f", new float[] {1f}), maskFloat)),
              floats("float_min", new float[] {-Float.MAX_VALUE}))),
          longs("axes_1_2", new long[] {1, 2}, 2)));
      for (int i = 0; i < config.numHiddenLayers(); i++) {
        hidden = layer("encoder.layer." + i + ".", hidden, additiveMask);
      }
      if (block instanceof BertForTokenClassification) {
        return List.of(rename(dense(hidden, "classifier"), "logits"));
      }
      if (block.pooling() == Pooling.NONE) {
        return List.of(rename(hidden, "last_hidden_state"));
      }
      String pooled;
      if (block.pooling() == Pooling.MEAN) {
        String maskColumn = node("Unsqueeze", List.of(maskFloat, longs("axes_2", new long[] {2}, 1)));
        String axis1 = longs("axes_1", new long[] {1}, 1);
        String sum = node("ReduceSum", List.of(node("Mul", List.of(hidden, maskColumn)), axis1), intAttribute("keepdims", 0));
        String count = node("Clip", List.of(node("ReduceSum", List.of(maskColumn, axis1), intAttribute("keepdims", 0)),
            floats("clip_min", new float[] {1e-9f}), floats("clip_max", new float[] {Float.MAX_VALUE})));
        pooled = node("Div", List.of(sum, count));
      } else {
        String first = node("Gather", List.of(hidden, longs("first", new long[] {0})), intAttribute("axis", 1));
        pooled = node("Tanh", List.of(dense(first, prefix + "pooler.dense")));
      }
      if (block instanceof BertForSequenceClassification) {
        return List.of(rename(dense(pooled, "classifier"), "logits"));
      }
      return List.of(rename(hidden, "last_hidden_state"),
          rename(pooled, block.pooling() == Pooling.MEAN ? "sentence_embedding" : "pooler_output"));
    }

    /** One {@code BertLayer}: attention, residual + LayerNorm, feed-forward, residual + LayerNorm. */
    private String layer(String l, String hidden, String additiveMask) {
      long[] headsShape = {0, 0, config.numAttentionHeads(), config.headSize()};
      String q = transpose(reshape(dense(hidden, prefix + l + "attention.self.query"), headsShape), 0, 2, 1, 3);
      String kT = transpose(reshape(dense(hidden, prefix + l + "attention.self.key"), headsShape), 0, 2, 3, 1);
      String v = transpose(reshape(dense(hidden, prefix + l + "attention.self.value"), headsShape), 0, 2, 1, 3);
      String scores = add(node("Mul", List.of(node("MatMul", List.of(q, kT)),
          floats("scale", new float[] {(float) Math.pow(config.headSize(), -0.5)}))), additiveMask);
      String probs = node("Softmax", List.of(scores), intAttribute("axis", -1));
      String context = reshape(transpose(node("MatMul", List.of(probs, v)), 0, 2, 1, 3),
          new long[] {0, 0, config.hiddenSize()});
      String attention = layerNorm(add(dense(context, prefix + l + "attention.output.dense"), hidden),
          prefix + l + "attention.output.LayerNorm");
      String inner = dense(attention, prefix + l + "intermediate.dense");
      inner = "relu".equals(config.hiddenAct()) ? node("Relu", List.of(inner)) : gelu(inner);
      return layerNorm(add(dense(inner, prefix + l + "output.dense"), attention), prefix + l + "output.LayerNorm");
    }

    /** The exact (erf) GELU: {@code x * 0.5 * (1 + erf(x / sqrt(2)))}. */
    private String gelu(String x) {
      String erf = node("Erf", List.of(node("Div", List.of(x, floats("sqrt2", new float[] {(float) Math.sqrt(2)})))));
      return node("Mul", List.of(node("Mul", List.of(x, floats("half", new float[] {0.5f}))),
          add(erf, floats("one_g", new float[] {1f}))));
    }

    /** {@code x · Wᵀ + b} with the weight stored transposed ({@code [in, out]}), as PyTorch's exports store it. */
    private String dense(String x, String layer) {
      NDArray weight = parameter(layer + ".weight");
      String w = floats(layer + ".weight", weight.transpose().toFloatArray(), weight.getShape().get(1),
          weight.getShape().get(0));
      return add(node("MatMul", List.of(x, w)), parameterConstant(layer + ".bias"));
    }

    private String layerNorm(String x, String layer) {
      return node("LayerNormalization", List.of(x, parameterConstant(layer + ".weight"),
          parameterConstant(layer + ".bias")), intAttribute("axis", -1), floatAttribute("epsilon",
          (float) config.layerNormEps()));
    }

    private String gather(String table, String ids) {
      return node("Gather", List.of(parameterConstant(prefix + table), ids));
    }

    private String reshape(String x, long[] shape) {
      return node("Reshape", List.of(x, longs("shape", shape, shape.length)));
    }

    private String transpose(String x, long... perm) {
      return node("Transpose", List.of(x), AttributeProto.newBuilder().setName("perm")
          .setType(AttributeProto.AttributeType.INTS).addAllInts(java.util.Arrays.stream(perm).boxed().toList()).build());
    }

    private String add(String a, String b) {
      return node("Add", List.of(a, b));
    }

    private NDArray parameter(String name) {
      NDArray array = parameters.get(name);
      if (array == null) {
        throw new IllegalStateException("the block has no parameter " + name);
      }
      return array;
    }

    /** A parameter as an initializer under its HF name. */
    private String parameterConstant(String name) {
      NDArray array = parameter(name);
      return floats(name, array.toType(DataType.FLOAT32, false).toFloatArray(), array.getShape().getShape());
    }

    private String floats(String name, float[] values, long... dims) {
      ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(values);
      return initializer(name, TensorProto.DataType.FLOAT_VALUE, bytes.array(), dims);
    }

    private String longs(String name, long[] values, long... dims) {
      ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asLongBuffer().put(values);
      return initializer(name, TensorProto.DataType.INT64_VALUE, bytes.array(), dims);
    }

    private String initializer(String name, int type, byte[] data, long... dims) {
      String unique = initializers.stream().anyMatch(t -> t.getName().equals(name)) ? name + "_" + counter++ : name;
      TensorProto.Builder tensor = TensorProto.newBuilder().setName(unique).setDataType(type)
          .setRawData(ByteString.copyFrom(data));
      for (long d : dims) {
        tensor.addDims(d);
      }
      initializers.add(tensor.build());
      return unique;
    }

    private String node(String opType, List<String> inputs, AttributeProto... attributes) {
      String output = opType + "_" + counter++;
      NodeProto.Builder node = NodeProto.newBuilder().setName(output).setOpType(opType).addAllInput(inputs)
          .addOutput(output);
      for (AttributeProto a : attributes) {
        node.addAttribute(a);
      }
      nodes.add(node.build());
      return output;
    }

    /** An Identity node giving the value its output name. */
    private String rename(String value, String name) {
      nodes.add(NodeProto.newBuilder().setName(name).setOpType("Identity").addInput(value).addOutput(name).build());
      return name;
    }

    private static AttributeProto intAttribute(String name, long value) {
      return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto floatAttribute(String name, float value) {
      return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    ModelProto model(List<String> outputs) {
      GraphProto.Builder graph = GraphProto.newBuilder().setName(block.architecture()).addAllNode(nodes)
          .addAllInitializer(initializers);
      for (String input : INPUTS) {
        graph.addInput(valueInfo(input, TensorProto.DataType.INT64_VALUE, "batch", "sequence"));
      }
      for (String output : outputs) {
        graph.addOutput(valueInfo(output, TensorProto.DataType.FLOAT_VALUE));
      }
      return ModelProto.newBuilder().setIrVersion(8).setProducerName("trainer4j")
          .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(graph).build();
    }

    /** A tensor of this type; with dimension names, of that rank with free dimensions. */
    private static ValueInfoProto valueInfo(String name, int type, String... dims) {
      TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(type);
      if (dims.length > 0) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String d : dims) {
          shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d));
        }
        tensor.setShape(shape);
      }
      return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
  }
}
