package org.trainer4j.transformers.bert;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of an ONNX model that weight mapping needs: the graph's nodes (operator, inputs, outputs) and its float
 * initializers, read straight from the protobuf wire format with ONNX's field numbers ({@code onnx.proto}:
 * ModelProto.graph = 7; GraphProto.node = 1, initializer = 5; NodeProto.input = 1, output = 2, op_type = 4;
 * TensorProto.dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9, external_data = 13, data_location =
 * 14). ONNX Runtime's Java API does not expose initializers, hence this reader.
 */
final class OnnxGraph {
  /** ONNX's TensorProto.DataType.FLOAT. */
  private static final int FLOAT = 1;

  record Node(String opType, List<String> inputs, List<String> outputs) {}

  /**
   * An initializer; {@code values} are little-endian float32 bytes, or null when its type is not float (such as
   * the int64 {@code position_ids}).
   */
  record Initializer(String name, long[] dims, int dataType, ByteBuffer values) {}

  private final List<Initializer> initializers;
  private final Map<String, List<Node>> consumers = new HashMap<>();

  private OnnxGraph(List<Node> nodes, List<Initializer> initializers) {
    this.initializers = initializers;
    for (Node n : nodes) {
      for (String input : n.inputs()) {
        consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(n);
      }
    }
  }

  /**
   * Reads an {@code .onnx} file.
   *
   * @throws IllegalArgumentException when the file is missing or is not an ONNX model this reader understands
   */
  static OnnxGraph read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no ONNX model at " + file);
    }
    try {
      CodedInputStream model = stream(CodedInputStream.newInstance(Files.readAllBytes(file)));
      List<Node> nodes = new ArrayList<>();
      List<Initializer> initializers = new ArrayList<>();
      boolean hasGraph = false;
      for (int tag = model.readTag(); tag != 0; tag = model.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          hasGraph = true;
          readGraph(stream(model.readBytes().newCodedInput()), nodes, initializers, file);
        } else {
          model.skipField(tag);
        }
      }
      if (!hasGraph) {
        throw new IllegalArgumentException(file + " is not an ONNX model: it has no graph");
      }
      return new OnnxGraph(nodes, initializers);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not a valid ONNX model (" + e.getMessage() + ")", e);
    }
  }

  private static void readGraph(CodedInputStream in, List<Node> nodes, List<Initializer> initializers, Path file)
      throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> nodes.add(readNode(stream(in.readBytes().newCodedInput())));
        case 5 -> initializers.add(readTensor(stream(in.readBytes().newCodedInput()), file));
        default -> in.skipField(tag);
      }
    }
  }

  private static Node readNode(CodedInputStream in) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String op = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> inputs.add(in.readStringRequireUtf8());
        case 2 -> outputs.add(in.readStringRequireUtf8());
        case 4 -> op = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    return new Node(op, List.copyOf(inputs), List.copyOf(outputs));
  }

  private static Initializer readTensor(CodedInputStream in, Path file) throws IOException {
    List<Long> dims = new ArrayList<>();
    List<Float> floatData = new ArrayList<>();
    int dataType = 0;
    String name = "";
    ByteBuffer raw = null;
    boolean external = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      switch (field) {
        case 1 -> readRepeated(in, wire, dims, CodedInputStream::readInt64);
        case 2 -> dataType = in.readInt32();
        case 4 -> readRepeated(in, wire, floatData, CodedInputStream::readFloat);
        case 8 -> name = in.readStringRequireUtf8();
        case 9 -> raw = in.readBytes().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        case 13 -> {
          external = true;
          in.skipField(tag);
        }
        case 14 -> external |= in.readEnum() == 1;
        default -> in.skipField(tag);
      }
    }
    if (external) {
      throw new IllegalArgumentException(file + ": initializer " + name + " is stored in an external data file,"
          + " which is not supported; export the model with its weights inside the .onnx file");
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    ByteBuffer values = null;
    if (dataType == FLOAT) {
      values = raw != null ? raw : floats(floatData);
    }
    return new Initializer(name, shape, dataType, values);
  }

  /** Nested messages read without copying their bytes (weights can be hundreds of megabytes). */
  private static CodedInputStream stream(CodedInputStream in) {
    in.enableAliasing(true);
    in.setSizeLimit(Integer.MAX_VALUE);
    return in;
  }

  /** Reads one value of a repeated field. */
  private interface ValueReader<T> {
    T read(CodedInputStream in) throws IOException;
  }

  /** A repeated scalar field's occurrence: one value, or a packed run of them. */
  private static <T> void readRepeated(CodedInputStream in, int wire, List<T> into, ValueReader<T> reader)
      throws IOException {
    if (wire != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      into.add(reader.read(in));
      return;
    }
    int limit = in.pushLimit(in.readRawVarint32());
    while (in.getBytesUntilLimit() > 0) {
      into.add(reader.read(in));
    }
    in.popLimit(limit);
  }

  private static ByteBuffer floats(List<Float> values) {
    ByteBuffer b = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    values.forEach(b::putFloat);
    return b.flip();
  }

  /** Initializers in file order. */
  List<Initializer> initializers() {
    return initializers;
  }

  /** The nodes that read this value. */
  List<Node> consumers(String value) {
    return consumers.getOrDefault(value, List.of());
  }
}
