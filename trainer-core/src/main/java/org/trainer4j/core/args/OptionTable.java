package org.trainer4j.core.args;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.trainer4j.core.json.PyJson;

/**
 * The options of a class whose option fields carry {@link Help} (its snake_case name is the field's
 * name): read from a command line and from JSON the way HF's {@code HfArgumentParser} does, written
 * back as a map, copied, and listed for {@code --help}. It knows the class only through the {@link
 * Class} and the defaults it is given, so the class can own its table without the two knowing each
 * other ({@code TrainingArguments} holds one; {@code ArgumentParser} is the public face).
 *
 * @param <T> the class of the options
 */
final class OptionTable<T> {
  private final List<Field> fields;
  private final Map<String, Field> byName;
  private final T defaults;
  private static final java.util.Set<String> HF_OPTIONS = hfOptionNames();
  private static final List<String> TRUE = List.of("true", "yes", "y", "1", "t");
  private static final List<String> FALSE = List.of("false", "no", "n", "0", "f");
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?");

  /**
   * @param type the class whose {@link Help} fields are the options
   * @param defaults an instance with every option at its default
   */
  OptionTable(Class<T> type, T defaults) {
    this.fields = optionFields(type);
    this.byName = indexByName(fields);
    this.defaults = defaults;
  }

  /**
   * Sets the options of a command line on {@code draft}: {@code --name value} pairs (also {@code
   * --name=value} and {@code --name-with-dashes}), booleans as {@code --flag} or {@code --flag false},
   * {@code --no_flag} for booleans that default to true, lists as several values, maps as JSON.
   *
   * @throws IllegalArgumentException for unknown options (each named with the closest known one) or a
   *     missing or bad value, naming the option, the value and what is allowed
   */
  void applyArgv(T draft, String... argv) {
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < argv.length; i++) {
      String token = argv[i];
      if (!isOption(token)) {
        throw new IllegalArgumentException("unexpected argument '" + token
            + "': options are written --name value or --name=value (see --help)");
      }
      String name = token.substring(2);
      List<String> values = new ArrayList<>();
      int eq = name.indexOf('=');
      if (eq >= 0) {
        values.add(name.substring(eq + 1));
        name = name.substring(0, eq);
      } else {
        while (i + 1 < argv.length && !isOption(argv[i + 1])) {
          values.add(argv[++i]);
        }
      }
      name = name.replace('-', '_');
      Field field = byName.get(name);
      if (field == null && name.startsWith("no_") && byName.containsKey(name.substring(3))) {
        setNegated(draft, byName.get(name.substring(3)), values);
      } else if (field == null) {
        unknown.add("--" + name);
      } else {
        set(draft, field, fromStrings(field, values));
      }
    }
    if (!unknown.isEmpty()) {
      throw unknown(unknown);
    }
  }

  /** {@code --no_flag}: only for booleans that default to true, as HfArgumentParser adds it. */
  private void setNegated(T draft, Field flag, List<String> values) {
    String name = snakeCase(flag.getName());
    Object def = get(flag, defaults);
    if (!isBoolean(flag) || !Boolean.TRUE.equals(def)) {
      throw new IllegalArgumentException("--no_" + name + " is not an option: only booleans that default to true"
          + " have a --no_ form, and " + name + " defaults to " + (def == null ? "unset" : def)
          + "; use --" + name + (isBoolean(flag) ? " false" : " <value>"));
    }
    if (!values.isEmpty()) {
      throw new IllegalArgumentException("--no_" + name + " takes no value, got " + String.join(" ", values)
          + "; use --" + name + " true or --" + name + " false to give one");
    }
    set(draft, flag, false);
  }

  /**
   * Sets the options of a JSON object of HF names on {@code draft} (HF's {@code parse_json_file}).
   *
   * @throws IllegalArgumentException for unknown names (all of them named, each with the closest known
   *     one) or bad values
   */
  void applyJson(T draft, Map<?, ?> map) {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey());
      Field field = byName.get(name);
      if (field == null) {
        unknown.add(name);
      } else {
        set(draft, field, fromJsonValue(field, e.getValue()));
      }
    }
    if (!unknown.isEmpty()) {
      throw unknown(unknown);
    }
  }

  /** The options in declaration order, HF name to value, enums as their HF spelling. */
  Map<String, Object> toMap(T args) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Field f : fields) {
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
  String toJson(T args) {
    return PyJson.dumps(toMap(args), false) + "\n";
  }

  /** Copies {@code source} into {@code copy} field by field (lists and maps copied too); returns {@code copy}. */
  T copy(T source, T copy) {
    for (Field f : fields) {
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

  /**
   * One line per option: name, type, default and what it does (with the allowed values of a choice),
   * as {@code --help} prints it.
   */
  String help() {
    List<Option> options = options();
    int width = options.stream().mapToInt(o -> o.name().length()).max().orElse(20) + 2;
    StringBuilder out = new StringBuilder("Training arguments (HF names; --name value, --name=value or"
        + " --name-with-dashes value; or one .json file of the same names):\n");
    for (Option o : options) {
      out.append(String.format("  %-" + width + "s %-6s (default: %s) %s%n", "--" + o.name(), o.type(),
          o.defaultText(), o.description()));
    }
    out.append(String.format("  %-" + width + "s %-6s %s%n", "-h, --help", "", "Show this list and exit."));
    return out.toString();
  }

  /** What {@code --help} says of one option. */
  record Option(String name, String type, String defaultText, String description) {}

  /** Every option as {@code --help} describes it, in declaration order. */
  List<Option> options() {
    return fields.stream().map(f -> new Option(snakeCase(f.getName()), typeName(f), defaultText(get(f, defaults)),
        description(f))).toList();
  }

  private static String defaultText(Object def) {
    if (def == null) {
      return "unset";
    }
    if (def instanceof Choice c) {
      return c.value();
    }
    if (def instanceof Double d) {
      return PyJson.floatRepr(d);
    }
    if (def instanceof Collection<?> list) {
      return "[" + String.join(" ", list.stream().map(String::valueOf).toList()) + "]";
    }
    return String.valueOf(def);
  }

  private static String description(Field f) {
    String text = f.getAnnotation(Help.class).value();
    if (!f.getType().isEnum()) {
      return text;
    }
    List<String> choices = new ArrayList<>();
    for (Object constant : f.getType().getEnumConstants()) {
      Choice c = (Choice) constant;
      choices.add(c.aliases().isEmpty() ? c.value() : c.value() + " (alias " + String.join(", ", c.aliases()) + ")");
    }
    return text + " One of: " + String.join(", ", choices) + ".";
  }

  /** The HF (snake_case) names of every option, in declaration order. */
  List<String> optionNames() {
    return fields.stream().map(f -> snakeCase(f.getName())).toList();
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
        throw new IllegalArgumentException("--" + name + " takes at most one value (true or false), got "
            + String.join(" ", values));
      }
      return parseBoolean(name, values.get(0));
    }
    if (List.class.isAssignableFrom(type)) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("--" + name + " needs one or more values, e.g. --" + name + " a b");
      }
      return new ArrayList<>(values);
    }
    if (values.size() != 1) {
      throw new IllegalArgumentException("--" + name + (values.isEmpty() ? " needs a value: " + allowed(field)
          : " takes one value, got " + String.join(" ", values) + "; use " + allowed(field)));
    }
    String text = values.get(0);
    if (Map.class.isAssignableFrom(type)) {
      Object parsed;
      try {
        parsed = PyJson.loads(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + "=" + text + " is not allowed; use " + allowed(field), e);
      }
      return fromJsonValue(field, parsed);
    }
    return fromText(field, name, text);
  }

  private static Object fromText(Field field, String name, String text) {
    Class<?> type = field.getType();
    if (type == int.class || type == Integer.class) {
      String t = text.trim();
      if (!INTEGER.matcher(t).matches() || new BigInteger(t).bitLength() > 31) {
        throw new IllegalArgumentException(name + "=" + text + " is not allowed; use " + allowed(field));
      }
      return Integer.parseInt(t);
    }
    if (type == double.class || type == Double.class) {
      return parseFloat(name, text, field);
    }
    if (type == String.class) {
      return text;
    }
    if (type.isEnum()) {
      return parseChoice(type, name, text);
    }
    throw new IllegalStateException("no conversion for option " + name + " of type " + type);
  }

  /** Python's {@code float()} spellings: {@code 3e-05}, {@code .5}, {@code 1.}, {@code inf}, {@code nan}. */
  private static double parseFloat(String name, String text, Field field) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    String unsigned = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    double sign = t.startsWith("-") ? -1 : 1;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    if (!DECIMAL.matcher(t).matches()) {
      throw new IllegalArgumentException(name + "=" + text + " is not allowed; use " + allowed(field));
    }
    return Double.parseDouble(t);
  }

  /** What a value of this option may be, for error messages. */
  private static String allowed(Field field) {
    Class<?> type = field.getType();
    if (isBoolean(field)) {
      return "true or false";
    }
    if (type == int.class || type == Integer.class) {
      return "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
    }
    if (type == double.class || type == Double.class) {
      return "a number such as 3e-05 or 0.5";
    }
    if (type.isEnum()) {
      return "one of: " + Arrays.stream(type.getEnumConstants()).map(c -> ((Choice) c).value())
          .collect(Collectors.joining(", "));
    }
    if (Map.class.isAssignableFrom(type)) {
      return "a JSON object such as {\"num_cycles\": 2}";
    }
    if (List.class.isAssignableFrom(type)) {
      return "one or more values";
    }
    return "a text";
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
        throw new IllegalArgumentException(name + "=null is not allowed; use " + allowed(field));
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
        return c.stream().map(String::valueOf).collect(Collectors.toCollection(ArrayList::new));
      }
      return new ArrayList<>(List.of(String.valueOf(value)));
    }
    if (Map.class.isAssignableFrom(type)) {
      if (value instanceof String s) {
        return fromStrings(field, List.of(s));
      }
      if (!(value instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException(name + "=" + value + " is not allowed; use " + allowed(field));
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), v));
      return copy;
    }
    if ((type == int.class || type == Integer.class) && value instanceof Number n) {
      double d = n.doubleValue();
      if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(name + "=" + value + " is not allowed; use " + allowed(field));
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
    throw new IllegalArgumentException(name + "=" + text + " is not allowed; use true or false"
        + " (also yes/no, t/f, y/n, 1/0)");
  }

  private static boolean isOption(String token) {
    return token.startsWith("--") && token.length() > 2 && token.charAt(2) != '=';
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
      return "str";
    }
    if (List.class.isAssignableFrom(t)) {
      return "list";
    }
    if (Map.class.isAssignableFrom(t)) {
      return "json";
    }
    return "str";
  }

  /**
   * Names every unknown option: those HF's {@code TrainingArguments} has (fp16, gradient_checkpointing,
   * ...) as not supported yet, the others with the closest known name as a "did you mean" hint.
   */
  private IllegalArgumentException unknown(List<String> given) {
    List<String> fromHf = new ArrayList<>();
    List<String> hints = new ArrayList<>();
    for (String g : given) {
      boolean dashed = g.startsWith("--");
      String bare = dashed ? g.substring(2) : g;
      if (HF_OPTIONS.contains(bare) || bare.startsWith("no_") && HF_OPTIONS.contains(bare.substring(3))) {
        fromHf.add(g);
        continue;
      }
      String closest = ClosestName.among(byName.keySet(), bare).orElseThrow();
      hints.add(g + " (did you mean " + (dashed ? "--" : "") + closest + "?)");
    }
    List<String> parts = new ArrayList<>();
    if (!fromHf.isEmpty()) {
      parts.add(String.join(", ", fromHf) + (fromHf.size() == 1 ? " is an option" : " are options")
          + " of HF's TrainingArguments that Trainer4J does not support yet");
    }
    if (!hints.isEmpty()) {
      parts.add((hints.size() == 1 ? "unknown option " : "unknown options ") + String.join(", ", hints));
    }
    return new IllegalArgumentException(String.join("; ", parts) + "; --help lists every option");
  }

  /** The option names of HF's TrainingArguments (a resource made from HF's training_args.py). */
  private static java.util.Set<String> hfOptionNames() {
    String resource = "hf-training-arguments.txt";
    try (java.io.InputStream in = OptionTable.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the resource " + resource + " is missing from trainer-core");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
          .filter(line -> !line.isBlank() && !line.startsWith("#")).collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read the resource " + resource, e);
    }
  }

  // ---- reflection over the option fields ----

  private static List<Field> optionFields(Class<?> type) {
    List<Field> found = new ArrayList<>();
    for (Field f : type.getDeclaredFields()) {
      if (f.isAnnotationPresent(Help.class) && !Modifier.isStatic(f.getModifiers())) {
        f.setAccessible(true);
        found.add(f);
      }
    }
    return List.copyOf(found);
  }

  private static Map<String, Field> indexByName(List<Field> fields) {
    Map<String, Field> map = new LinkedHashMap<>();
    fields.forEach(f -> map.put(snakeCase(f.getName()), f));
    return map;
  }

  private static Object get(Field f, Object args) {
    try {
      return f.get(args);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void set(Object args, Field f, Object value) {
    try {
      f.set(args, value);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

}
