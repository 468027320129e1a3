package io.contrail.dag;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * One parsed YAML file together with the source line and the text as written of every node.
 * Jackson's tree loses both (it reads {@code yes} as {@code true} and {@code 012} as 10), so the
 * text is streamed once first to record, for each JSON pointer ({@code /tasks/3/depends_on}), the
 * line where it starts and, for scalars, their text; errors found later in the tree can then point
 * at the right line and quote what the user wrote. The same pass refuses what a DAG file must not
 * hold: a second YAML document, and aliases ({@code *name}), which Jackson would silently read as
 * the anchor's name. Nesting and size are bounded by the parser's limits.
 */
final class YamlDoc {
  /** Deeper than any DAG file needs (tasks → a task → env → a value is 4). */
  static final int MAX_NESTING_DEPTH = 50;
  /**
   * SnakeYAML's own limit on a document's length; {@code [core] max_dag_file_bytes} refuses large
   * files before they get here, this only keeps the parser bounded whatever that setting says.
   */
  static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

  private static final YAMLMapper MAPPER = mapper();
  private static final YAMLFactory FACTORY = MAPPER.getFactory();

  private final String file;
  private final Map<String, Integer> lines;
  private final Map<String, String> scalars;
  private final JsonNode root;

  private YamlDoc(String file, Map<String, Integer> lines, Map<String, String> scalars, JsonNode root) {
    this.file = file;
    this.lines = lines;
    this.scalars = scalars;
    this.root = root;
  }

  private static YAMLMapper mapper() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setNestingDepthLimit(MAX_NESTING_DEPTH);
    options.setMaxAliasesForCollections(0);
    options.setAllowDuplicateKeys(false);
    YAMLFactory factory = YAMLFactory.builder()
        .loaderOptions(options)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
        .build();
    return YAMLMapper.builder(factory).enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  }

  static YamlDoc parse(String file, String text) {
    try {
      Map<String, Integer> lines = new HashMap<>();
      Map<String, String> scalars = new HashMap<>();
      try (JsonParser p = FACTORY.createParser(ParseBudget.reader(text))) {
        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        int documents = 0;
        JsonToken token;
        while ((token = p.nextToken()) != null) {
          int line = p.currentTokenLocation().getLineNr();
          if (startsRootValue(p, token) && ++documents == 2) {
            throw new DagImportException(file, line, "a second YAML document ('---') in the file: a DAG file"
                + " holds one DAG; put each DAG in a file of its own");
          }
          if (p instanceof YAMLParser y && y.isCurrentAlias()) {
            throw new DagImportException(file, line, "YAML aliases (*" + p.getText() + ") are not supported in"
                + " DAG files: write the value out, or put settings shared by tasks in default_args");
          }
          // The first token seen for a path is its key (or the start of a list item): its line.
          String pointer = p.getParsingContext().pathAsPointer().toString();
          lines.putIfAbsent(pointer, line);
          if (token.isScalarValue()) {
            scalars.put(pointer, p.getText());
          }
        }
      }
      return new YamlDoc(file, lines, scalars, MAPPER.readTree(ParseBudget.reader(text)));
    } catch (StreamConstraintsException e) {
      int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
      throw new DagImportException(file, line, "invalid YAML: nested deeper than " + MAX_NESTING_DEPTH + " levels");
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
      String reason = firstLine(e.getOriginalMessage());
      if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
        // SnakeYAML's own message spans several lines with a code excerpt; keep just the reason.
        reason = (m.getContext() == null ? "" : m.getContext() + ": ") + m.getProblem();
      }
      throw new DagImportException(file, line, "invalid YAML: " + reason);
    } catch (IOException e) {
      throw new DagImportException(file, 1, "cannot read YAML: " + e.getMessage());
    }
  }

  /** Whether {@code token} begins a top-level value: a YAML document of its own. */
  private static boolean startsRootValue(JsonParser p, JsonToken token) {
    if (token.isStructStart()) {
      return p.getParsingContext().getParent() != null && p.getParsingContext().getParent().inRoot();
    }
    return token.isScalarValue() && p.getParsingContext().inRoot();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "syntax error";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  String file() {
    return file;
  }

  /** Line of the node at {@code pointer} if the file has that node, else 0. */
  int exactLine(String pointer) {
    return lines.getOrDefault(pointer, 0);
  }

  /** The root mapping of the document; a DAG file must be one. */
  YamlMap rootMap() {
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new DagImportException(file, 1, "file is empty");
    }
    if (!root.isObject()) {
      throw new DagImportException(file, line(""), "expected a mapping with dag_id and tasks at the top level");
    }
    return new YamlMap(this, "", (ObjectNode) root);
  }

  /** Line of the node at {@code pointer}, else of its nearest ancestor that has one. */
  int line(String pointer) {
    JsonPointer p = JsonPointer.compile(pointer);
    while (p != null) {
      Integer line = lines.get(p.toString());
      if (line != null) {
        return line;
      }
      p = p.head();
    }
    return 1;
  }

  /** The scalar at {@code pointer} as the file writes it ({@code yes}, {@code 012}), or null. */
  String writtenAs(String pointer) {
    return scalars.get(pointer);
  }

  DagImportException error(String pointer, String message) {
    return new DagImportException(file, line(pointer), message);
  }

  static String child(String pointer, String key) {
    return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
  }
}
