package io.contrail.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.contrail.cli.Main;
import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.testing.Peers;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes/ as a cluster would take it, without a cluster: every document is checked
 * by kubeconform in strict mode against schemas made from Kubernetes' own OpenAPI document
 * (v1.34), and what a schema cannot see is checked against Contrail itself — each container's
 * arguments are a valid Contrail command, its environment a configuration Contrail loads, the
 * DAG files in the ConfigMap parse, and every reference (Secret keys, ConfigMaps, the autoscaler's
 * target, the probes' paths) points at something that exists.
 */
class KubernetesManifestsTest {
  private static final Path DIR = Peers.projectRoot().resolve("deploy/kubernetes");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static List<JsonNode> docs;

  @TempDir static Path tmp;

  @BeforeAll
  static void read() throws IOException {
    docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(f.toFile())) {
          while (it.hasNext()) {
            JsonNode doc = it.next();
            if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
              docs.add(doc);
            }
          }
        }
      }
    }
  }

  @Test
  void kubeconformAcceptsEveryDocumentInStrictMode() throws Exception {
    Path peer = Peers.kubeconform();
    Path schemas = schemasFor(peer.resolve("swagger.json"), docs);
    Run ok = kubeconform(peer, schemas, DIR);
    assertThat(ok.exit).as(ok.output).isZero();
    JsonNode summary = JSON.readTree(ok.output).path("summary");
    long kinds = docs.stream().filter(d -> !d.path("kind").asText().equals("Kustomization")).count();
    assertThat(summary.path("valid").asLong()).as(ok.output).isEqualTo(kinds);
    assertThat(summary.path("invalid").asLong() + summary.path("errors").asLong()).isZero();

    // the checker is not a rubber stamp: a misspelt field in the worker Deployment is refused
    Path broken = Files.createDirectories(tmp.resolve("broken"));
    Files.writeString(broken.resolve("worker.yaml"), Files.readString(DIR.resolve("worker.yaml"))
        .replace("terminationGracePeriodSeconds:", "terminationGracePeriodSecond:"));
    Run bad = kubeconform(peer, schemas, broken);
    assertThat(bad.exit).isNotZero();
    assertThat(bad.output).contains("terminationGracePeriodSecond").contains("Deployment");
  }

  @Test
  void everyContainerRunsAContrailCommandWithAConfigurationContrailLoads() throws Exception {
    Map<String, String> configMap = data("ConfigMap", "contrail-env");
    Set<String> commands = new LinkedHashSet<>();
    for (JsonNode pod : podSpecs()) {
      for (JsonNode c : pod.path("containers")) {
        if (!c.path("image").asText().equals("contrail")) {
          continue;
        }
        List<String> args = new ArrayList<>();
        c.path("args").forEach(a -> args.add(a.asText()));
        commands.add(args.get(0));
        args.add("--help");   // parses every option as the real command would, runs nothing
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(Environment.of(Map.of()), new PrintWriter(out), new PrintWriter(err),
            args.toArray(String[]::new));
        assertThat(code).as(args + ": " + err).isZero();

        Map<String, String> env = new HashMap<>();
        c.path("envFrom").forEach(e -> env.putAll(data("ConfigMap", e.path("configMapRef").path("name").asText())));
        for (JsonNode e : c.path("env")) {
          env.put(e.path("name").asText(), e.has("value") ? e.path("value").asText()
              : e.path("valueFrom").has("fieldRef") ? "10.1.2.3"   // the downward API's pod IP
              : secretValue(e.path("valueFrom").path("secretKeyRef")));
        }
        Path home = Files.createDirectories(tmp.resolve("home-" + args.get(0) + "-" + c.path("name").asText()));
        ContrailConfig config = ConfigLoader.load(home, env);   // an unknown key or a bad value throws, naming it
        assertThat(config.core().executor()).as(args.get(0)).isEqualTo("distributed");
        if (!args.get(0).equals("db")) {   // every process but the migration reads the DAG files
          assertThat(config.core().dagsFolder().toString()).as(args.get(0))
              .isEqualTo(mountPath(c, "dags")).isEqualTo(configMap.get("CONTRAIL__CORE__DAGS_FOLDER"));
        }
      }
    }
    assertThat(commands).containsExactlyInAnyOrder("db", "scheduler", "worker", "api-server");
  }

  @Test
  void schedulersRunInHaAndWorkersScaleOnTheQueueAndStopGracefully() {
    JsonNode scheduler = find("Deployment", "contrail-scheduler");
    assertThat(scheduler.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(find("PodDisruptionBudget", "contrail-scheduler").path("spec").path("minAvailable").asInt()).isEqualTo(1);

    JsonNode hpa = find("HorizontalPodAutoscaler", "contrail-worker");
    JsonNode target = hpa.path("spec").path("scaleTargetRef");
    assertThat(find(target.path("kind").asText(), target.path("name").asText()).path("spec").path("template")
        .path("spec").path("containers").get(0).path("args").get(0).asText()).isEqualTo("worker");
    assertThat(hpa.path("spec").path("metrics").get(0).path("external").path("metric").path("name").asText())
        .isEqualTo("contrail_executor_queued_tasks");

    long graceMs = Long.parseLong(data("ConfigMap", "contrail-env").get("CONTRAIL__SCHEDULER__GRACEFUL_SHUTDOWN_TIMEOUT_MS"));
    for (String name : List.of("contrail-worker", "contrail-scheduler")) {
      long podGraceS = find("Deployment", name).path("spec").path("template").path("spec")
          .path("terminationGracePeriodSeconds").asLong();
      assertThat(podGraceS * 1000).as(name + " is killed before its tasks' grace period ends").isGreaterThan(graceMs);
    }
  }

  @Test
  void workersServeTheirLogsToTheApiServerOnTheirPodIpWithASharedSecret() {
    JsonNode worker = find("Deployment", "contrail-worker").path("spec").path("template").path("spec")
        .path("containers").get(0);
    assertThat(worker.path("ports").get(0).path("name").asText()).isEqualTo("logs");
    assertThat(worker.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8793);
    Map<String, JsonNode> env = new HashMap<>();
    worker.path("env").forEach(e -> env.put(e.path("name").asText(), e));
    assertThat(env.get("CONTRAIL__WORKER__LOG_SERVER_HOST").path("valueFrom").path("fieldRef").path("fieldPath")
        .asText()).isEqualTo("status.podIP");
    JsonNode api = find("Deployment", "contrail-api-server").path("spec").path("template").path("spec")
        .path("containers").get(0);
    Map<String, JsonNode> apiEnv = new HashMap<>();
    api.path("env").forEach(e -> apiEnv.put(e.path("name").asText(), e));
    assertThat(apiEnv.get("CONTRAIL__WORKER__LOG_SERVER_SECRET").path("valueFrom"))
        .as("the API server signs with the workers' secret")
        .isEqualTo(env.get("CONTRAIL__WORKER__LOG_SERVER_SECRET").path("valueFrom"));
  }

  @Test
  void referencesPointAtWhatTheDirectoryDefines() throws IOException {
    for (JsonNode pod : podSpecs()) {
      pod.path("volumes").forEach(v -> {
        if (v.has("configMap")) {
          find("ConfigMap", v.path("configMap").path("name").asText());
        }
      });
      for (JsonNode c : pod.path("containers")) {
        c.path("env").forEach(e -> {
          if (e.path("valueFrom").has("secretKeyRef")) {
            secretValue(e.path("valueFrom").path("secretKeyRef"));
          }
        });
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
          String path = c.path(probe).path("httpGet").path("path").asText("");
          if (!path.isEmpty()) {   // the API answers these without a login (docs/api.md)
            assertThat(path).isIn("/api/v2/monitor/health", "/api/v2/version");
          }
        }
      }
    }
    JsonNode db = find("Service", "contrail-postgres");
    assertThat(data("ConfigMap", "contrail-env").get("CONTRAIL__DATABASE__URL"))
        .contains("//" + db.path("metadata").path("name").asText() + ":5432/");

    Set<String> listed = new LinkedHashSet<>();
    find("Kustomization", null).path("resources").forEach(r -> listed.add(r.asText()));
    try (Stream<Path> files = Files.list(DIR)) {
      assertThat(listed).containsExactlyInAnyOrderElementsOf(files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList());
    }
  }

  @Test
  void theDagsInTheConfigMapLoadWithoutImportErrors() throws IOException {
    Map<String, String> dags = data("ConfigMap", "contrail-dags");
    assertThat(dags).isNotEmpty();
    Path folder = Files.createDirectories(tmp.resolve("dags"));
    for (Map.Entry<String, String> e : dags.entrySet()) {
      Files.writeString(folder.resolve(e.getKey()), e.getValue());
    }
    Environment env = Environment.of(Map.of("CONTRAIL_HOME", Files.createDirectories(tmp.resolve("dags-home")).toString(),
        "CONTRAIL__CORE__DAGS_FOLDER", folder.toString(), "CONTRAIL__CORE__LOAD_EXAMPLES", "false"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(Main.execute(env, new PrintWriter(out), new PrintWriter(err), "dags", "list", "--json")).as(err.toString())
        .isZero();
    JsonNode listed = JSON.readTree(out.toString());
    assertThat(listed).hasSize(dags.size());
    out.getBuffer().setLength(0);
    Main.execute(env, new PrintWriter(out), new PrintWriter(err), "dags", "list-import-errors", "--json");
    assertThat(JSON.readTree(out.toString())).as(out.toString()).isEmpty();
  }

  // --- helpers

  /** One strict JSON schema per kind used, in kubeconform's file naming, from Kubernetes' OpenAPI definitions. */
  private static Path schemasFor(Path swagger, List<JsonNode> used) throws IOException {
    ObjectNode definitions = (ObjectNode) JSON.readTree(swagger.toFile()).path("definitions");
    definitions.fields().forEachRemaining(d -> strict(d.getValue()));
    definitions.set("io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        JSON.readTree("{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}"));
    definitions.set("io.k8s.apimachinery.pkg.api.resource.Quantity",
        JSON.readTree("{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"number\"}]}"));
    Path dir = Files.createDirectories(tmp.resolve("schemas"));
    for (JsonNode doc : used) {
      String[] apiVersion = doc.path("apiVersion").asText().split("/");
      String group = apiVersion.length == 2 ? apiVersion[0] : "";
      String version = apiVersion[apiVersion.length - 1];
      String kind = doc.path("kind").asText();
      definitions.fields().forEachRemaining(d -> {
        for (JsonNode gvk : d.getValue().path("x-kubernetes-group-version-kind")) {
          if (gvk.path("group").asText().equals(group) && gvk.path("version").asText().equals(version)
              && gvk.path("kind").asText().equals(kind)) {
            ObjectNode schema = JSON.createObjectNode();
            schema.put("$ref", "#/definitions/" + d.getKey());
            schema.set("definitions", definitions);
            String suffix = (group.isEmpty() ? "" : "-" + group.split("\\.")[0]) + "-" + version;
            try {
              JSON.writeValue(dir.resolve(kind.toLowerCase() + suffix + ".json").toFile(), schema);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        }
      });
    }
    return dir;
  }

  /** No property the definition does not name, as kubeconform's -strict schemas. */
  private static void strict(JsonNode node) {
    if (node instanceof ObjectNode o) {
      if (o.has("properties") && !o.has("additionalProperties")) {
        o.put("additionalProperties", false);
      }
      o.elements().forEachRemaining(KubernetesManifestsTest::strict);
    } else if (node instanceof ArrayNode a) {
      a.elements().forEachRemaining(KubernetesManifestsTest::strict);
    }
  }

  private record Run(int exit, String output) {}

  private static Run kubeconform(Path peer, Path schemas, Path target) throws Exception {
    Path out = tmp.resolve("kubeconform-" + System.nanoTime() + ".out");
    Process p = new ProcessBuilder(peer.resolve("kubeconform").toString(), "-strict", "-summary", "-output", "json",
        "-schema-location", schemas + "/{{ .ResourceKind }}{{ .KindSuffix }}.json", "-skip", "Kustomization",
        target.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  private static JsonNode find(String kind, String name) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)
            && (name == null || d.path("metadata").path("name").asText().equals(name)))
        .findFirst().orElseThrow(() -> new AssertionError("deploy/kubernetes has no " + kind + " " + name));
  }

  private static Map<String, String> data(String kind, String name) {
    JsonNode node = find(kind, name);
    Map<String, String> data = new HashMap<>();
    node.path(kind.equals("Secret") ? "stringData" : "data").fields()
        .forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
    return data;
  }

  private static String secretValue(JsonNode ref) {
    String value = data("Secret", ref.path("name").asText()).get(ref.path("key").asText());
    assertThat(value).as("Secret " + ref.path("name").asText() + " has key " + ref.path("key").asText()).isNotNull();
    return value;
  }

  private static List<JsonNode> podSpecs() {
    List<JsonNode> pods = new ArrayList<>();
    for (JsonNode d : docs) {
      JsonNode template = d.path("spec").path("template").path("spec");
      if (template.has("containers")) {
        pods.add(template);
      }
    }
    return pods;
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("name").asText().equals(volume)) {
        return m.path("mountPath").asText();
      }
    }
    return "";
  }
}
