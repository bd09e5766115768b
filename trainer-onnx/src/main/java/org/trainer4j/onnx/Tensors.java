package org.trainer4j.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Moves arrays between DJL and ONNX Runtime as raw bytes, and describes ONNX Runtime's tensor types. */
final class Tensors {
  private static final String ONNX_TYPE_PREFIX = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";
  private static final Map<OnnxJavaType, DataType> TO_DJL = new EnumMap<>(Map.of(
      OnnxJavaType.FLOAT, DataType.FLOAT32,
      OnnxJavaType.DOUBLE, DataType.FLOAT64,
      OnnxJavaType.FLOAT16, DataType.FLOAT16,
      OnnxJavaType.BFLOAT16, DataType.BFLOAT16,
      OnnxJavaType.INT8, DataType.INT8,
      OnnxJavaType.UINT8, DataType.UINT8,
      OnnxJavaType.INT16, DataType.INT16,
      OnnxJavaType.INT32, DataType.INT32,
      OnnxJavaType.INT64, DataType.INT64,
      OnnxJavaType.BOOL, DataType.BOOLEAN));

  private Tensors() {}

  /** The DJL type holding this ONNX Runtime type, if DJL and ONNX Runtime's Java API share one. */
  static Optional<DataType> djlType(OnnxJavaType type) {
    return Optional.ofNullable(TO_DJL.get(type));
  }

  /** A graph input or output, or empty when it is not a tensor (a sequence or a map). */
  static Optional<TensorSpec> spec(String name, ValueInfo info) {
    if (!(info instanceof TensorInfo tensor)) {
      return Optional.empty();
    }
    long[] shape = tensor.getShape();
    String[] names = tensor.getDimensionNames();
    List<Long> dims = new ArrayList<>();
    List<String> dimNames = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      dims.add(shape[i]);
      dimNames.add(names != null && i < names.length && names[i] != null ? names[i] : "");
    }
    return Optional.of(new TensorSpec(name, elementTypeName(tensor), dims, dimNames));
  }

  static String elementTypeName(TensorInfo tensor) {
    String onnx = tensor.onnxType.name();
    String bare = onnx.startsWith(ONNX_TYPE_PREFIX) ? onnx.substring(ONNX_TYPE_PREFIX.length()) : onnx;
    return bare.toLowerCase(Locale.ROOT);
  }

  /**
   * Copies {@code array} into a new ONNX Runtime tensor of type {@code type}, converting the elements
   * first when the batch holds another type (e.g. int labels-like inputs into a float graph input).
   */
  static OnnxTensor toOrt(OrtEnvironment env, NDArray array, OnnxJavaType type, DataType djlType) throws OrtException {
    NDArray typed = array.getDataType() == djlType ? array : array.toType(djlType, false);
    try {
      // ONNX Runtime reads a direct buffer in place; it mishandles heap ByteBuffers of non-byte types.
      ByteBuffer heap = typed.toByteBuffer();
      ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining()).order(ByteOrder.nativeOrder());
      direct.put(heap).flip();
      return OnnxTensor.createTensor(env, direct, typed.getShape().getShape(), type);
    } finally {
      if (typed != array) {
        typed.close();
      }
    }
  }

  /** Copies an ONNX Runtime tensor into a new array of {@code manager}, named {@code name}. */
  static NDArray toDjl(OnnxTensor tensor, NDManager manager, String name) {
    TensorInfo info = tensor.getInfo();
    DataType type = djlType(info.type).orElseThrow(() -> new IllegalArgumentException("output '" + name
        + "' holds " + elementTypeName(info) + " values, which DJL arrays cannot hold; choose other outputs"
        + " with OnnxModel.builder(...).outputs(...)"));
    NDArray array = manager.create(tensor.getByteBuffer(), new Shape(info.getShape()), type);
    array.setName(name);
    return array;
  }

  static String shapeText(long[] shape) {
    return Arrays.toString(shape);
  }
}
