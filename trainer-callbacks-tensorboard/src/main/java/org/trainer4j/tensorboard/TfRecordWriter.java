package org.trainer4j.tensorboard;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * TFRecord framing: {@code uint64 length | uint32 masked_crc32c(length) | data | uint32
 * masked_crc32c(data)}, all little-endian. Used by the writer thread only (not thread-safe): it reuses
 * one checksum and one header buffer for every record.
 */
final class TfRecordWriter {
  private static final int MASK_DELTA = 0xa282ead8;

  private final OutputStream out;
  private final CRC32C crc = new CRC32C();
  private final byte[] header = new byte[12];
  private final byte[] footer = new byte[4];

  TfRecordWriter(OutputStream out) {
    this.out = out;
  }

  /** Frames {@code data[0, length)} as one record. */
  void write(byte[] data, int length) throws IOException {
    putLongLe(header, 0, length);
    putIntLe(header, 8, maskedCrc(header, 0, 8));
    putIntLe(footer, 0, maskedCrc(data, 0, length));
    out.write(header);
    out.write(data, 0, length);
    out.write(footer);
  }

  /** TensorFlow's masked CRC-32C: rotate right by 15 bits, then add a constant (mod 2^32). */
  int maskedCrc(byte[] bytes, int offset, int length) {
    crc.reset();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + MASK_DELTA;
  }

  private static void putLongLe(byte[] buf, int at, long v) {
    for (int i = 0; i < 8; i++) {
      buf[at + i] = (byte) (v >>> (8 * i));
    }
  }

  private static void putIntLe(byte[] buf, int at, int v) {
    for (int i = 0; i < 4; i++) {
      buf[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
