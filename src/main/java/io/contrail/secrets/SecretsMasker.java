package io.contrail.secrets;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one secrets masker, after Airflow's: values registered as secret (a run's conf values under
 * secret-looking keys at any depth, a task's secret-named env values and headers, configured
 * passwords) become {@code ***} wherever they appear in text, and so do URL passwords and the
 * values of secret-named parameters, pairs and headers ({@link TextRules}). Structured values (run
 * conf, DAG definitions) are redacted by key with {@link #redact}, also values too short to
 * register. Registered values shorter than {@value #MIN_LENGTH} characters are not masked in free
 * text (as Airflow, so that "a" or "1" does not mask half of every line). Every output of Contrail
 * passes through one: CLI text and JSON, attempt logs, OTel log records, span attributes and
 * events, metric attributes and component logs ({@link ProcessMasking}). It keeps at most
 * {@value #CAPACITY} values, forgetting the least recently registered, so a long-running scheduler
 * does not grow with history. Thread-safe; masking never throws.
 *
 * <p>Two calls cover every output: {@link #mask(String)} for text (a log line, an error message, a
 * rendered command) and {@link #mask(JsonNode)} for a JSON document (a run's conf in a CLI or REST
 * response). A process gets its masker from its composition root ({@code Contrail.masker()}), which
 * has registered the configured passwords; {@code RunSecrets.register} adds a run's secrets.
 */
public final class SecretsMasker {
  public static final String MASK = "***";
  public static final int MIN_LENGTH = 4;
  static final int CAPACITY = 10_000;

  private static final Pattern SCHEME = Pattern.compile("(?i)(?:Bearer|Basic|Token|Digest|Bot)\\s+(\\S+)\\s*");

  private final SecretNames names;
  private final LinkedHashMap<String, Boolean> values = new LinkedHashMap<>();
  private volatile ValueIndex index = ValueIndex.EMPTY;

  private SecretsMasker(SecretNames names) {
    this.names = names;
  }

  public static SecretsMasker create(SecretNames names) {
    return new SecretsMasker(names);
  }

  /** A masker with the built-in secret names and nothing registered: the text rules only. */
  public static SecretsMasker defaults() {
    return new SecretsMasker(SecretNames.defaults());
  }

  public SecretNames names() {
    return names;
  }

  public boolean looksSecret(String name) {
    return names.looksSecret(name);
  }

  /**
   * Registers a secret value: from now on it is masked in all text. Also its single lines (a
   * private key's), its URL-encoded and JSON-escaped forms. Too short (under {@value #MIN_LENGTH})
   * or blank values are ignored.
   */
  public void addSecret(String secret) {
    if (secret == null || secret.strip().length() < MIN_LENGTH || secret.equals(MASK)) {
      return;
    }
    List<String> forms = new ArrayList<>();
    forms.add(secret);
    if (secret.indexOf('\n') >= 0) {
      secret.lines().map(String::strip).filter(l -> l.length() >= MIN_LENGTH).forEach(forms::add);
    }
    forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    forms.add(new String(JsonStringEncoder.getInstance().quoteAsString(secret)));
    synchronized (values) {
      boolean changed = false;
      for (String f : forms) {
        changed |= values.remove(f) == null;
        values.put(f, Boolean.TRUE);
      }
      while (values.size() > CAPACITY) {
        values.remove(values.keySet().iterator().next());
        changed = true;
      }
      if (changed) {
        index = new ValueIndex(List.copyOf(values.keySet()));
      }
    }
  }

  /**
   * Registers what {@code value} holds under {@code name}: every leaf when the name looks secret;
   * otherwise the values under secret-looking keys at any depth of maps and lists, and the URL
   * passwords and secret-named parameters inside strings ({@code db_url: postgres://u:pw@h}).
   */
  public void addNamed(String name, Object value) {
    if (value == null) {
      return;
    }
    if (name != null && names.looksSecret(name)) {
      addLeaves(value);
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> addNamed(String.valueOf(k), v));
    } else if (value instanceof Iterable<?> list) {
      list.forEach(v -> addNamed(null, v));
    } else if (value instanceof String s) {
      TextRules.secretsIn(s, names, found -> {
        addSecret(found);
        addSecret(URLDecoder.decode(found.replace("+", "%2B"), StandardCharsets.UTF_8));
      });
    }
  }

  /** Registers the secrets of a JSON-like map (a run conf): {@link #addNamed} for each entry. */
  public void addAll(Map<String, ?> map) {
    if (map != null) {
      addNamed(null, map);
    }
  }

  private void addLeaves(Object value) {
    if (value instanceof Map<?, ?> map) {
      map.values().forEach(this::addLeaves);
    } else if (value instanceof Iterable<?> list) {
      list.forEach(this::addLeaves);
    } else if (value != null) {
      String text = String.valueOf(value);
      addSecret(text);
      Matcher credentials = SCHEME.matcher(text);
      if (credentials.matches()) {
        addSecret(credentials.group(1)); // the token of "Bearer <token>", alone
      }
    }
  }

  /** {@code text} with every registered secret and every secret-shaped value replaced by {@code ***}. */
  public String mask(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    try {
      return TextRules.apply(index.replace(text, MASK), names);
    } catch (RuntimeException | StackOverflowError e) {
      // masking must never fail an output, and must never let the text through unmasked either
      return MASK;
    }
  }

  /**
   * A copy of a JSON document with the value of every secret-looking key replaced by {@code "***"}
   * at any depth, in objects inside lists too, whatever its length, and every other string masked
   * as text; numbers, booleans and nulls under other keys are kept. The argument is not changed.
   */
  public JsonNode mask(JsonNode node) {
    return node == null ? null : maskNode(null, node);
  }

  private JsonNode maskNode(String key, JsonNode node) {
    if (key != null && names.looksSecret(key) && !node.isNull()) {
      return TextNode.valueOf(MASK);
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> out.set(e.getKey(), maskNode(e.getKey(), e.getValue())));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
      node.forEach(v -> out.add(maskNode(null, v)));
      return out;
    }
    if (node.isTextual()) {
      return TextNode.valueOf(mask(node.textValue()));
    }
    return node;
  }

  /**
   * A copy of a JSON-like value (maps, lists, scalars) with the value of every secret-looking key
   * replaced by {@code ***} at any depth — whatever its length — and every string masked.
   */
  public Object redact(Object value) {
    return redact(null, value);
  }

  /** {@link #redact(Object)} for a map. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> redact(Map<String, ?> map) {
    return map == null ? null : (Map<String, Object>) redact(null, map);
  }

  private Object redact(String key, Object value) {
    if (value == null) {
      return null;
    }
    if (key != null && names.looksSecret(key)) {
      return MASK;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), redact(String.valueOf(k), v)));
      return out;
    }
    if (value instanceof Iterable<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(redact(null, v)));
      return out;
    }
    if (value instanceof String s) {
      return mask(s);
    }
    return value;
  }
}
