package org.trainer4j.wandb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A protobuf message read from raw bytes by hand (wire format: varints and length-delimited fields),
 * independent of the generated classes the writer uses. Fields are kept by number, in order.
 */
final class WireMessage {
  private final Map<Integer, List<Object>> fields = new LinkedHashMap<>();

  static WireMessage parse(byte[] bytes) {
    WireMessage m = new WireMessage();
    int[] pos = {0};
    while (pos[0] < bytes.length) {
      long tag = varint(bytes, pos);
      int field = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      Object value = switch (wireType) {
        case 0 -> varint(bytes, pos);
        case 1 -> {
          long v = 0;
          for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (bytes[pos[0] + i] & 0xff);
          }
          pos[0] += 8;
          yield v;
        }
        case 2 -> {
          int length = (int) varint(bytes, pos);
          byte[] payload = java.util.Arrays.copyOfRange(bytes, pos[0], pos[0] + length);
          pos[0] += length;
          yield payload;
        }
        case 5 -> {
          int v = (bytes[pos[0]] & 0xff) | (bytes[pos[0] + 1] & 0xff) << 8 | (bytes[pos[0] + 2] & 0xff) << 16
              | (bytes[pos[0] + 3] & 0xff) << 24;
          pos[0] += 4;
          yield v;
        }
        default -> throw new IllegalStateException("unknown wire type " + wireType + " at byte " + pos[0]);
      };
      m.fields.computeIfAbsent(field, k -> new ArrayList<>()).add(value);
    }
    return m;
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
    throw new IllegalStateException("varint too long");
  }

  boolean has(int field) {
    return fields.containsKey(field);
  }

  java.util.Set<Integer> fieldNumbers() {
    return fields.keySet();
  }

  long varint(int field) {
    List<Object> values = fields.get(field);
    return values == null ? 0 : (Long) values.get(values.size() - 1);
  }

  boolean bool(int field) {
    return varint(field) != 0;
  }

  String string(int field) {
    List<Object> values = fields.get(field);
    return values == null ? "" : new String((byte[]) values.get(values.size() - 1), StandardCharsets.UTF_8);
  }

  List<String> strings(int field) {
    return fields.getOrDefault(field, List.of()).stream()
        .map(v -> new String((byte[]) v, StandardCharsets.UTF_8)).toList();
  }

  WireMessage message(int field) {
    List<Object> values = fields.get(field);
    return values == null ? new WireMessage() : parse((byte[]) values.get(values.size() - 1));
  }

  List<WireMessage> messages(int field) {
    return fields.getOrDefault(field, List.of()).stream().map(v -> parse((byte[]) v)).toList();
  }
}
