package org.trainer4j.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The test reader and the writer's framing agree, and the reader does catch damage. */
class TfRecordReaderTest {
  @Test
  void crc32cMatchesTheStandardCheckValue() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xe3069283, TfRecordReader.crc32c(check, 0, check.length));
  }

  @Test
  void writerFramesARecordAsTensorFlowDoes() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecordWriter writer = new TfRecordWriter(out);
    byte[] payload = "hello".getBytes(StandardCharsets.US_ASCII);
    writer.write(payload, payload.length);
    byte[] bytes = out.toByteArray();

    assertEquals(8 + 4 + 5 + 4, bytes.length);
    assertEquals(5, bytes[0]);
    for (int i = 1; i < 8; i++) {
      assertEquals(0, bytes[i], "length is a little-endian uint64");
    }
    TfRecordReader.Records read = TfRecordReader.read(bytes);
    assertEquals(1, read.records().size());
    assertArrayEquals(payload, read.records().get(0));
  }

  @Test
  void readerRejectsADamagedRecordAndToleratesACutTail() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecordWriter writer = new TfRecordWriter(out);
    writer.write(new byte[] {1, 2, 3}, 3);
    writer.write(new byte[] {4, 5, 6}, 3);
    byte[] bytes = out.toByteArray();

    byte[] damaged = bytes.clone();
    damaged[13] ^= 1;
    assertThrows(AssertionError.class, () -> TfRecordReader.read(damaged));

    for (int cut = bytes.length / 2 + 1; cut < bytes.length; cut++) {
      byte[] shorter = java.util.Arrays.copyOf(bytes, cut);
      TfRecordReader.Records read = TfRecordReader.read(shorter);
      assertEquals(1, read.records().size(), "cut at " + cut);
      assertTrue(read.truncatedTail(), "cut at " + cut);
    }
  }
}
