package org.trainer4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.args.ArgumentParser;
import org.trainer4j.core.json.PyJson;

/**
 * Command-line handling shared by the examples: their own few options ({@code --name value}) are taken
 * out, everything else is parsed as {@link TrainingArguments} on top of the example's defaults. A single
 * {@code .json} argument is a file of the same names, as HF's {@code parse_json_file} reads it.
 */
final class ExampleOptions {
  private final Map<String, String> own = new LinkedHashMap<>();
  private final Map<String, String> ownHelp = new LinkedHashMap<>();
  private final List<String> defaults;

  ExampleOptions(List<String> trainingDefaults) {
    if (trainingDefaults.size() % 2 != 0) {
      throw new IllegalArgumentException("the example's defaults must be --name value pairs: " + trainingDefaults);
    }
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

  /**
   * For {@code main}: the parsed command line, or empty after printing the help. A bad command line
   * prints {@code error: <message>} and exits with status 2, as argparse does.
   */
  Optional<Parsed> parseOrExit(String[] argv, String usage) {
    Parsed parsed;
    try {
      parsed = parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return Optional.empty();
    }
    if (parsed.help()) {
      System.out.println(help(usage));
      return Optional.empty();
    }
    return Optional.of(parsed);
  }

  /**
   * Parses {@code --name value} options, or one {@code .json} file whose names may be training arguments
   * and the example's own options; names not given keep the example's defaults.
   *
   * @throws IllegalArgumentException for an unknown name or a bad value, naming it
   */
  Parsed parse(String[] argv) {
    Map<String, String> values = new LinkedHashMap<>(own);
    List<String> given = new ArrayList<>();
    for (int i = 0; i < argv.length; i++) {
      String name = argv[i].startsWith("--") ? argv[i].substring(2).replace('-', '_') : "";
      if (own.containsKey(name)) {
        if (i + 1 >= argv.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        values.put(name, argv[++i]);
      } else {
        given.add(argv[i]);
      }
    }
    if (given.size() == 1 && given.get(0).endsWith(".json") && !given.get(0).startsWith("--")) {
      return new Parsed(values, fromJsonFile(Path.of(given.get(0)), values), false);
    }
    List<String> commandLine = new ArrayList<>(defaults);
    commandLine.addAll(given);
    ArgumentParser.Parsed parsed = ArgumentParser.parse(commandLine.toArray(String[]::new));
    return new Parsed(values, parsed.arguments(), parsed.helpRequested());
  }

  /** The file's names over the example's defaults; its example options go into {@code values}. */
  private TrainingArguments fromJsonFile(Path file, Map<String, String> values) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the arguments file " + file + ": " + e, e);
    }
    try {
      if (!(PyJson.loads(text) instanceof Map<?, ?> fromFile)) {
        throw new IllegalArgumentException("the arguments file must hold a JSON object of option names");
      }
      Map<String, Object> training = new LinkedHashMap<>();
      for (int i = 0; i < defaults.size(); i += 2) {
        training.put(defaults.get(i).substring(2), defaults.get(i + 1));
      }
      fromFile.forEach((name, value) -> {
        if (own.containsKey(String.valueOf(name))) {
          values.put(String.valueOf(name), String.valueOf(value));
        } else {
          training.put(String.valueOf(name), value);
        }
      });
      return ArgumentParser.fromJson(PyJson.dumps(training, false));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  String help(String usage) {
    StringBuilder out = new StringBuilder(usage).append("\n\nExample options:\n");
    ownHelp.forEach((name, help) -> out.append(String.format("  --%-30s (default: %s) %s%n", name, own.get(name), help)));
    out.append("\nThe example's defaults for training arguments: ").append(String.join(" ", defaults)).append("\n");
    out.append("Instead of options, one .json file of the same names (training arguments and example options).\n\n");
    return out.append(ArgumentParser.help()).toString();
  }
}
