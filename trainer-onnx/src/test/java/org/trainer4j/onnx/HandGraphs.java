package org.trainer4j.onnx;

import org.trainer4j.onnx.proto.OnnxModelProto.GraphProto;
import org.trainer4j.onnx.proto.OnnxModelProto.ModelProto;
import org.trainer4j.onnx.proto.OnnxModelProto.NodeProto;
import org.trainer4j.onnx.proto.OnnxModelProto.OperatorSetIdProto;
import org.trainer4j.onnx.proto.OnnxModelProto.TensorProto;
import org.trainer4j.onnx.proto.OnnxModelProto.TensorShapeProto;
import org.trainer4j.onnx.proto.OnnxModelProto.TypeProto;
import org.trainer4j.onnx.proto.OnnxModelProto.ValueInfoProto;

/** Small ONNX graphs written by hand, for what exported models do not have (several inputs and outputs). */
final class HandGraphs {
  private HandGraphs() {}

  /** Inputs {@code a} and {@code b}, float[batch, 3]; outputs {@code sum} = a + b and {@code product} = a · b. */
  static byte[] sumAndProduct() {
    GraphProto graph = GraphProto.newBuilder().setName("sum-and-product")
        .addNode(node("Add", "sum", "a", "b")).addNode(node("Mul", "product", "a", "b"))
        .addInput(value("a", "batch", 3)).addInput(value("b", "batch", 3))
        .addOutput(value("sum", "batch", 3)).addOutput(value("product", "batch", 3)).build();
    return model(graph);
  }

  /** Input {@code x} of the fixed shape float[2, 3]; output {@code y} = relu(x). */
  static byte[] fixedBatchOfTwo() {
    GraphProto graph = GraphProto.newBuilder().setName("fixed").addNode(node("Relu", "y", "x"))
        .addInput(value("x", null, 2, 3)).addOutput(value("y", null, 2, 3)).build();
    return model(graph);
  }

  private static byte[] model(GraphProto graph) {
    return ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(graph).build().toByteArray();
  }

  private static NodeProto node(String op, String output, String... inputs) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
    for (String input : inputs) {
      node.addInput(input);
    }
    return node.build();
  }

  /** A float tensor; {@code batch} names a free first dimension, or null to use the numbers only. */
  private static ValueInfoProto value(String name, String batch, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    if (batch != null) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
    }
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
  }
}
