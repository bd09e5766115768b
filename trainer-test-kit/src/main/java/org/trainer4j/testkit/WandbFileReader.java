package org.trainer4j.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads a {@code .wandb} file (a W&B run written offline) the way {@code wandb sync} does, for tests of what a run
 * recorded. Written from the format's description, not from any writer's code: checks the 7-byte header, walks the
 * 32 KiB blocks, checks each chunk's CRC-32 (IEEE, of type and payload, unmasked), joins FIRST/MIDDLE/LAST chunks and
 * parses each record's protobuf bytes by hand.
 */
public final class WandbFileReader {
  public static final int BLOCK = 32768;

  /** Record field numbers of the W&B {@code Record} oneof. */
  public static final Map<Integer, String> TYPES = Map.ofEntries(
      Map.entry(2, "history"), Map.entry(3, "summary"), Map.entry(5, "config"), Map.entry(12, "metric"),
      Map.entry(17, "run"), Map.entry(18, "exit"), Map.entry(20, "final"), Map.entry(21, "header"),
      Map.entry(22, "footer"));

  /** One record: its {@code num}, its type's name and the type's message. */
  public record Rec(long num, String type, WireMessage body) {}

  /** How a file was laid out, for tests of the framing itself. */
  public record Layout(List<byte[]> records, List<Integer> chunkTypes, int paddedBlockTails) {}

  private WandbFileReader() {}

  /** Every record of the file, in order; fails on a damaged file. */
  public static List<Rec> read(Path file) throws IOException {
    List<Rec> out = new ArrayList<>();
    for (byte[] payload : layout(Files.readAllBytes(file)).records()) {
      WireMessage m = WireMessage.parse(payload);
      String type = null;
      WireMessage body = null;
      for (int field : m.fieldNumbers()) {
        if (TYPES.containsKey(field)) {
          if (type != null) {
            throw new IllegalStateException("record with two types: " + type + " and " + TYPES.get(field));
          }
          type = TYPES.get(field);
          body = m.message(field);
        } else if (field != 1) {
          throw new IllegalStateException("record with unexpected field " + field);
        }
      }
      if (type == null) {
        throw new IllegalStateException("record without a type, num " + m.varint(1));
      }
      out.add(new Rec(m.varint(1), type, body));
    }
    return out;
  }

  /** The file's records and chunk framing; fails on a damaged file. */
  public static Layout layout(byte[] data) {
    byte[] header = {':', 'W', '&', 'B', (byte) 0xE1, (byte) 0xBE, 0};
    for (int i = 0; i < header.length; i++) {
      if (data[i] != header[i]) {
        throw new IllegalStateException("bad header byte " + i);
      }
    }
    List<byte[]> records = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    int padded = 0;
    ByteArrayOutputStream partial = null;
    int pos = 7;
    while (pos < data.length) {
      int left = BLOCK - pos % BLOCK;
      if (left < 7) {
        for (int i = 0; i < left && pos + i < data.length; i++) {
          if (data[pos + i] != 0) {
            throw new IllegalStateException("block tail at " + pos + " is not zero padding");
          }
        }
        pos += left;
        padded++;
        continue;
      }
      long crc = (data[pos] & 0xffL) | (data[pos + 1] & 0xffL) << 8 | (data[pos + 2] & 0xffL) << 16
          | (data[pos + 3] & 0xffL) << 24;
      int length = (data[pos + 4] & 0xff) | (data[pos + 5] & 0xff) << 8;
      int type = data[pos + 6] & 0xff;
      if (length + 7 > left) {
        throw new IllegalStateException("chunk at " + pos + " crosses a block boundary");
      }
      CRC32 check = new CRC32();
      check.update(type);
      check.update(data, pos + 7, length);
      if (check.getValue() != crc) {
        throw new IllegalStateException("bad checksum at " + pos);
      }
      types.add(type);
      switch (type) {
        case 1 -> {
          if (partial != null) {
            throw new IllegalStateException("FULL chunk inside a split record at " + pos);
          }
          records.add(java.util.Arrays.copyOfRange(data, pos + 7, pos + 7 + length));
        }
        case 2 -> {
          if (partial != null) {
            throw new IllegalStateException("FIRST chunk inside a split record at " + pos);
          }
          partial = new ByteArrayOutputStream();
          partial.write(data, pos + 7, length);
        }
        case 3, 4 -> {
          if (partial == null) {
            throw new IllegalStateException("MIDDLE/LAST chunk without FIRST at " + pos);
          }
          partial.write(data, pos + 7, length);
          if (type == 4) {
            records.add(partial.toByteArray());
            partial = null;
          }
        }
        default -> throw new IllegalStateException("unknown chunk type " + type + " at " + pos);
      }
      pos += 7 + length;
    }
    if (partial != null) {
      throw new IllegalStateException("file ends inside a split record");
    }
    return new Layout(records, types, padded);
  }

  /** The history rows: item key to value JSON, in file order. */
  public static List<Map<String, String>> historyRows(List<Rec> records) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (Rec r : records) {
      if (r.type().equals("history")) {
        Map<String, String> row = new LinkedHashMap<>();
        for (WireMessage item : r.body().messages(1)) {
          row.put(item.string(1), item.string(16));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** The summary after applying every summary record's updates in order. */
  public static Map<String, String> summary(List<Rec> records) {
    Map<String, String> summary = new LinkedHashMap<>();
    for (Rec r : records) {
      if (r.type().equals("summary")) {
        for (WireMessage item : r.body().messages(1)) {
          summary.put(item.string(1), item.string(16));
        }
      }
    }
    return summary;
  }

  /** The body of the first record of this type. */
  public static WireMessage first(List<Rec> records, String type) {
    return records.stream().filter(r -> r.type().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " record")).body();
  }

  /** The records' types, in file order. */
  public static List<String> types(List<Rec> records) {
    return records.stream().map(Rec::type).toList();
  }
}
