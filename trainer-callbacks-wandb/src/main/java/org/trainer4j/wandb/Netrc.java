package org.trainer4j.wandb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The passwords of a {@code .netrc} file, by machine name, as {@code wandb login} writes them ({@code
 * machine api.wandb.ai login user password KEY}). Also reads {@code default} entries, quoted tokens, and
 * skips {@code macdef} bodies and {@code #} comments.
 */
final class Netrc {
  private final Map<String, String> passwords;
  private final Optional<String> defaultPassword;

  private Netrc(Map<String, String> passwords, Optional<String> defaultPassword) {
    this.passwords = passwords;
    this.defaultPassword = defaultPassword;
  }

  /** Reads a netrc file. */
  static Netrc read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  static Netrc parse(String text) {
    Map<String, String> passwords = new LinkedHashMap<>();
    String defaultPassword = null;
    List<String> tokens = tokens(text);
    String machine = null;
    boolean inDefault = false;
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      switch (token) {
        case "machine" -> {
          machine = i + 1 < tokens.size() ? tokens.get(++i) : null;
          inDefault = false;
        }
        case "default" -> {
          machine = null;
          inDefault = true;
        }
        case "password" -> {
          if (i + 1 < tokens.size()) {
            String password = tokens.get(++i);
            if (machine != null) {
              passwords.putIfAbsent(machine, password);
            } else if (inDefault && defaultPassword == null) {
              defaultPassword = password;
            }
          }
        }
        case "login", "account" -> i++;
        default -> { }
      }
    }
    return new Netrc(passwords, Optional.ofNullable(defaultPassword));
  }

  /** The password of the first of these machine names that has one, else the default entry's. */
  Optional<String> password(List<String> machines) {
    for (String machine : machines) {
      String password = passwords.get(machine);
      if (password != null) {
        return Optional.of(password);
      }
    }
    return defaultPassword;
  }

  private static List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    boolean inMacro = false;
    for (String line : lines) {
      if (inMacro) {
        // A macro body runs to the next empty line.
        inMacro = !line.isBlank();
        continue;
      }
      if (line.stripLeading().startsWith("#")) {
        continue;
      }
      int i = 0;
      while (i < line.length()) {
        char c = line.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '"') {
          StringBuilder token = new StringBuilder();
          i++;
          while (i < line.length() && line.charAt(i) != '"') {
            if (line.charAt(i) == '\\' && i + 1 < line.length()) {
              i++;
            }
            token.append(line.charAt(i++));
          }
          i++;
          tokens.add(token.toString());
        } else {
          int start = i;
          while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
            i++;
          }
          tokens.add(line.substring(start, i));
        }
      }
      if (tokens.size() >= 2 && tokens.get(tokens.size() - 2).equals("macdef")) {
        inMacro = true;
      }
    }
    return tokens;
  }
}
