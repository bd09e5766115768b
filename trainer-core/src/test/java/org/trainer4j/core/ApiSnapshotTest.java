package org.trainer4j.core;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code trainer-core/api.txt}, the list of every public type and public or protected member of
 * the packages {@code module-info.java} exports, equal to the code: a type or member that appears or
 * disappears without the file being updated fails the build with the difference. The file is the
 * public API as docs/ARCHITECTURE.md points to it.
 */
class ApiSnapshotTest {
  private static final Path SNAPSHOT = Path.of("api.txt");
  private static final Path MODULE_INFO = Path.of("src/main/java/module-info.java");
  private static final String UPDATE = "api.update";

  @Test
  void thePublicApiIsTheSnapshot() throws Exception {
    List<String> current = listing();
    if (Boolean.getBoolean(UPDATE)) {
      Files.write(SNAPSHOT, current);
      return;
    }
    List<String> saved = Files.exists(SNAPSHOT) ? Files.readAllLines(SNAPSHOT) : List.of();
    Set<String> added = new LinkedHashSet<>(current);
    saved.forEach(added::remove);
    Set<String> removed = new LinkedHashSet<>(saved);
    current.forEach(removed::remove);
    added.removeIf(String::isBlank);
    removed.removeIf(String::isBlank);
    if (!added.isEmpty() || !removed.isEmpty()) {
      fail("the public API of trainer-core differs from trainer-core/api.txt:\n"
          + added.stream().map(l -> "+ " + l.strip()).collect(Collectors.joining("\n", "", added.isEmpty() ? "" : "\n"))
          + removed.stream().map(l -> "- " + l.strip()).collect(Collectors.joining("\n", "", removed.isEmpty() ? "" : "\n"))
          + "If the change is meant, update the snapshot and commit it with the change:\n"
          + "  ./mvnw -B -ntp -pl trainer-core test -Dtest=ApiSnapshotTest -D" + UPDATE + "=true");
    }
  }

  @Test
  void theInternalPackagesAreNotExported() throws IOException {
    for (String p : exportedPackages()) {
      assertTrue(!p.contains(".internal"), p + " is internal and must not be exported");
    }
  }

  /**
   * One line per public type (by class name), then one indented line per public or protected member of
   * it, sorted; members name their type, so a difference reads on its own.
   */
  static List<String> listing() throws IOException, URISyntaxException, ClassNotFoundException {
    Set<String> exported = exportedPackages();
    Path classes = Path.of(Trainer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names = files.map(classes::relativize).map(Path::toString).filter(f -> f.endsWith(".class"))
          .filter(f -> !f.equals("module-info.class")).map(f -> f.substring(0, f.length() - 6).replace('/', '.'))
          .sorted().toList();
    }
    List<String> lines = new ArrayList<>();
    for (String name : names) {
      Class<?> type = Class.forName(name, false, Trainer.class.getClassLoader());
      if (!exported.contains(type.getPackageName()) || !visible(type)) {
        continue;
      }
      TreeSet<String> members = new TreeSet<>();
      for (Field f : type.getDeclaredFields()) {
        if (member(f)) {
          members.add(f.toGenericString());
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (member(c)) {
          members.add(c.toGenericString());
        }
      }
      for (Method m : type.getDeclaredMethods()) {
        if (member(m) && !m.isBridge()) {
          members.add(m.toGenericString());
        }
      }
      lines.add(describe(type));
      members.forEach(m -> lines.add("  " + m));
    }
    return lines;
  }

  private static String describe(Class<?> type) {
    String kind = type.isAnnotation() ? "@interface" : type.isInterface() ? "interface" : type.isEnum() ? "enum"
        : type.isRecord() ? "record" : "class";
    StringBuilder s = new StringBuilder(Modifier.toString(type.getModifiers() & ~Modifier.INTERFACE
        & ~(type.isInterface() ? Modifier.ABSTRACT : 0) & ~(type.isEnum() || type.isRecord() ? Modifier.FINAL : 0)));
    s.append(s.length() > 0 ? " " : "").append(kind).append(' ').append(type.getTypeName());
    if (type.getGenericSuperclass() != null && !type.isEnum() && !type.isRecord()
        && type.getSuperclass() != Object.class) {
      s.append(" extends ").append(type.getGenericSuperclass().getTypeName());
    }
    if (type.getGenericInterfaces().length > 0) {
      s.append(type.isInterface() ? " extends " : " implements ").append(Arrays.stream(type.getGenericInterfaces())
          .map(java.lang.reflect.Type::getTypeName).collect(Collectors.joining(", ")));
    }
    return s.toString();
  }

  /** Public, and (for a nested type) inside public types only. */
  private static boolean visible(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
        return false;
      }
    }
    return true;
  }

  private static boolean member(Member m) {
    return (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) && !m.isSynthetic();
  }

  /** The packages {@code module-info.java} exports to everyone. */
  static Set<String> exportedPackages() throws IOException {
    Matcher m = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE)
        .matcher(Files.readString(MODULE_INFO));
    Set<String> packages = new TreeSet<>();
    while (m.find()) {
      packages.add(m.group(1));
    }
    if (packages.isEmpty()) {
      throw new IllegalStateException(MODULE_INFO + " exports no package");
    }
    return packages;
  }
}
