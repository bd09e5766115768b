package org.trainer4j.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * A protobuf message read straight from its wire format, for tests of plugins that write binary formats
 * (TensorBoard event files, W&amp;B {@code .wandb} records, ...). It knows nothing of {@code .proto} files,
 * generated classes or your writer, so a test that reads your output with it checks the bytes, not your
 * code against itself: you give the field numbers from the format's specification.
 *
 * <pre>{@code
 * WireMessage event = WireMessage.parse(recordBytes);
 * long step = event.varint(2);                                 // int64 step = 2;
 * for (WireMessage value : event.message(5).messages(1)) {     // Summary summary = 5; repeated Value value = 1;
 *   String tag = value.string(1);
 *   float scalar = value.floatValue(2);                        // float simple_value = 2;
 * }
 * }</pre>
 *
 * <p>Fields are kept by number in the order they first appear, each with every value it was given.
 * Accessors for one value read the last one, as protobuf does for a repeated scalar field, and give the
 * proto3 default (0, false, empty) when the field is absent; use {@link #has} to tell the two apart.
 * {@link #message} parses the last occurrence only (protobuf would merge them all). Each accessor checks
 * the wire type the value was written with, so a {@code float} written as a {@code double} or a {@code
 * varint} fails with a message that says so. Groups (wire types 3 and 4, deprecated) are not supported.
 * Numbers are returned as written: interpret {@code sint32}/{@code sint64} (zigzag) yourself.
 *
 * <p>Immutable once parsed.
 */
public final class WireMessage {
  /** Wire type 0: int32, int64, uint32, uint64, sint32, sint64, bool, enum. */
  public static final int VARINT = 0;
  /** Wire type 1: fixed64, sfixed64, double. */
  public static final int I64 = 1;
  /** Wire type 2: string, bytes, embedded messages, packed repeated fields. */
  public static final int LEN = 2;
  /** Wire type 5: fixed32, sfixed32, float. */
  public static final int I32 = 5;

  private static final WireMessage EMPTY = new WireMessage(Map.of());

  /** One value of a field: its wire type, the number (VARINT, I64, I32) or the bytes (LEN). */
  private record Value(int wireType, long number, byte[] bytes) {}

  private final Map<Integer, List<Value>> fields;

  private WireMessage(Map<Integer, List<Value>> fields) {
    this.fields = fields;
  }

  /**
   * Reads a whole message.
   *
   * @throws IllegalArgumentException when the bytes are not a protobuf message: a field number 0, a group
   *     or unknown wire type, a varint longer than 10 bytes, a value running past the end
   */
  public static WireMessage parse(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException("bytes must not be null; an empty message is new byte[0]");
    }
    return new Parser(bytes).message();
  }

  /** Whether the field occurs at least once. */
  public boolean has(int field) {
    return fields.containsKey(checkField(field));
  }

  /** The numbers of the fields present, in the order each first appears. */
  public Set<Integer> fieldNumbers() {
    return Collections.unmodifiableSet(fields.keySet());
  }

  /** How many values the field holds (a packed repeated field counts as one). */
  public int count(int field) {
    return fields.getOrDefault(checkField(field), List.of()).size();
  }

  /** The last value of a varint field ({@code int32}, {@code int64}, {@code uint64}, {@code enum}, ...); 0 when absent. */
  public long varint(int field) {
    Value v = last(field, VARINT);
    return v == null ? 0 : v.number();
  }

  /** The last value of a {@code bool} field; false when absent. */
  public boolean bool(int field) {
    return varint(field) != 0;
  }

  /** The last value of a {@code double} field (wire type I64); 0 when absent. */
  public double doubleValue(int field) {
    Value v = last(field, I64);
    return v == null ? 0 : Double.longBitsToDouble(v.number());
  }

  /** The last value of a {@code float} field (wire type I32); 0 when absent. */
  public float floatValue(int field) {
    Value v = last(field, I32);
    return v == null ? 0 : Float.intBitsToFloat((int) v.number());
  }

  /** The last value of a {@code fixed64} or {@code sfixed64} field; 0 when absent. */
  public long fixed64(int field) {
    Value v = last(field, I64);
    return v == null ? 0 : v.number();
  }

  /** The last value of a {@code fixed32} or {@code sfixed32} field, as its 32 bits; 0 when absent. */
  public int fixed32(int field) {
    Value v = last(field, I32);
    return v == null ? 0 : (int) v.number();
  }

  /** The last value of a {@code bytes} field (a copy); empty when absent. */
  public byte[] bytes(int field) {
    Value v = last(field, LEN);
    return v == null ? new byte[0] : v.bytes().clone();
  }

  /** The last value of a {@code string} field, as UTF-8; "" when absent. */
  public String string(int field) {
    Value v = last(field, LEN);
    return v == null ? "" : new String(v.bytes(), StandardCharsets.UTF_8);
  }

  /** Every value of a {@code repeated string} field, in order. */
  public List<String> strings(int field) {
    return all(field, LEN).stream().map(v -> new String(v.bytes(), StandardCharsets.UTF_8)).toList();
  }

  /** The last value of an embedded message field, parsed; an empty message when absent. */
  public WireMessage message(int field) {
    Value v = last(field, LEN);
    return v == null ? EMPTY : parse(v.bytes());
  }

  /** Every value of a {@code repeated} message field, parsed, in order. */
  public List<WireMessage> messages(int field) {
    return all(field, LEN).stream().map(v -> parse(v.bytes())).toList();
  }

  /** Every value of a {@code repeated} varint field, packed (proto3's default) or not. */
  public List<Long> varints(int field) {
    List<Long> out = new ArrayList<>();
    for (Value v : all(field, VARINT, LEN)) {
      if (v.wireType() == LEN) {
        Parser packed = new Parser(v.bytes());
        while (!packed.atEnd()) {
          out.add(packed.varint());
        }
      } else {
        out.add(v.number());
      }
    }
    return out;
  }

  /** Every value of a {@code repeated float} field, packed (proto3's default) or not. */
  public List<Float> floats(int field) {
    return fixedWidth(field, I32, 4, ByteBuffer::getFloat, bits -> Float.intBitsToFloat((int) bits));
  }

  /** Every value of a {@code repeated double} field, packed (proto3's default) or not. */
  public List<Double> doubles(int field) {
    return fixedWidth(field, I64, 8, ByteBuffer::getDouble, Double::longBitsToDouble);
  }

  /** The fields and values, for assertion messages: {@code {1: 5, 2: <3 bytes>, 4: [7, 8]}}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    fields.forEach((field, values) -> {
      if (out.length() > 1) {
        out.append(", ");
      }
      List<String> shown = values.stream()
          .map(v -> v.wireType() == LEN ? "<" + v.bytes().length + " bytes>" : Long.toString(v.number())).toList();
      out.append(field).append(": ").append(shown.size() == 1 ? shown.get(0) : shown.toString());
    });
    return out.append('}').toString();
  }

  private <T> List<T> fixedWidth(int field, int wireType, int width, Function<ByteBuffer, T> fromPacked,
      LongFunction<T> fromSingle) {
    List<T> out = new ArrayList<>();
    for (Value v : all(field, wireType, LEN)) {
      if (v.wireType() == LEN) {
        if (v.bytes().length % width != 0) {
          throw new IllegalArgumentException("field " + field + " is not a packed field of " + width
              + "-byte values: it holds " + v.bytes().length + " bytes");
        }
        ByteBuffer packed = ByteBuffer.wrap(v.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        while (packed.hasRemaining()) {
          out.add(fromPacked.apply(packed));
        }
      } else {
        out.add(fromSingle.apply(v.number()));
      }
    }
    return out;
  }

  private Value last(int field, int wireType) {
    List<Value> values = all(field, wireType);
    return values.isEmpty() ? null : values.get(values.size() - 1);
  }

  private List<Value> all(int field, int... allowedWireTypes) {
    List<Value> values = fields.getOrDefault(checkField(field), List.of());
    for (Value v : values) {
      if (Arrays.stream(allowedWireTypes).noneMatch(t -> t == v.wireType())) {
        throw new IllegalArgumentException("field " + field + " was written with wire type " + name(v.wireType())
            + ", not " + Arrays.stream(allowedWireTypes).mapToObj(WireMessage::name).toList()
            + " as this accessor reads it");
      }
    }
    return values;
  }

  private static int checkField(int field) {
    if (field < 1) {
      throw new IllegalArgumentException("field=" + field + " is not allowed; protobuf field numbers start at 1");
    }
    return field;
  }

  private static String name(int wireType) {
    return switch (wireType) {
      case VARINT -> "0 (VARINT)";
      case I64 -> "1 (I64)";
      case LEN -> "2 (LEN)";
      case I32 -> "5 (I32)";
      default -> Integer.toString(wireType);
    };
  }

  /** Reads tags and values from a byte array, failing with the offset of what is wrong. */
  private static final class Parser {
    private final byte[] bytes;
    private int pos;

    Parser(byte[] bytes) {
      this.bytes = bytes;
    }

    boolean atEnd() {
      return pos >= bytes.length;
    }

    WireMessage message() {
      Map<Integer, List<Value>> fields = new LinkedHashMap<>();
      while (!atEnd()) {
        int start = pos;
        long tag = varint();
        long field = tag >>> 3;
        int wireType = (int) (tag & 7);
        if (field < 1 || field > 0x1fffffff) {
          throw malformed(start, "field number " + field + " (allowed: 1 to 536870911)");
        }
        Value value = switch (wireType) {
          case VARINT -> new Value(VARINT, varint(), null);
          case I64 -> new Value(I64, fixed(8, start, field), null);
          case LEN -> new Value(LEN, 0, lengthDelimited(start, field));
          case I32 -> new Value(I32, fixed(4, start, field), null);
          case 3, 4 -> throw malformed(start, "field " + field + " is a group (wire type " + wireType
              + "), which this reader does not support");
          default -> throw malformed(start, "field " + field + " has wire type " + wireType
              + ", which does not exist (allowed: 0, 1, 2, 5)");
        };
        fields.computeIfAbsent((int) field, f -> new ArrayList<>()).add(value);
      }
      fields.replaceAll((field, values) -> List.copyOf(values));
      return new WireMessage(fields);
    }

    long varint() {
      int start = pos;
      long result = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        if (atEnd()) {
          throw malformed(start, "a varint runs past the end");
        }
        byte b = bytes[pos++];
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw malformed(start, "a varint is longer than 10 bytes");
    }

    /** A little-endian number of {@code width} bytes. */
    private long fixed(int width, int tagStart, long field) {
      if (bytes.length - pos < width) {
        throw malformed(tagStart, "field " + field + " needs " + width + " bytes, " + (bytes.length - pos) + " left");
      }
      long v = 0;
      for (int i = width - 1; i >= 0; i--) {
        v = (v << 8) | (bytes[pos + i] & 0xffL);
      }
      pos += width;
      return v;
    }

    private byte[] lengthDelimited(int tagStart, long field) {
      long length = varint();
      if (length < 0 || length > bytes.length - pos) {
        throw malformed(tagStart, "field " + field + " declares " + length + " bytes, " + (bytes.length - pos)
            + " left");
      }
      byte[] value = Arrays.copyOfRange(bytes, pos, pos + (int) length);
      pos += (int) length;
      return value;
    }

    private IllegalArgumentException malformed(int offset, String what) {
      return new IllegalArgumentException("not a protobuf message (" + bytes.length + " bytes): at byte " + offset
          + ", " + what);
    }
  }
}
