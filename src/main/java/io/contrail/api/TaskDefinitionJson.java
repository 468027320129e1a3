package io.contrail.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of a {@link TaskDefinition} (serialized DAGs in the database, {@code dags show
 * --json}): one flat object of the common fields, {@code type} and the spec's own fields, as the
 * DAG file has them. Rows written before task types had specs of their own (all fields of every
 * type, {@code "type": "SHELL"}) read back the same way.
 */
final class TaskDefinitionJson {
  private TaskDefinitionJson() {}

  static final class Writer extends JsonSerializer<TaskDefinition> {
    @Override
    public void serialize(TaskDefinition t, JsonGenerator gen, SerializerProvider provider) throws IOException {
      ObjectMapper mapper = (ObjectMapper) gen.getCodec();
      ObjectNode node = mapper.createObjectNode();
      node.put("taskId", t.taskId());
      node.put("type", t.type());
      node.setAll((ObjectNode) mapper.valueToTree(t.spec()));
      node.set("dependsOn", mapper.valueToTree(t.dependsOn()));
      node.set("triggerRule", mapper.valueToTree(t.triggerRule()));
      node.setAll((ObjectNode) mapper.valueToTree(t.retry()));
      node.set("executionTimeout", mapper.valueToTree(t.executionTimeout()));
      node.setAll((ObjectNode) mapper.valueToTree(t.queueing()));
      if (!t.callbacks().isEmpty()) {
        node.set("callbacks", mapper.valueToTree(t.callbacks()));
      }
      gen.writeTree(node);
    }
  }

  static final class Reader extends JsonDeserializer<TaskDefinition> {
    @Override
    public TaskDefinition deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      ObjectMapper mapper = (ObjectMapper) p.getCodec();
      JsonNode node = mapper.readTree(p);
      String type = node.path("type").asText().toLowerCase(Locale.ROOT);
      Class<? extends TaskSpec> specType = TaskSpec.TYPES.get(type);
      if (specType == null) {
        throw ctx.weirdStringException(type, TaskSpec.class, "unknown task type");
      }
      List<String> dependsOn = new ArrayList<>();
      node.path("dependsOn").forEach(d -> dependsOn.add(d.asText()));
      JsonNode timeout = node.get("executionTimeout");
      return new TaskDefinition(node.path("taskId").asText(), mapper.treeToValue(node, specType), dependsOn,
          node.hasNonNull("triggerRule") ? TriggerRule.valueOf(node.get("triggerRule").asText()) : null,
          mapper.treeToValue(node, RetryPolicy.class), mapper.treeToValue(node, Queueing.class),
          timeout == null || timeout.isNull() ? null : mapper.treeToValue(timeout, Duration.class),
          node.hasNonNull("callbacks") ? mapper.treeToValue(node.get("callbacks"), Callbacks.class) : null);
    }
  }
}
