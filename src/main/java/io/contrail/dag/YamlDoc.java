package io.contrail.dag;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * One parsed YAML file together with the source line of every node. Jackson's tree loses positions,
 * so the text is streamed once first to record, for each JSON pointer ({@code /tasks/3/depends_on}),
 * the line where it starts; errors found later in the tree can then point at the right line.
 */
final class YamlDoc {
  private static final YAMLMapper MAPPER = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final YAMLFactory FACTORY = MAPPER.getFactory();

  private final String file;
  private final Map<String, Integer> lines;
  private final JsonNode root;

  private YamlDoc(String file, Map<String, Integer> lines, JsonNode root) {
    this.file = file;
    this.lines = lines;
    this.root = root;
  }

  static YamlDoc parse(String file, String text) {
    try {
      Map<String, Integer> lines = new HashMap<>();
      try (JsonParser p = FACTORY.createParser(ParseBudget.reader(text))) {
        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        while (p.nextToken() != null) {
          // The first token seen for a path is its key (or the start of a list item): its line.
          String pointer = p.getParsingContext().pathAsPointer().toString();
          lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
        }
      }
      return new YamlDoc(file, lines, MAPPER.readTree(ParseBudget.reader(text)));
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

  DagImportException error(String pointer, String message) {
    return new DagImportException(file, line(pointer), message);
  }

  static String child(String pointer, String key) {
    return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
  }
}
