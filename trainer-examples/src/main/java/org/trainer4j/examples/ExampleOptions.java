package org.trainer4j.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.core.TrainingArguments;
import org.trainer4j.core.args.ArgumentParser;

/**
 * Command-line handling shared by the examples: their own few options ({@code --name value}) are taken
 * out, everything else is parsed as {@link TrainingArguments} on top of the example's defaults.
 */
final class ExampleOptions {
  private final Map<String, String> own = new LinkedHashMap<>();
  private final Map<String, String> ownHelp = new LinkedHashMap<>();
  private final List<String> defaults;

  ExampleOptions(List<String> trainingDefaults) {
    this.defaults = List.copyOf(trainingDefaults);
  }

  /** Declares an example option with its default and one line of help. */
  ExampleOptions option(String name, String defaultValue, String help) {
    own.put(name, defaultValue);
    ownHelp.put(name, help);
    return this;
  }

  /** The parsed result: the example's options, the training arguments, and whether help was asked. */
  record Parsed(Map<String, String> options, TrainingArguments args, boolean help) {
    int intOption(String name) {
      String v = options.get(name);
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + "=" + v + " is not allowed; use a whole number");
      }
    }

    float floatOption(String name) {
      String v = options.get(name);
      try {
        return Float.parseFloat(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + "=" + v + " is not allowed; use a number");
      }
    }
  }

  Parsed parse(String[] argv) {
    Map<String, String> values = new LinkedHashMap<>(own);
    List<String> rest = new ArrayList<>(defaults);
    for (int i = 0; i < argv.length; i++) {
      String name = argv[i].startsWith("--") ? argv[i].substring(2).replace('-', '_') : "";
      if (own.containsKey(name)) {
        if (i + 1 >= argv.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        values.put(name, argv[++i]);
      } else {
        rest.add(argv[i]);
      }
    }
    ArgumentParser.Parsed parsed = ArgumentParser.parse(rest.toArray(String[]::new));
    return new Parsed(values, parsed.arguments(), parsed.helpRequested());
  }

  String help(String usage) {
    StringBuilder out = new StringBuilder(usage).append("\n\nExample options:\n");
    ownHelp.forEach((name, help) -> out.append(String.format("  --%-30s (default: %s) %s%n", name, own.get(name), help)));
    out.append("\nThe example's defaults for training arguments: ").append(String.join(" ", defaults)).append("\n\n");
    return out.append(ArgumentParser.help()).toString();
  }
}
