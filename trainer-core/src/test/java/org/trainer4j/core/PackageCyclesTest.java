package org.trainer4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No package of core depends, directly or through others, on a package that depends on it: what {@code
 * jdeps -verbose:package} reports for the compiled classes, checked on every build.
 */
class PackageCyclesTest {
  private static final Pattern EDGE = Pattern.compile("^\\s+(org\\.trainer4j[^\\s$]*)\\S*\\s+->\\s+(org\\.trainer4j[^\\s$]*)",
      Pattern.MULTILINE);

  @Test
  void corePackagesFormNoCycle(@TempDir Path copy) throws Exception {
    Map<String, Set<String>> uses = packageDependencies(copy);
    assertTrue(uses.containsKey("org.trainer4j.core"), "jdeps saw no classes: " + uses);
    List<String> cycles = new ArrayList<>();
    uses.forEach((from, targets) -> targets.forEach(to -> {
      if (reaches(uses, to, from)) {
        cycles.add(from + " -> " + to + " -> ... -> " + from);
      }
    }));
    assertEquals(List.of(), cycles, "package cycles (docs/ARCHITECTURE.md has the intended layers)");
  }

  /**
   * The arguments do not need their parser: it reads them through the option table they own, and they
   * never call it (it used to reach into the builder's private field by name, and they called it back).
   */
  @Test
  void trainingArgumentsAndTheirParserFormNoCycle(@TempDir Path copy) throws Exception {
    Map<String, Set<String>> uses = dependencies(copy, "-verbose:class");
    String arguments = "org.trainer4j.core.args.TrainingArguments";
    String parser = "org.trainer4j.core.args.ArgumentParser";
    assertTrue(uses.getOrDefault(parser, Set.of()).contains(arguments), "the parser reads the arguments: " + uses.get(parser));
    assertTrue(!reaches(uses, arguments, parser), "TrainingArguments reaches ArgumentParser: " + uses.get(arguments));
  }

  private static Map<String, Set<String>> packageDependencies(Path copy) throws Exception {
    return dependencies(copy, "-verbose:package");
  }

  /** jdeps over a copy of the classes without module-info.class (so it needs no module path). */
  private static Map<String, Set<String>> dependencies(Path copy, String verbose) throws Exception {
    Path classes = Path.of(Trainer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(classes.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else if (f.toString().endsWith(".class") && !f.getFileName().toString().equals("module-info.class")) {
          Files.copy(f, target);
        }
      }
    }
    StringWriter out = new StringWriter();
    int status = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out), new PrintWriter(out),
        verbose, "-filter:none", "-e", "org\\.trainer4j.*", copy.toString());
    assertEquals(0, status, out.toString());
    Map<String, Set<String>> uses = new TreeMap<>();
    Matcher m = EDGE.matcher(out.toString());
    while (m.find()) {
      if (!m.group(1).equals(m.group(2))) {
        uses.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
      }
    }
    return uses;
  }

  private static boolean reaches(Map<String, Set<String>> uses, String from, String to) {
    Deque<String> todo = new ArrayDeque<>(List.of(from));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String p = todo.pop();
      if (p.equals(to)) {
        return true;
      }
      if (seen.add(p)) {
        todo.addAll(uses.getOrDefault(p, Set.of()));
      }
    }
    return false;
  }
}
