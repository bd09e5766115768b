package org.trainer4j.transformers.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.transformers.JsonFiles;

/**
 * A Hugging Face fast tokenizer ({@code tokenizer.json}) run by DJL's bindings of HF's Rust {@code tokenizers},
 * offline. It encodes as HF's {@code tokenizer(text, text_pair, truncation=..., max_length=...)} does: special
 * tokens added, no padding (the collator pads), truncation only when asked for.
 *
 * <p>Truncation follows HF's rules: {@link Truncation#DO_NOT_TRUNCATE} is the default; with a strategy and no
 * {@code maxLength}, the limit is {@code model_max_length} of {@code tokenizer_config.json}. The {@code
 * truncation} and {@code padding} settings stored inside a {@code tokenizer.json} are ignored, as HF's tokenizer
 * call ignores them.
 *
 * <p>Thread-safe. Close it to free the native tokenizer.
 */
public final class TextTokenizer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TextTokenizer.class);
  /** HF's {@code LARGE_INTEGER}-style placeholder: a {@code model_max_length} this big means "no limit". */
  private static final long NO_MODEL_LIMIT = 1_000_000_000L;

  private final HuggingFaceTokenizer tokenizer;
  private final TokenizerFiles files;
  private final Truncation truncation;
  private final OptionalInt maxLength;
  private final boolean returnOverflowingTokens;
  private final AtomicBoolean warnedTooLong = new AtomicBoolean();

  private TextTokenizer(Builder b) {
    this.files = TokenizerFiles.read(b.path);
    // HF: "If you only set max_length, it activates truncation for max_length".
    this.truncation = b.truncation.orElse(b.maxLength.isPresent() ? Truncation.LONGEST_FIRST : Truncation.DO_NOT_TRUNCATE);
    if (b.maxLength.isPresent()) {
      this.maxLength = b.maxLength;
    } else if (truncation != Truncation.DO_NOT_TRUNCATE) {
      this.maxLength = OptionalInt.of(files.modelMaxLength().orElseThrow(() -> new IllegalArgumentException("truncation="
          + truncation.hfName() + " needs a max_length: give maxLength(...), or a tokenizer_config.json with"
          + " model_max_length beside " + files.tokenizerJson() + " (HF truncates to model_max_length)")));
    } else {
      this.maxLength = OptionalInt.empty();
    }
    this.returnOverflowingTokens = b.returnOverflowingTokens;
    if (returnOverflowingTokens && truncation == Truncation.DO_NOT_TRUNCATE) {
      throw new IllegalArgumentException("return_overflowing_tokens=true needs truncation (a max_length): the"
          + " overflowing tokens are what truncation cuts off");
    }
    Map<String, String> options = new HashMap<>();
    options.put("addSpecialTokens", String.valueOf(b.addSpecialTokens));
    options.put("stride", String.valueOf(b.stride));
    options.put("withOverflowingTokens", String.valueOf(returnOverflowingTokens));
    options.put("padding", "false");
    options.put("truncation", truncation == Truncation.DO_NOT_TRUNCATE ? "false" : truncation.name());
    // DJL clamps max_length to modelMaxLength (512 unless given); HF does not, so lift DJL's limit.
    options.put("modelMaxLength", String.valueOf(Math.max(512, maxLength.orElse(0))));
    maxLength.ifPresent(n -> options.put("maxLength", String.valueOf(n)));
    try {
      this.tokenizer = HuggingFaceTokenizer.newInstance(files.tokenizerJson(), options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer " + files.tokenizerJson(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot load tokenizer " + files.tokenizerJson() + ": " + e.getMessage(), e);
    }
  }

  /**
   * A tokenizer that truncates nothing, from a folder holding {@code tokenizer.json} (and usually {@code
   * tokenizer_config.json}), or from a {@code tokenizer.json} file of any name.
   *
   * @throws IllegalArgumentException when the file is missing or not a valid tokenizer
   */
  public static TextTokenizer load(Path folderOrFile) {
    return builder(folderOrFile).build();
  }

  /** A builder for the tokenizer of this folder or {@code tokenizer.json} file. */
  public static Builder builder(Path folderOrFile) {
    return new Builder(folderOrFile);
  }

  /** Encodes one text: {@code [CLS] text [SEP]} for BERT. */
  public Encoding encode(String text) {
    return encode(text, Optional.empty());
  }

  /** Encodes a text pair: {@code [CLS] text [SEP] pair [SEP]} for BERT, token type 1 for the second text. */
  public Encoding encode(String text, String textPair) {
    return encode(text, Optional.of(textPair));
  }

  /**
   * Tokenizes a dataset (HF's {@code dataset.map(tokenize)}): each example's text (and pair) encoded, with its
   * label (class id, or scores: a regression target, a multi-label 0/1 per class) when it has one; with {@code
   * returnOverflowingTokens}, one features per window, each with the example's label.
   */
  public List<Features> tokenize(List<TextExample> examples) {
    List<Features> out = new ArrayList<>(examples.size());
    for (TextExample e : examples) {
      for (Encoding encoding : windows(e.text(), e.textPair())) {
        out.add(features(encoding, e));
      }
    }
    return out;
  }

  private static Features features(Encoding encoding, TextExample e) {
    if (e.label().isPresent()) {
      return Features.withLabel(encoding, e.label().getAsInt());
    }
    return e.scores().length > 0 ? Features.withScores(encoding, e.scores()) : Features.unlabelled(encoding);
  }

  /**
   * HF's {@code tokenizer(text, truncation=..., max_length=..., stride=..., return_overflowing_tokens=True)}: the
   * truncated encoding, then the windows of the tokens truncation cut off, each overlapping the one before by {@code
   * stride} tokens (for texts longer than the model takes). Without {@code returnOverflowingTokens} the truncated
   * encoding alone.
   */
  public List<Encoding> encodeWithOverflow(String text) {
    return windows(text, Optional.empty());
  }

  private List<Encoding> windows(String text, Optional<String> textPair) {
    return withOverflow(djlEncode(text, textPair));
  }

  private List<Encoding> withOverflow(ai.djl.huggingface.tokenizers.Encoding e) {
    List<Encoding> out = new ArrayList<>();
    out.add(toEncoding(e));
    if (returnOverflowingTokens) {
      for (ai.djl.huggingface.tokenizers.Encoding overflow : e.getOverflowing()) {
        out.add(toEncoding(overflow));
      }
    }
    return out;
  }

  /**
   * Encodes words already split (HF's {@code tokenizer(words, is_split_into_words=True)}): each word is tokenized
   * on its own, and the encoding's word ids are indices into {@code words} (-1 for special tokens).
   */
  public Encoding encodeWords(List<String> words) {
    return toEncoding(djlEncodeWords(words));
  }

  /**
   * {@link #encodeWords} with {@code returnOverflowingTokens}: the truncated encoding, then the windows of the rest,
   * as {@link #encodeWithOverflow} makes them; word ids keep indexing {@code words}.
   */
  public List<Encoding> encodeWordsWithOverflow(List<String> words) {
    return withOverflow(djlEncodeWords(words));
  }

  private ai.djl.huggingface.tokenizers.Encoding djlEncodeWords(List<String> words) {
    try {
      return tokenizer.encode(words.toArray(String[]::new));
    } catch (RuntimeException ex) {
      throw new IllegalArgumentException("cannot encode the words " + abbreviate(String.join(" ", words))
          + " (truncation=" + truncation.hfName() + ", max_length=" + (maxLength.isPresent() ? maxLength.getAsInt()
          : "None") + "): " + ex.getMessage(), ex);
    }
  }

  /**
   * Tokenizes a token-classification dataset as HF's examples do ({@code tokenize_and_align_labels}): each
   * example's words encoded with {@link #encodeWords}, the first token of each word labelled with the word's tag,
   * its other tokens and the special tokens -100 (ignored by the loss); examples without tags are unlabelled.
   * Words cut off by truncation lose their tags, unless {@code returnOverflowingTokens} makes windows of them: each
   * window is labelled the same way, its first token labelled even when its word began in the window before.
   */
  public List<Features> tokenizeWords(List<TaggedWords> examples) {
    return tokenizeWords(examples, null);
  }

  /**
   * As {@link #tokenizeWords(List)} with HF's {@code label_all_tokens=True}: a word's other tokens are labelled
   * too, with the word's tag, or with the {@code I-} tag of its type when the word's tag is a {@code B-} tag that has
   * one ({@code tagNames} by class id, e.g. {@code O, B-PER, I-PER}).
   */
  public List<Features> tokenizeWordsLabellingAllTokens(List<TaggedWords> examples, List<String> tagNames) {
    return tokenizeWords(examples, TaggedWords.insideTags(tagNames));
  }

  /** {@code continued}: the label of a word's other tokens by the word's tag; null for -100. */
  private List<Features> tokenizeWords(List<TaggedWords> examples, int[] continued) {
    List<Features> out = new ArrayList<>(examples.size());
    for (TaggedWords example : examples) {
      for (Encoding encoding : encodeWordsWithOverflow(example.words())) {
        out.add(example.hasTags() ? Features.withTokenLabels(encoding, example.tokenLabels(encoding.wordIds(),
            continued)) : Features.unlabelled(encoding));
      }
    }
    return out;
  }

  private Encoding encode(String text, Optional<String> textPair) {
    return toEncoding(djlEncode(text, textPair));
  }

  private ai.djl.huggingface.tokenizers.Encoding djlEncode(String text, Optional<String> textPair) {
    try {
      return textPair.isPresent() ? tokenizer.encode(text, textPair.get()) : tokenizer.encode(text);
    } catch (RuntimeException ex) {
      throw new IllegalArgumentException("cannot encode \"" + abbreviate(text) + "\"" + textPair.map(p -> " with \""
          + abbreviate(p) + "\"").orElse("") + " (truncation=" + truncation.hfName() + ", max_length="
          + (maxLength.isPresent() ? maxLength.getAsInt() : "None") + "): " + ex.getMessage(), ex);
    }
  }

  private Encoding toEncoding(ai.djl.huggingface.tokenizers.Encoding e) {
    Encoding encoding = new Encoding(e.getIds(), e.getTypeIds(), e.getAttentionMask(), e.getWordIds());
    warnIfLongerThanModel(encoding.length());
    return encoding;
  }

  private void warnIfLongerThanModel(int length) {
    OptionalInt limit = files.modelMaxLength();
    if (limit.isPresent() && length > limit.getAsInt() && !warnedTooLong.getAndSet(true)) {
      LOG.warn("Token indices sequence length is longer than the specified maximum sequence length for this model"
          + " ({} > {}). Running this sequence through the model will result in indexing errors; tokenize with"
          + " truncation", length, limit.getAsInt());
    }
  }

  /** The truncation strategy of {@link #encode}. */
  public Truncation truncation() {
    return truncation;
  }

  /** The length {@link #encode} truncates to, when it truncates. */
  public OptionalInt maxLength() {
    return maxLength;
  }

  /** {@code model_max_length} of {@code tokenizer_config.json}, when it states one. */
  public OptionalInt modelMaxLength() {
    return files.modelMaxLength();
  }

  /**
   * The id of the padding token: {@code pad_token} of {@code tokenizer_config.json}, else the {@code padding}
   * section of {@code tokenizer.json}, else a token named {@code [PAD]} or {@code <pad>}.
   */
  public OptionalLong padTokenId() {
    return files.padTokenId();
  }

  /** The id of a token of the vocabulary, e.g. {@code [CLS]}. */
  public OptionalLong tokenId(String token) {
    return files.tokenId(token);
  }

  /**
   * Copies the tokenizer's files into {@code folder} under HF's names ({@code tokenizer.json}, and {@code
   * tokenizer_config.json} and {@code special_tokens_map.json} when it was read with them), so that HF's {@code
   * AutoTokenizer.from_pretrained(folder)} loads it.
   */
  public void saveTo(Path folder) throws IOException {
    Files.createDirectories(folder);
    for (Path source : files.sources()) {
      String name = source.equals(files.tokenizerJson()) ? "tokenizer.json" : source.getFileName().toString();
      Files.copy(source, folder.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  /** A length option's value, checked: HF's lengths are positive. */
  static OptionalInt positive(String option, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
    return OptionalInt.of(value);
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }

  /** Options of a {@link TextTokenizer}; the defaults are HF's tokenizer call defaults. */
  public static final class Builder {
    private final Path path;
    private Optional<Truncation> truncation = Optional.empty();
    private OptionalInt maxLength = OptionalInt.empty();
    private boolean addSpecialTokens = true;
    private int stride;
    private boolean returnOverflowingTokens;

    private Builder(Path path) {
      this.path = path;
    }

    /**
     * HF's {@code truncation}. Default: {@link Truncation#DO_NOT_TRUNCATE}, or {@link Truncation#LONGEST_FIRST}
     * when only {@code maxLength} is given, as HF does.
     */
    public Builder truncation(Truncation v) {
      truncation = Optional.of(v);
      return this;
    }

    /**
     * HF's {@code max_length}: the most tokens an encoding keeps when truncating (special tokens included).
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder maxLength(int v) {
      maxLength = positive("max_length", v);
      return this;
    }

    /**
     * HF's {@code stride} (default 0): with {@link #returnOverflowingTokens}, how many tokens each window repeats from
     * the one before.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder stride(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("stride must be 0 or more, got " + v);
      }
      stride = v;
      return this;
    }

    /**
     * HF's {@code return_overflowing_tokens} (default false): the tokens truncation cuts off are encoded as more
     * windows instead of dropped ({@link #encodeWithOverflow}); {@link #tokenize} then gives every window of an
     * example its own features with the example's label. Needs truncation.
     */
    public Builder returnOverflowingTokens(boolean v) {
      returnOverflowingTokens = v;
      return this;
    }

    /** HF's {@code add_special_tokens} (default true: {@code [CLS]} and {@code [SEP]} for BERT). */
    public Builder addSpecialTokens(boolean v) {
      addSpecialTokens = v;
      return this;
    }

    /**
     * Loads the tokenizer.
     *
     * @throws IllegalArgumentException when a file is missing or invalid, or truncation has no length to use
     */
    public TextTokenizer build() {
      return new TextTokenizer(this);
    }
  }

  /** {@code tokenizer.json} and {@code tokenizer_config.json}: the facts the tokenizer call does not give. */
  record TokenizerFiles(Path tokenizerJson, Optional<Path> tokenizerConfig, Map<String, Long> specialTokens,
      Map<String, Long> vocabulary, OptionalInt modelMaxLength, OptionalLong padTokenId) {
    static TokenizerFiles read(Path folderOrFile) {
      Path json = Files.isDirectory(folderOrFile) ? folderOrFile.resolve("tokenizer.json") : folderOrFile;
      if (!Files.isRegularFile(json)) {
        throw new IllegalArgumentException("no tokenizer at " + json + ": give a folder holding tokenizer.json (as HF's"
            + " fast tokenizers save it) or the path of a tokenizer.json file");
      }
      JsonNode tokenizer = JsonFiles.readObject(json, "tokenizer");
      Map<String, Long> special = new HashMap<>();
      for (JsonNode t : tokenizer.path("added_tokens")) {
        special.put(t.path("content").asText(), t.path("id").asLong());
      }
      Map<String, Long> vocabulary = new HashMap<>();
      JsonNode vocab = tokenizer.path("model").path("vocab");
      if (vocab.isObject()) {
        vocab.fields().forEachRemaining(e -> vocabulary.put(e.getKey(), e.getValue().asLong()));
      } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], ids by position
        for (int i = 0; i < vocab.size(); i++) {
          vocabulary.put(vocab.get(i).path(0).asText(), (long) i);
        }
      }
      Path configFile = json.resolveSibling("tokenizer_config.json");
      Optional<Path> config = Files.isRegularFile(configFile) ? Optional.of(configFile) : Optional.empty();
      JsonNode configJson = config.map(c -> JsonFiles.readObject(c, "tokenizer configuration")).orElse(null);
      OptionalInt modelMax = OptionalInt.empty();
      if (configJson != null && configJson.path("model_max_length").canConvertToLong()
          && configJson.path("model_max_length").asLong() < NO_MODEL_LIMIT) {
        modelMax = OptionalInt.of(configJson.path("model_max_length").asInt());
      }
      return new TokenizerFiles(json, config, special, vocabulary, modelMax,
          padTokenId(tokenizer, configJson, name -> lookUp(special, vocabulary, name)));
    }

    private static OptionalLong padTokenId(JsonNode tokenizer, JsonNode config, Function<String, OptionalLong> ids) {
      if (config != null) {
        JsonNode pad = config.path("pad_token");
        String name = pad.isObject() ? pad.path("content").asText(null) : pad.isTextual() ? pad.asText() : null;
        if (name != null) {
          return ids.apply(name);
        }
      }
      JsonNode padding = tokenizer.path("padding");
      if (padding.path("pad_id").canConvertToLong()) {
        return OptionalLong.of(padding.path("pad_id").asLong());
      }
      OptionalLong bert = ids.apply("[PAD]");
      return bert.isPresent() ? bert : ids.apply("<pad>");
    }

    private static OptionalLong lookUp(Map<String, Long> special, Map<String, Long> vocabulary, String token) {
      Long id = special.containsKey(token) ? special.get(token) : vocabulary.get(token);
      return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    OptionalLong tokenId(String token) {
      return lookUp(specialTokens, vocabulary, token);
    }

    List<Path> sources() {
      List<Path> out = new ArrayList<>(List.of(tokenizerJson));
      tokenizerConfig.ifPresent(out::add);
      Path specialMap = tokenizerJson.resolveSibling("special_tokens_map.json");
      if (tokenizerConfig.isPresent() && Files.isRegularFile(specialMap)) {
        out.add(specialMap);
      }
      return out;
    }
  }
}
