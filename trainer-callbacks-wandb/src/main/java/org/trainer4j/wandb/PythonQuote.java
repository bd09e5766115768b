package org.trainer4j.wandb;

import java.nio.charset.StandardCharsets;

/** Python's {@code urllib.parse.quote}: percent-encodes UTF-8 bytes except letters, digits, {@code _.-~} and {@code safe}. */
final class PythonQuote {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PythonQuote() {}

  static String quote(String text, String safe) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "_.-~".indexOf(c) >= 0 || safe.indexOf(c) >= 0)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
