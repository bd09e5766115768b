package org.trainer4j.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.core.json.PyJson;

/**
 * Reads and writes the safetensors format (the one HF writes as {@code model.safetensors}): an 8-byte
 * little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then the
 * raw little-endian bytes. Files written here open in Python with {@code safetensors.torch.load_file}.
 */
public final class Safetensors {
  private static final Map<DataType, String> DTYPES = Map.of(
      DataType.FLOAT32, "F32", DataType.FLOAT64, "F64", DataType.FLOAT16, "F16", DataType.BFLOAT16, "BF16",
      DataType.INT64, "I64", DataType.INT32, "I32", DataType.INT8, "I8", DataType.UINT8, "U8",
      DataType.BOOLEAN, "BOOL");

  private Safetensors() {}

  /** One tensor read from a file, still on the heap. */
  public record Tensor(DataType dataType, Shape shape, ByteBuffer data) {
    /** Copies the tensor into a new array of {@code manager}. */
    public NDArray toArray(NDManager manager) {
      return manager.create(data.duplicate().order(ByteOrder.LITTLE_ENDIAN), shape, dataType);
    }
  }

  /** Writes the arrays (in the map's order) and string metadata to {@code file}. */
  public static void write(Path file, Map<String, NDArray> arrays, Map<String, String> metadata) throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      header.put("__metadata__", metadata);
    }
    List<byte[]> blobs = new ArrayList<>();
    long offset = 0;
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      NDArray array = e.getValue();
      String dtype = DTYPES.get(array.getDataType());
      if (dtype == null) {
        throw new IllegalArgumentException("cannot save tensor " + e.getKey() + " of type " + array.getDataType()
            + " as safetensors; supported: " + DTYPES.keySet());
      }
      byte[] bytes = littleEndianBytes(array);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", dtype);
      List<Long> shape = new ArrayList<>();
      for (long d : array.getShape().getShape()) {
        shape.add(d);
      }
      entry.put("shape", shape);
      entry.put("data_offsets", List.of(offset, offset + bytes.length));
      header.put(e.getKey(), entry);
      blobs.add(bytes);
      offset += bytes.length;
    }
    byte[] json = compact(header).getBytes(StandardCharsets.UTF_8);
    int padding = (8 - json.length % 8) % 8;
    ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + padding);
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(length.array());
      out.write(json);
      for (int i = 0; i < padding; i++) {
        out.write(' ');
      }
      for (byte[] blob : blobs) {
        out.write(blob);
      }
    }
  }

  /** Reads every tensor of a file, by name in file order. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer all = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
      if (all.remaining() < 8) {
        throw new IOException(file + " is not a safetensors file: it is shorter than its 8-byte header length");
      }
      long headerLength = all.getLong(0);
      if (headerLength < 2 || 8 + headerLength > all.capacity()) {
        throw new IOException(file + " is not a safetensors file (header length " + headerLength + ")");
      }
      byte[] json = new byte[(int) headerLength];
      all.position(8);
      all.get(json);
      Object parsed = PyJson.loads(new String(json, StandardCharsets.UTF_8).trim());
      if (!(parsed instanceof Map<?, ?> header)) {
        throw new IOException(file + " has a safetensors header that is not a JSON object");
      }
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      int dataStart = 8 + (int) headerLength;
      for (Map.Entry<?, ?> e : header.entrySet()) {
        if ("__metadata__".equals(e.getKey())) {
          continue;
        }
        Map<?, ?> entry = (Map<?, ?>) e.getValue();
        DataType type = dataType(String.valueOf(entry.get("dtype")), file);
        long[] shape = ((List<?>) entry.get("shape")).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
        List<?> offsets = (List<?>) entry.get("data_offsets");
        int from = dataStart + ((Number) offsets.get(0)).intValue();
        int to = dataStart + ((Number) offsets.get(1)).intValue();
        if (to > all.capacity() || from > to) {
          throw new IOException(file + " is cut short: tensor " + e.getKey() + " ends at byte " + to
              + " but the file has " + all.capacity());
        }
        ByteBuffer bytes = ByteBuffer.allocate(to - from).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(all.duplicate().position(from).limit(to)).flip();
        tensors.put(String.valueOf(e.getKey()), new Tensor(type, new Shape(shape), bytes));
      }
      return tensors;
    }
  }

  /** The {@code __metadata__} strings of a file. */
  public static Map<String, String> readMetadata(Path file) throws IOException {
    byte[] head = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Map<?, ?> header = (Map<?, ?>) PyJson.loads(new String(head, 8, (int) headerLength, StandardCharsets.UTF_8).trim());
    Map<String, String> out = new LinkedHashMap<>();
    if (header.get("__metadata__") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }

  private static byte[] littleEndianBytes(NDArray array) {
    ByteBuffer buffer = array.toByteBuffer();
    if (buffer.order() == ByteOrder.LITTLE_ENDIAN || array.getDataType().getNumOfBytes() == 1) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return bytes;
    }
    int width = array.getDataType().getNumOfBytes();
    byte[] bytes = new byte[buffer.remaining()];
    for (int i = 0; i < bytes.length; i += width) {
      for (int b = 0; b < width; b++) {
        bytes[i + b] = buffer.get(buffer.position() + i + width - 1 - b);
      }
    }
    return bytes;
  }

  private static DataType dataType(String name, Path file) throws IOException {
    for (Map.Entry<DataType, String> e : DTYPES.entrySet()) {
      if (e.getValue().equals(name)) {
        return e.getKey();
      }
    }
    throw new IOException(file + " holds a tensor of dtype " + name + ", which Trainer4J cannot read; supported: "
        + DTYPES.values());
  }

  private static String compact(Object value) {
    try {
      return PyJson.reader().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a safetensors header", e);
    }
  }
}
