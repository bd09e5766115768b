package org.trainer4j.wandb;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Writes a {@code .wandb} file: the 7-byte W&B header ({@code ":W&B"}, magic {@code 0xBEE1}
 * little-endian, version 0), then records framed as LevelDB log chunks in 32 KiB blocks counted from the
 * start of the file. A chunk is {@code crc32 | length | type | payload}, little-endian, where the
 * checksum is plain CRC-32 (IEEE) of the type byte and the payload, not masked. A record that does not
 * fit in the rest of a block is split into FIRST, MIDDLE and LAST chunks; a block tail shorter than a
 * chunk header is filled with zeros.
 *
 * <p>Not thread-safe: one writer thread owns it.
 */
final class TransactionLog implements Closeable {
  static final int BLOCK_SIZE = 32 * 1024;
  static final int CHUNK_HEADER = 7;
  static final byte[] FILE_HEADER = {':', 'W', '&', 'B', (byte) 0xE1, (byte) 0xBE, 0};
  static final int FULL = 1;
  static final int FIRST = 2;
  static final int MIDDLE = 3;
  static final int LAST = 4;

  private final OutputStream out;
  private final CRC32 crc = new CRC32();
  private final byte[] header = new byte[CHUNK_HEADER];
  private long position;

  TransactionLog(Path file) throws IOException {
    this.out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
    out.write(FILE_HEADER);
    position = FILE_HEADER.length;
  }

  /** Appends one record (a serialized {@code Record} message). */
  void append(byte[] record) throws IOException {
    int left = BLOCK_SIZE - (int) (position % BLOCK_SIZE);
    if (left < CHUNK_HEADER) {
      out.write(new byte[left]);
      position += left;
      left = BLOCK_SIZE;
    }
    if (record.length + CHUNK_HEADER <= left) {
      chunk(FULL, record, 0, record.length);
      return;
    }
    // The FIRST chunk takes the rest of this block (possibly no payload at all).
    int offset = left - CHUNK_HEADER;
    chunk(FIRST, record, 0, offset);
    int perBlock = BLOCK_SIZE - CHUNK_HEADER;
    while (record.length - offset > perBlock) {
      chunk(MIDDLE, record, offset, perBlock);
      offset += perBlock;
    }
    chunk(LAST, record, offset, record.length - offset);
  }

  /** Hands buffered bytes to the operating system (a crash of this process loses nothing written). */
  void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private void chunk(int type, byte[] payload, int offset, int length) throws IOException {
    crc.reset();
    crc.update(type);
    crc.update(payload, offset, length);
    int checksum = (int) crc.getValue();
    header[0] = (byte) checksum;
    header[1] = (byte) (checksum >>> 8);
    header[2] = (byte) (checksum >>> 16);
    header[3] = (byte) (checksum >>> 24);
    header[4] = (byte) length;
    header[5] = (byte) (length >>> 8);
    header[6] = (byte) type;
    out.write(header);
    out.write(payload, offset, length);
    position += CHUNK_HEADER + length;
  }
}
