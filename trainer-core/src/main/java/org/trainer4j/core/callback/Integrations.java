package org.trainer4j.core.callback;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.trainer4j.core.args.ClosestName;

/**
 * Resolves {@code report_to} against the {@link TrainerCallbackProvider}s found on the class path:
 * {@code all} takes every one (adding the dependency is the opt-in), {@code none} takes none, and names
 * take those; an unknown name fails with the names that were found.
 */
public final class Integrations {
  /** Integrations published as Trainer4J modules, by name: what to add when one is missing. */
  private static final Map<String, String> KNOWN_MODULES = Map.of(
      "tensorboard", "org.trainer4j:trainer-callbacks-tensorboard",
      "wandb", "org.trainer4j:trainer-callbacks-wandb",
      "csv", "org.trainer4j:trainer-example-plugin-csv");

  /** HF's other report_to names (integration_utils.py), for which Trainer4J has no module. */
  private static final List<String> HF_ONLY = List.of("azure_ml", "comet_ml", "mlflow", "neptune", "trackio",
      "codecarbon", "clearml", "dagshub", "flyte", "dvclive", "swanlab");

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
            + " (or use all / none)." + hint(name, available.keySet()));
      }
      chosen.putIfAbsent(name, new Selection(provider, "named in report_to"));
    }
    return new ArrayList<>(chosen.values());
  }

  /**
   * What to do about an unknown name: add the module of a known integration, a "did you mean" among
   * the installed and the known names, or that HF's integration has no Trainer4J module. Never names a
   * module that does not exist.
   */
  private static String hint(String name, java.util.Set<String> installed) {
    if (KNOWN_MODULES.containsKey(name)) {
      return " Add " + KNOWN_MODULES.get(name) + " to the class path (see docs/MODULES.md).";
    }
    java.util.Set<String> candidates = new java.util.TreeSet<>(installed);
    candidates.addAll(KNOWN_MODULES.keySet());
    Optional<String> closest = ClosestName.within(candidates, name, Math.max(1, name.length() / 3));
    if (closest.isPresent()) {
      String guess = closest.get();
      return " Did you mean " + guess + "?" + (installed.contains(guess) ? ""
          : " (add " + KNOWN_MODULES.get(guess) + " to the class path for it)");
    }
    if (HF_ONLY.contains(name)) {
      return " " + name + " is an integration of HF's Trainer that Trainer4J has no module for; a plugin can add"
          + " it (see docs/PLUGINS.md).";
    }
    return "";
  }

  /**
   * Checks the names given to {@code Trainer.builder().integration(name, ...)}.
   *
   * @throws IllegalArgumentException for a name no provider on the class path has, listing those that are
   */
  public static void checkConfigured(java.util.Set<String> names, ClassLoader loader) {
    if (names.isEmpty()) {
      return;
    }
    Map<String, TrainerCallbackProvider> available = available(loader);
    for (String name : names) {
      if (!available.containsKey(name)) {
        throw new IllegalArgumentException("integration(\"" + name + "\", ...) is not allowed: no integration of"
            + " that name is on the class path; installed: "
            + (available.isEmpty() ? "none" : String.join(", ", available.keySet())) + "." + hint(name,
            available.keySet()));
      }
    }
  }

  /** One line for the log: which integrations are in use and how each was chosen. */
  public static String describe(List<Selection> selections, List<String> reportTo) {
    return describe(selections, reportTo, List.of());
  }

  /**
   * One line for the log: the integrations that are running and how each was chosen, and those that
   * could not start ({@code switchedOff}), which are not reported to.
   */
  public static String describe(List<Selection> running, List<String> reportTo, List<String> switchedOff) {
    String off = switchedOff.isEmpty() ? ""
        : "; not reporting to " + String.join(", ", switchedOff) + ": could not start (see the error above)";
    if (running.isEmpty()) {
      return "Reporting to no integration (report_to=" + String.join(",", reportTo) + ")" + off;
    }
    return "Reporting to " + running.stream()
        .map(s -> s.name() + " (" + s.reason() + ")")
        .collect(Collectors.joining(", ")) + off;
  }
}
