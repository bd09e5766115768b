package org.trainer4j.onnx;

import ai.djl.ndarray.types.Shape;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * Builds one ONNX graph of float tensors: weights become initializers, each call adds a node and
 * returns the name of the value it produces. Names are unique within the graph.
 */
final class GraphWriter {
  /** ONNX IR version 8 goes with opset 17 (ONNX 1.12). */
  static final long IR_VERSION = 8;
  static final long OPSET = 17;
  static final String BATCH_DIM = "batch";

  private final List<NodeProto.Builder> nodes = new ArrayList<>();
  private final List<TensorProto> initializers = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  /** A float constant, stored little-endian as ONNX's raw_data requires. */
  String constant(String name, float[] values, long... dims) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    String unique = unique(name);
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(unique)
        .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(bytes.array()));
    for (long d : dims) {
      tensor.addDims(d);
    }
    initializers.add(tensor.build());
    return unique;
  }

  /** A float scalar constant (rank 0), for elementwise arithmetic. */
  String scalar(String name, float value) {
    return constant(name, new float[] {value});
  }

  /** Adds a node {@code opType(inputs)} with these attributes; returns its output's name. */
  String node(String layer, String opType, List<String> inputs, AttributeProto... attributes) {
    String output = unique(layer + "/" + opType);
    NodeProto.Builder node = NodeProto.newBuilder().setName(output).setOpType(opType).addAllInput(inputs).addOutput(output);
    for (AttributeProto a : attributes) {
      node.addAttribute(a);
    }
    nodes.add(node);
    return output;
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static AttributeProto floatAttribute(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  static AttributeProto intsAttribute(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  /** Reserves a name for the graph's input before any node uses it. */
  String input(String name) {
    if (!names.add(name)) {
      throw new IllegalArgumentException("inputName=" + name + " is taken; choose another name");
    }
    return name;
  }

  /**
   * The finished model: {@code last} (the value the last node produced) is renamed {@code outputName};
   * when no node ran (a block of identities) an Identity node produces it.
   */
  ModelProto model(String graphName, String inputName, Shape inputShape, String last, String outputName,
      Shape outputShape, String producerVersion) {
    if (last.equals(inputName)) {
      nodes.add(NodeProto.newBuilder().setName(outputName + "/Identity").setOpType("Identity").addInput(inputName)
          .addOutput(outputName));
    } else {
      if (names.contains(outputName)) {
        throw new IllegalArgumentException("outputName=" + outputName + " is taken by a value of the graph;"
            + " choose another name");
      }
      for (NodeProto.Builder node : nodes) {
        for (int i = 0; i < node.getOutputCount(); i++) {
          if (node.getOutput(i).equals(last)) {
            node.setOutput(i, outputName);
          }
        }
      }
    }
    GraphProto.Builder graph = GraphProto.newBuilder().setName(graphName)
        .addInput(valueInfo(inputName, inputShape)).addOutput(valueInfo(outputName, outputShape))
        .addAllInitializer(initializers);
    nodes.forEach(n -> graph.addNode(n.build()));
    return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("trainer4j")
        .setProducerVersion(producerVersion)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph).build();
  }

  /** A float tensor whose first dimension is the free {@code batch} dimension. */
  private static ValueInfoProto valueInfo(String name, Shape shape) {
    TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
    for (int i = 0; i < shape.dimension(); i++) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (i == 0) {
        dim.setDimParam(BATCH_DIM);
      } else {
        dim.setDimValue(shape.get(i));
      }
      dims.addDim(dim);
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(dims))).build();
  }

  private String unique(String base) {
    String name = base;
    for (int i = 1; !names.add(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }
}
