package org.trainer4j.core.callback;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Resolves {@code report_to} against the {@link TrainerCallbackProvider}s found on the class path:
 * {@code all} takes every one (adding the dependency is the opt-in), {@code none} takes none, and names
 * take those; an unknown name fails with the names that were found.
 */
public final class Integrations {
  private Integrations() {}

  /** One chosen integration: its provider and why it was chosen. */
  public record Selection(TrainerCallbackProvider provider, String reason) {
    public String name() {
      return provider.name();
    }
  }

  /** The providers on the class path of this class loader, by name, sorted by name. */
  public static Map<String, TrainerCallbackProvider> available(ClassLoader loader) {
    Map<String, TrainerCallbackProvider> found = new java.util.TreeMap<>();
    for (TrainerCallbackProvider provider : ServiceLoader.load(TrainerCallbackProvider.class, loader)) {
      String name = provider.name().toLowerCase(Locale.ROOT);
      TrainerCallbackProvider previous = found.putIfAbsent(name, provider);
      if (previous != null && previous.getClass() != provider.getClass()) {
        throw new IllegalStateException("two integrations are named '" + name + "': "
            + previous.getClass().getName() + " and " + provider.getClass().getName()
            + "; remove one of them from the class path");
      }
    }
    return found;
  }

  /**
   * The integrations {@code reportTo} selects.
   *
   * @throws IllegalArgumentException for a name no provider on the class path has
   */
  public static List<Selection> select(List<String> reportTo, ClassLoader loader) {
    Map<String, TrainerCallbackProvider> available = available(loader);
    List<String> names = reportTo.stream().map(n -> n.trim().toLowerCase(Locale.ROOT)).toList();
    if (names.isEmpty() || names.equals(List.of("none"))) {
      return List.of();
    }
    if (names.equals(List.of("all"))) {
      return available.values().stream()
          .map(p -> new Selection(p, "report_to=all and it is on the class path"))
          .toList();
    }
    Map<String, Selection> chosen = new LinkedHashMap<>();
    for (String name : names) {
      TrainerCallbackProvider provider = available.get(name);
      if (provider == null) {
        throw new IllegalArgumentException("report_to=" + name + " is not allowed: no integration of that"
            + " name is on the class path; found: "
            + (available.isEmpty() ? "none" : String.join(", ", available.keySet()))
            + " (or use all / none). Add the module that provides it, e.g. trainer-callbacks-" + name + ".");
      }
      chosen.putIfAbsent(name, new Selection(provider, "named in report_to"));
    }
    return new ArrayList<>(chosen.values());
  }

  /** One line for the log: which integrations are in use and how each was chosen. */
  public static String describe(List<Selection> selections, List<String> reportTo) {
    if (selections.isEmpty()) {
      return "Reporting to no integration (report_to=" + String.join(",", reportTo) + ")";
    }
    return "Reporting to " + selections.stream()
        .map(s -> s.name() + " (" + s.reason() + ")")
        .collect(Collectors.joining(", "));
  }
}
