package org.trainer4j.tensorboard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A protobuf wire-format parser for the tests, independent of the writer and of generated classes:
 * a message becomes its fields by number, each with the raw values in order (varints and fixed
 * numbers as longs, length-delimited fields as bytes). Unknown wire types fail the test.
 */
final class Proto {
  private final Map<Integer, List<Object>> fields = new LinkedHashMap<>();

  private Proto() {}

  static Proto parse(byte[] bytes) {
    Proto p = new Proto();
    int[] pos = {0};
    while (pos[0] < bytes.length) {
      long key = varint(bytes, pos);
      int field = (int) (key >>> 3);
      int wireType = (int) (key & 7);
      Object value = switch (wireType) {
        case 0 -> varint(bytes, pos);
        case 1 -> {
          long v = ByteBuffer.wrap(bytes, pos[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
          pos[0] += 8;
          yield v;
        }
        case 2 -> {
          int len = (int) varint(bytes, pos);
          byte[] b = new byte[len];
          System.arraycopy(bytes, pos[0], b, 0, len);
          pos[0] += len;
          yield b;
        }
        case 5 -> {
          long v = ByteBuffer.wrap(bytes, pos[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
          pos[0] += 4;
          yield v;
        }
        default -> throw new AssertionError("unexpected wire type " + wireType + " for field " + field);
      };
      p.fields.computeIfAbsent(field, f -> new ArrayList<>()).add(value);
    }
    return p;
  }

  private static long varint(byte[] bytes, int[] pos) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = bytes[pos[0]++];
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new AssertionError("varint longer than 10 bytes");
  }

  boolean has(int field) {
    return fields.containsKey(field);
  }

  List<Object> all(int field) {
    return fields.getOrDefault(field, List.of());
  }

  private Object last(int field) {
    List<Object> values = all(field);
    return values.isEmpty() ? null : values.get(values.size() - 1);
  }

  long varint(int field) {
    Object v = last(field);
    return v == null ? 0 : (Long) v;
  }

  double doubleValue(int field) {
    Object v = last(field);
    return v == null ? 0 : Double.longBitsToDouble((Long) v);
  }

  float floatValue(int field) {
    Object v = last(field);
    return v == null ? 0 : Float.intBitsToFloat((int) (long) (Long) v);
  }

  byte[] bytes(int field) {
    Object v = last(field);
    return v == null ? new byte[0] : (byte[]) v;
  }

  String string(int field) {
    return new String(bytes(field), StandardCharsets.UTF_8);
  }

  Proto message(int field) {
    return parse(bytes(field));
  }

  List<Proto> messages(int field) {
    List<Proto> out = new ArrayList<>();
    for (Object o : all(field)) {
      out.add(parse((byte[]) o));
    }
    return out;
  }

  /** A repeated float field, packed (proto3) or not. */
  List<Float> floats(int field) {
    return repeated(field, 4, b -> b.getFloat(), v -> Float.intBitsToFloat((int) v));
  }

  /** A repeated double field, packed (proto3) or not. */
  List<Double> doubles(int field) {
    return repeated(field, 8, b -> b.getDouble(), Double::longBitsToDouble);
  }

  private <T> List<T> repeated(int field, int width, java.util.function.Function<ByteBuffer, T> fromPacked,
      java.util.function.LongFunction<T> fromSingle) {
    List<T> out = new ArrayList<>();
    for (Object o : all(field)) {
      if (o instanceof byte[] packed) {
        ByteBuffer b = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= width) {
          out.add(fromPacked.apply(b));
        }
      } else {
        out.add(fromSingle.apply((Long) o));
      }
    }
    return out;
  }
}
