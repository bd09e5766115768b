package org.trainer4j.tensorboard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads TFRecord files the way TensorBoard does, written for the tests only (it shares no code with
 * the writer): checks both checksums of every record with its own CRC-32C, and treats an incomplete
 * last record as a truncated tail rather than an error.
 */
final class TfRecordReader {
  /** The complete records, and whether bytes of an incomplete record follow them. */
  record Records(List<byte[]> records, boolean truncatedTail) {}

  private TfRecordReader() {}

  static Records read(Path file) throws IOException {
    return read(Files.readAllBytes(file));
  }

  static Records read(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> records = new ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 12) {
        return new Records(records, true);
      }
      int start = in.position();
      long length = in.getLong();
      int lengthCrc = in.getInt();
      if (lengthCrc != maskedCrc32c(bytes, start, 8)) {
        throw new AssertionError("length checksum mismatch in record " + records.size() + " at byte " + start);
      }
      if (in.remaining() < length + 4) {
        return new Records(records, true);
      }
      byte[] data = new byte[(int) length];
      in.get(data);
      int dataCrc = in.getInt();
      if (dataCrc != maskedCrc32c(data, 0, data.length)) {
        throw new AssertionError("data checksum mismatch in record " + records.size() + " at byte " + start);
      }
      records.add(data);
    }
    return new Records(records, false);
  }

  static int maskedCrc32c(byte[] bytes, int offset, int length) {
    int crc = crc32c(bytes, offset, length);
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  /** Bitwise CRC-32C (Castagnoli, reflected polynomial 0x82F63B78). */
  static int crc32c(byte[] bytes, int offset, int length) {
    int crc = 0xffffffff;
    for (int i = offset; i < offset + length; i++) {
      crc ^= bytes[i] & 0xff;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
    }
    return ~crc;
  }
}
