package org.trainer4j.core.args;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link TrainingArguments} from the command line and from JSON the way HF's {@code
 * HfArgumentParser} does, and writes them back. Every option is a field of {@link TrainingArguments}
 * annotated with {@link Help}; its snake_case name is the field's name. The work is done by the
 * arguments' own option table; this class adds the {@code --help} flag as a result instead of an
 * exception.
 */
public final class ArgumentParser {
  private ArgumentParser() {}

  /**
   * The result of parsing a command line: the arguments, and whether {@code --help} was asked for.
   * With help, nothing else is read (argparse prints the help and exits) and {@code arguments} holds
   * the defaults.
   */
  public record Parsed(TrainingArguments arguments, boolean helpRequested) {}

  /**
   * Parses {@code --name value} pairs (also {@code --name=value} and {@code --name-with-dashes}),
   * booleans as {@code --flag} or {@code --flag false}, {@code --no_flag} for booleans that default to
   * true, lists as several values, maps as JSON, or a single {@code .json} file. {@code --help} or
   * {@code -h} anywhere gives a result with {@link Parsed#helpRequested()} and the default arguments.
   *
   * @throws IllegalArgumentException for unknown options (each named with the closest known one), a
   *     missing or bad value, or a failed check, naming the option, the value and what is allowed
   */
  public static Parsed parse(String... argv) {
    if (TrainingArguments.asksForHelp(argv)) {
      return new Parsed(TrainingArguments.builder().build(), true);
    }
    return new Parsed(TrainingArguments.parse(argv), false);
  }

  /**
   * Reads arguments from a JSON object of HF names (HF's {@code parse_json_file}).
   *
   * @throws IllegalArgumentException for invalid JSON, unknown names (all of them named, each with the
   *     closest known one) or bad values
   */
  public static TrainingArguments fromJson(String json) {
    return TrainingArguments.fromJson(json);
  }

  /**
   * Reads a JSON file of arguments.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds bad arguments
   */
  public static TrainingArguments fromJsonFile(Path file) {
    return TrainingArguments.fromJsonFile(file);
  }

  /** The options in declaration order, HF name to value, enums as their HF spelling. */
  public static Map<String, Object> toMap(TrainingArguments args) {
    return args.toMap();
  }

  /** JSON with two-space indent and HF names, as HF's {@code to_json_string}. */
  public static String toJson(TrainingArguments args) {
    return args.toJson();
  }

  /** A field-by-field copy (lists and maps copied too). */
  public static TrainingArguments copyOf(TrainingArguments source) {
    return source.copy();
  }

  /**
   * One line per option: name, type, default and what it does (with the allowed values of a choice),
   * as {@code --help} prints it.
   */
  public static String help() {
    return TrainingArguments.OPTIONS.help();
  }

  /** Every option as {@code --help} describes it, in declaration order. */
  static List<OptionTable.Option> options() {
    return TrainingArguments.OPTIONS.options();
  }

  /** The HF (snake_case) names of every option, in declaration order. */
  public static List<String> optionNames() {
    return TrainingArguments.OPTIONS.optionNames();
  }
}
