package org.trainer4j.core.args;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.trainer4j.core.TrainingArguments;
import org.trainer4j.core.json.PyJson;

/**
 * Reads {@link TrainingArguments} from the command line and from JSON the way HF's {@code
 * HfArgumentParser} does, and writes them back. Every option is a field of {@link TrainingArguments}
 * annotated with {@link Help}; its snake_case name is the field's name.
 */
public final class ArgumentParser {
  private static final List<Field> FIELDS = optionFields();
  private static final Map<String, Field> BY_NAME = byName(FIELDS);
  private static final List<String> TRUE = List.of("true", "yes", "y", "1", "t");
  private static final List<String> FALSE = List.of("false", "no", "n", "0", "f");

  private ArgumentParser() {}

  /** The result of parsing a command line: the arguments, and whether {@code --help} was asked for. */
  public record Parsed(TrainingArguments arguments, boolean helpRequested) {}

  /**
   * Parses {@code --name value} pairs (also {@code --name=value} and {@code --name-with-dashes}),
   * booleans as {@code --flag} or {@code --flag false}, {@code --no_flag} for booleans that default to
   * true, lists as several values, maps as JSON, or a single {@code .json} file.
   *
   * @throws IllegalArgumentException for an unknown option (naming the closest known one), a missing or
   *     bad value, or a validation failure
   */
  public static Parsed parse(String... argv) {
    if (argv.length == 1 && argv[0].endsWith(".json")) {
      return new Parsed(fromJsonFile(Path.of(argv[0])), false);
    }
    TrainingArguments.Builder builder = TrainingArguments.builder();
    TrainingArguments draft = draftOf(builder);
    boolean help = false;
    for (int i = 0; i < argv.length; i++) {
      String token = argv[i];
      if (token.equals("--help") || token.equals("-h")) {
        help = true;
        continue;
      }
      if (!token.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + token
            + "': options are written --name value (see --help)");
      }
      String name = token.substring(2);
      String inlineValue = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inlineValue = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      name = name.replace('-', '_');
      List<String> values = new ArrayList<>();
      if (inlineValue != null) {
        values.add(inlineValue);
      } else {
        while (i + 1 < argv.length && !isOption(argv[i + 1])) {
          values.add(argv[++i]);
        }
      }
      Field field = BY_NAME.get(name);
      if (field == null && name.startsWith("no_")) {
        Field negated = BY_NAME.get(name.substring(3));
        if (negated != null && isBoolean(negated) && Boolean.TRUE.equals(get(negated, defaults())) && values.isEmpty()) {
          set(draft, negated, false);
          continue;
        }
      }
      if (field == null) {
        throw unknown("--" + name);
      }
      set(draft, field, fromStrings(field, values));
    }
    return new Parsed(builder.build(), help);
  }

  /** Reads arguments from a JSON object of HF names; unknown names are an error. */
  public static TrainingArguments fromJson(String json) {
    Object parsed = PyJson.loads(json);
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("training arguments JSON must be an object of option names");
    }
    TrainingArguments.Builder builder = TrainingArguments.builder();
    TrainingArguments draft = draftOf(builder);
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey());
      Field field = BY_NAME.get(name);
      if (field == null) {
        throw unknown(name);
      }
      set(draft, field, fromJsonValue(field, e.getValue()));
    }
    return builder.build();
  }

  /** Reads a JSON file of arguments, naming the file in any error. */
  public static TrainingArguments fromJsonFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read training arguments file " + file, e);
    }
    try {
      return fromJson(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The options in declaration order, HF name to value, enums as their HF spelling. */
  public static Map<String, Object> toMap(TrainingArguments args) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Field f : FIELDS) {
      Object v = get(f, args);
      if (v instanceof Choice c) {
        v = c.value();
      } else if (v instanceof Map<?, ?> m) {
        v = new LinkedHashMap<>(m);
      } else if (v instanceof Collection<?> c) {
        v = new ArrayList<>(c);
      }
      map.put(snakeCase(f.getName()), v);
    }
    return map;
  }

  /** JSON with two-space indent and HF names, as HF's {@code to_json_string}. */
  public static String toJson(TrainingArguments args) {
    return PyJson.dumps(toMap(args), false) + "\n";
  }

  /** A field-by-field copy (lists and maps copied too). */
  public static TrainingArguments copyOf(TrainingArguments source) {
    TrainingArguments copy = newInstance();
    for (Field f : FIELDS) {
      Object v = get(f, source);
      if (v instanceof Map<?, ?> m) {
        v = new LinkedHashMap<>(m);
      } else if (v instanceof List<?> l) {
        v = new ArrayList<>(l);
      }
      set(copy, f, v);
    }
    return copy;
  }

  /** One line per option: name, type, default and what it does. */
  public static String help() {
    TrainingArguments defaults = defaults();
    StringBuilder out = new StringBuilder("Training arguments (HF names; --name value):\n");
    int width = FIELDS.stream().mapToInt(f -> snakeCase(f.getName()).length()).max().orElse(20) + 2;
    for (Field f : FIELDS) {
      String name = "--" + snakeCase(f.getName());
      Object def = get(f, defaults);
      String defText = def == null ? "unset" : def instanceof Choice c ? c.value() : String.valueOf(def);
      out.append(String.format("  %-" + (width + 2) + "s %-8s (default: %s) %s%n", name, typeName(f),
          defText, f.getAnnotation(Help.class).value()));
    }
    out.append("  --help").append(" ".repeat(Math.max(1, width - 4))).append("   show this list\n");
    return out.toString();
  }

  /** The HF (snake_case) names of every option, in declaration order. */
  public static List<String> optionNames() {
    return FIELDS.stream().map(f -> snakeCase(f.getName())).toList();
  }

  static String snakeCase(String camel) {
    StringBuilder out = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  // ---- conversion ----

  private static Object fromStrings(Field field, List<String> values) {
    String name = snakeCase(field.getName());
    Class<?> type = field.getType();
    if (isBoolean(field)) {
      if (values.isEmpty()) {
        return true;
      }
      if (values.size() > 1) {
        throw new IllegalArgumentException("--" + name + " takes one value, got " + values);
      }
      return parseBoolean(name, values.get(0));
    }
    if (List.class.isAssignableFrom(type)) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("--" + name + " needs one or more values");
      }
      return new ArrayList<>(values);
    }
    if (values.size() != 1) {
      throw new IllegalArgumentException("--" + name + " takes one value, got "
          + (values.isEmpty() ? "none" : values.toString()));
    }
    String text = values.get(0);
    if (Map.class.isAssignableFrom(type)) {
      Object parsed;
      try {
        parsed = PyJson.loads(text);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(name + "=" + text + " is not allowed; use a JSON object such as {\"num_cycles\": 2}");
      }
      return fromJsonValue(field, parsed);
    }
    return fromText(field, name, text);
  }

  private static Object fromText(Field field, String name, String text) {
    Class<?> type = field.getType();
    try {
      if (type == int.class || type == Integer.class) {
        return Integer.parseInt(text.trim());
      }
      if (type == double.class || type == Double.class) {
        return Double.parseDouble(text.trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + text + " is not allowed; use "
          + (type == int.class || type == Integer.class ? "a whole number" : "a number"));
    }
    if (type == String.class) {
      return text;
    }
    if (type.isEnum()) {
      return parseChoice(type, name, text);
    }
    throw new IllegalStateException("no conversion for option " + name + " of type " + type);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object parseChoice(Class<?> type, String name, String text) {
    return Choice.parse((Class) type, name, text);
  }

  private static Object fromJsonValue(Field field, Object value) {
    String name = snakeCase(field.getName());
    Class<?> type = field.getType();
    if (value == null) {
      if (type.isPrimitive()) {
        throw new IllegalArgumentException(name + "=null is not allowed; use " + typeName(field));
      }
      if (List.class.isAssignableFrom(type)) {
        return new ArrayList<>();
      }
      if (Map.class.isAssignableFrom(type)) {
        return new LinkedHashMap<>();
      }
      return null;
    }
    if (isBoolean(field)) {
      if (value instanceof Boolean b) {
        return b;
      }
      return parseBoolean(name, String.valueOf(value));
    }
    if (List.class.isAssignableFrom(type)) {
      if (value instanceof Collection<?> c) {
        return c.stream().map(String::valueOf).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
      }
      return new ArrayList<>(List.of(String.valueOf(value)));
    }
    if (Map.class.isAssignableFrom(type)) {
      if (value instanceof String s) {
        return fromStrings(field, List.of(s));
      }
      if (!(value instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException(name + "=" + value + " is not allowed; use a JSON object");
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), v));
      return copy;
    }
    if ((type == int.class || type == Integer.class) && value instanceof Number n) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new IllegalArgumentException(name + "=" + value + " is not allowed; use a whole number");
      }
      return n.intValue();
    }
    if ((type == double.class || type == Double.class) && value instanceof Number n) {
      return n.doubleValue();
    }
    return fromText(field, name, String.valueOf(value));
  }

  private static boolean parseBoolean(String name, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (TRUE.contains(t)) {
      return true;
    }
    if (FALSE.contains(t)) {
      return false;
    }
    throw new IllegalArgumentException(name + "=" + text + " is not allowed; use true or false");
  }

  private static boolean isOption(String token) {
    return token.startsWith("--") && token.length() > 2;
  }

  private static boolean isBoolean(Field f) {
    return f.getType() == boolean.class || f.getType() == Boolean.class;
  }

  private static String typeName(Field f) {
    Class<?> t = f.getType();
    if (isBoolean(f)) {
      return "bool";
    }
    if (t == int.class || t == Integer.class) {
      return "int";
    }
    if (t == double.class || t == Double.class) {
      return "float";
    }
    if (t.isEnum()) {
      return "choice";
    }
    if (List.class.isAssignableFrom(t)) {
      return "list";
    }
    if (Map.class.isAssignableFrom(t)) {
      return "json";
    }
    return "str";
  }

  private static IllegalArgumentException unknown(String given) {
    String bare = given.startsWith("--") ? given.substring(2) : given;
    String closest = BY_NAME.keySet().stream()
        .min(Comparator.comparingInt(n -> editDistance(n, bare)))
        .orElse("");
    String prefix = given.startsWith("--") ? "--" : "";
    return new IllegalArgumentException("unknown option " + given + "; did you mean " + prefix + closest
        + "? (--help lists every option)");
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  // ---- reflection over TrainingArguments' option fields ----

  private static List<Field> optionFields() {
    List<Field> fields = new ArrayList<>();
    for (Field f : TrainingArguments.class.getDeclaredFields()) {
      if (f.isAnnotationPresent(Help.class) && !Modifier.isStatic(f.getModifiers())) {
        f.setAccessible(true);
        fields.add(f);
      }
    }
    return List.copyOf(fields);
  }

  private static Map<String, Field> byName(List<Field> fields) {
    Map<String, Field> map = new LinkedHashMap<>();
    fields.forEach(f -> map.put(snakeCase(f.getName()), f));
    return map;
  }

  private static TrainingArguments defaults() {
    return newInstance();
  }

  private static TrainingArguments newInstance() {
    try {
      Constructor<TrainingArguments> c = TrainingArguments.class.getDeclaredConstructor();
      c.setAccessible(true);
      return c.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TrainingArguments draftOf(TrainingArguments.Builder builder) {
    try {
      Field draft = TrainingArguments.Builder.class.getDeclaredField("a");
      draft.setAccessible(true);
      return (TrainingArguments) draft.get(builder);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object get(Field f, TrainingArguments args) {
    try {
      return f.get(args);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void set(TrainingArguments args, Field f, Object value) {
    try {
      f.set(args, value);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

}
