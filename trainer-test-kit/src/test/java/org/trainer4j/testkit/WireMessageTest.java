package org.trainer4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reader against the examples of the protobuf encoding specification, and against bytes that
 * protobuf-java's own encoder writes for every wire type.
 */
class WireMessageTest {
  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private interface Encoding {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] encode(Encoding encoding) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(buffer);
    encoding.write(out);
    out.flush();
    return buffer.toByteArray();
  }

  @Test
  void theSpecificationsExamplesReadAsDocumented() {
    assertEquals(150, WireMessage.parse(bytes(0x08, 0x96, 0x01)).varint(1));
    assertEquals("testing", WireMessage.parse(bytes(0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67)).string(2));
    assertEquals(150, WireMessage.parse(bytes(0x1a, 0x03, 0x08, 0x96, 0x01)).message(3).varint(1));
    assertEquals(List.of(3L, 270L, 86942L),
        WireMessage.parse(bytes(0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05)).varints(4));
  }

  @Test
  void everyWireTypeReadsBackWhatProtobufJavaWrote() throws IOException {
    WireMessage m = WireMessage.parse(encode(out -> {
      out.writeInt64(1, -1);                       // ten-byte varint
      out.writeBool(2, true);
      out.writeDouble(3, 0.1);
      out.writeFloat(4, 1.5f);
      out.writeFixed32(5, 0xfffffffe);
      out.writeSFixed64(6, -7);
      out.writeString(7, "héllo");
      out.writeBytes(8, ByteString.copyFrom(bytes(0, 255)));
      out.writeUInt64(9, Long.MAX_VALUE);
    }));
    assertEquals(-1, m.varint(1));
    assertTrue(m.bool(2));
    assertEquals(0.1, m.doubleValue(3));
    assertEquals(1.5f, m.floatValue(4));
    assertEquals(0xfffffffe, m.fixed32(5));
    assertEquals(-7, m.fixed64(6));
    assertEquals("héllo", m.string(7));
    assertArrayEquals(bytes(0, 255), m.bytes(8));
    assertEquals(Long.MAX_VALUE, m.varint(9));
    assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9), m.fieldNumbers());
  }

  @Test
  void repeatedFieldsPackedOrNotKeepEveryValueInOrder() throws IOException {
    byte[] nested1 = encode(out -> out.writeString(1, "a"));
    byte[] nested2 = encode(out -> out.writeString(1, "b"));
    WireMessage m = WireMessage.parse(encode(out -> {
      out.writeFloat(1, 1f);                        // unpacked
      out.writeFloat(1, 2f);
      out.writeTag(2, WireMessage.LEN);             // packed doubles
      out.writeUInt32NoTag(16);
      out.writeDoubleNoTag(0.5);
      out.writeDoubleNoTag(-0.25);
      out.writeString(3, "x");
      out.writeString(3, "y");
      out.writeByteArray(4, nested1);
      out.writeByteArray(4, nested2);
      out.writeInt32(5, 1);                         // a scalar repeated: the last one counts
      out.writeInt32(5, 2);
    }));
    assertEquals(List.of(1f, 2f), m.floats(1));
    assertEquals(List.of(0.5, -0.25), m.doubles(2));
    assertEquals(List.of("x", "y"), m.strings(3));
    assertEquals(List.of("a", "b"), m.messages(4).stream().map(n -> n.string(1)).toList());
    assertEquals("b", m.message(4).string(1));
    assertEquals(2, m.varint(5));
    assertEquals(2, m.count(5));
    assertEquals(List.of(1L, 2L), m.varints(5));
  }

  @Test
  void anAbsentFieldGivesTheProto3Default() {
    WireMessage empty = WireMessage.parse(new byte[0]);
    assertFalse(empty.has(1));
    assertEquals(0, empty.varint(1));
    assertFalse(empty.bool(1));
    assertEquals(0.0, empty.doubleValue(1));
    assertEquals(0f, empty.floatValue(1));
    assertEquals("", empty.string(1));
    assertArrayEquals(new byte[0], empty.bytes(1));
    assertTrue(empty.message(1).fieldNumbers().isEmpty());
    assertEquals(List.of(), empty.messages(1));
    assertEquals(List.of(), empty.floats(1));
    assertEquals(0, empty.count(1));
  }

  @Test
  void readingAFieldAsTheWrongTypeSaysWhatWasWritten() throws IOException {
    WireMessage m = WireMessage.parse(encode(out -> out.writeDouble(1, 0.5)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.floatValue(1));
    assertEquals("field 1 was written with wire type 1 (I64), not [5 (I32)] as this accessor reads it", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> m.varint(1));
    assertThrows(IllegalArgumentException.class, () -> m.string(1));
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> m.has(0));
    assertEquals("field=0 is not allowed; protobuf field numbers start at 1", zero.getMessage());
  }

  @Test
  void malformedBytesAreRejectedWithTheOffset() {
    assertEquals("not a protobuf message (2 bytes): at byte 1, a varint runs past the end",
        message(bytes(0x08, 0x96)));
    assertEquals("not a protobuf message (4 bytes): at byte 0, field 2 declares 7 bytes, 2 left",
        message(bytes(0x12, 0x07, 0x74, 0x65)));
    assertEquals("not a protobuf message (4 bytes): at byte 2, field 1 needs 4 bytes, 1 left",
        message(bytes(0x08, 0x01, 0x0d, 0x00)));
    assertEquals("not a protobuf message (1 bytes): at byte 0, field 1 is a group (wire type 3), which this reader"
        + " does not support", message(bytes(0x0b)));
    assertEquals("not a protobuf message (1 bytes): at byte 0, field 1 has wire type 6, which does not exist"
        + " (allowed: 0, 1, 2, 5)", message(bytes(0x0e)));
    assertEquals("not a protobuf message (2 bytes): at byte 0, field number 0 (allowed: 1 to 536870911)",
        message(bytes(0x00, 0x00)));
    byte[] tooLong = new byte[12];
    Arrays.fill(tooLong, 1, 12, (byte) 0x80);
    tooLong[0] = 0x08;
    assertEquals("not a protobuf message (12 bytes): at byte 1, a varint is longer than 10 bytes", message(tooLong));
    assertThrows(IllegalArgumentException.class, () -> WireMessage.parse(null));
  }

  @Test
  void toStringShowsFieldsForAssertionMessages() throws IOException {
    WireMessage m = WireMessage.parse(encode(out -> {
      out.writeInt32(1, 5);
      out.writeString(2, "abc");
      out.writeInt32(4, 7);
      out.writeInt32(4, 8);
    }));
    assertEquals("{1: 5, 2: <3 bytes>, 4: [7, 8]}", m.toString());
  }

  private static String message(byte[] malformed) {
    return assertThrows(IllegalArgumentException.class, () -> WireMessage.parse(malformed)).getMessage();
  }
}
