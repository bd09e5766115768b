package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.testkit.WandbFileReader;

class TransactionLogTest {
  @TempDir Path dir;

  private List<byte[]> roundTrip(List<byte[]> records, List<Integer> chunkTypes, int[] padded) throws Exception {
    Path file = dir.resolve("run-x.wandb");
    try (TransactionLog log = new TransactionLog(file)) {
      for (byte[] r : records) {
        log.append(r);
      }
    }
    WandbFileReader.Layout layout = WandbFileReader.layout(Files.readAllBytes(file));
    chunkTypes.addAll(layout.chunkTypes());
    padded[0] = layout.paddedBlockTails();
    return layout.records();
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void headerIsWandbMagicAndVersionZero() throws Exception {
    Path file = dir.resolve("empty.wandb");
    new TransactionLog(file).close();
    assertArrayEquals(new byte[] {0x3A, 0x57, 0x26, 0x42, (byte) 0xE1, (byte) 0xBE, 0x00}, Files.readAllBytes(file));
  }

  @Test
  void recordsLargerThanABlockAreSplitIntoFirstMiddleLast() throws Exception {
    List<byte[]> records = List.of(bytes(10, 1), bytes(100_000, 2), bytes(20, 3));
    List<Integer> types = new ArrayList<>();
    List<byte[]> read = roundTrip(records, types, new int[1]);
    assertEquals(3, read.size());
    for (int i = 0; i < records.size(); i++) {
      assertArrayEquals(records.get(i), read.get(i), "record " + i);
    }
    // 10 bytes FULL; 100 000 bytes from offset 24: FIRST (32 737), MIDDLE (32 761), LAST (34 502 > 32 761
    // so another MIDDLE first), then the small record FULL.
    assertEquals(List.of(1, 2, 3, 3, 4, 1), types);
  }

  @Test
  void exactlySevenBytesLeftGiveAnEmptyFirstChunk() throws Exception {
    // 7 header + 7 chunk header + 32 747 payload leaves 7 bytes in the first block.
    List<Integer> types = new ArrayList<>();
    int[] padded = new int[1];
    List<byte[]> records = List.of(bytes(32_747, 4), bytes(50, 5));
    List<byte[]> read = roundTrip(records, types, padded);
    assertEquals(List.of(1, 2, 4), types);
    assertEquals(0, padded[0]);
    assertArrayEquals(records.get(1), read.get(1));
  }

  @Test
  void fewerThanSevenBytesLeftArePaddedWithZeros() throws Exception {
    List<Integer> types = new ArrayList<>();
    int[] padded = new int[1];
    List<byte[]> records = List.of(bytes(32_751, 6), bytes(50, 7));
    List<byte[]> read = roundTrip(records, types, padded);
    assertEquals(List.of(1, 1), types);
    assertEquals(1, padded[0]);
    assertArrayEquals(records.get(1), read.get(1));
    // The second record starts exactly at the second block.
    byte[] file = Files.readAllBytes(dir.resolve("run-x.wandb"));
    assertEquals(32_768 + 7 + 50, file.length);
  }

  @Test
  void aDamagedByteIsDetectedByTheChecksum() throws Exception {
    Path file = dir.resolve("run-x.wandb");
    try (TransactionLog log = new TransactionLog(file)) {
      log.append(bytes(100, 8));
    }
    byte[] data = Files.readAllBytes(file);
    data[50] ^= 1;
    assertThrows(IllegalStateException.class, () -> WandbFileReader.layout(data));
  }
}
