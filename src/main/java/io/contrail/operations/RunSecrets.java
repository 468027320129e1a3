package io.contrail.operations;

import io.contrail.api.Dag;
import io.contrail.api.HttpSpec;
import io.contrail.api.ShellSpec;
import io.contrail.api.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.Json;
import java.util.Map;

/**
 * What a run brings to the secrets masker: its conf (values under secret-looking keys at any depth,
 * URL passwords anywhere) and its DAG's task env values and HTTP headers under secret-looking
 * names, and URL passwords in task URLs. Values with placeholders are registered once rendered, by
 * the executor. Called when a run is created and by every process that shows one.
 */
public final class RunSecrets {
  private RunSecrets() {}

  /** Registers the run's secrets; {@code dag} may be null (a DAG no longer loaded). */
  public static void register(SecretsMasker masker, DagRun run, Dag dag) {
    if (run != null && run.spec().conf() != null) {
      try {
        masker.addAll(Json.readObject(run.spec().conf()));
      } catch (RuntimeException unreadable) {
        // a conf that is not a JSON object has no keys to go by; the text rules still apply
      }
    }
    if (dag != null) {
      dag.tasks().forEach(t -> register(masker, t));
    }
  }

  /**
   * Registers what one try needs masked: the run's conf and its own task's literal secrets. A try
   * registering its whole DAG cost every try time in proportion to the DAG's size — a tenth of a
   * millisecond per task in a 10,000-task DAG (bench distributed, JFR) — for secrets the try's
   * output cannot hold; each task's try registers its own.
   */
  public static void registerForTry(SecretsMasker masker, DagRun run, TaskDefinition task) {
    register(masker, run, null);
    if (task != null) {
      register(masker, task);
    }
  }

  private static void register(SecretsMasker masker, TaskDefinition task) {
    if (task.spec() instanceof ShellSpec shell) {
      literal(masker, shell.env());
    } else if (task.spec() instanceof HttpSpec http) {
      literal(masker, http.headers());
      if (!http.url().contains("{{")) {
        masker.addNamed("url", http.url());
      }
    }
  }

  private static void literal(SecretsMasker masker, Map<String, String> values) {
    values.forEach((name, value) -> {
      if (value != null && !value.contains("{{")) {
        masker.addNamed(name, value);
      }
    });
  }
}
